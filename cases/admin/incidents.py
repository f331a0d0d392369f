"""Admin of incidents and what is entered with them: victims, involvements, qualifications."""

import re

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from cases import models as m

from .base import (
    DistinctRowsFormSet,
    HistoryAdmin,
    RefreshesSearchNames,
    TabularInline,
    TrackedAdmin,
    publication_fieldset,
    record_fieldset,
    refuse_self_reference,
)
from .entry import ROW_SOURCE_JS, creating_actor_picker
from .sources import IncidentCitationInline, SourceInRowForm, SourceInRowInline
from .translations import TranslatedTextsAdmin
from .workflow import PartAdmin, PublishableAdmin


class VictimCountInline(TabularInline):
    model = m.VictimCount
    fields = ("kind", "minimum", "maximum", "group")
    extra = 0


# The kinds of actor the involvement's picker offers to create, the likeliest first.
INVOLVED_KINDS = (
    m.ActorKind.PERSON,
    m.ActorKind.ARMED_UNIT,
    m.ActorKind.ARMED_GROUP,
    m.ActorKind.STATE_ORGAN,
    m.ActorKind.ORGANISATION,
)


class InvolvementForm(SourceInRowForm):
    cites = "involvement"


class InvolvementInline(SourceInRowInline, TabularInline):
    model = m.Involvement
    form = InvolvementForm
    fields = ("actor", "role", "confidence", "note", "source", "pinpoint")
    autocomplete_fields = ("actor",)
    extra = 1

    def get_queryset(self, request):
        # The incident, which its name reads, is the page's (LoadedChoicesFormSet).
        return super().get_queryset(request).select_related("actor")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "actor":  # an actor not yet recorded is typed and created here
            kwargs["widget"] = creating_actor_picker(db_field, self, INVOLVED_KINDS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LegalQualificationFormSet(DistinctRowsFormSet):
    # An empty "asserted by" counts as equal in the database (nulls_distinct=False).
    distinct_fields = ("provision", "asserted_by")
    message = "This provision is already qualified by this body."


class LegalQualificationForm(SourceInRowForm):
    cites = "legal_qualification"


class LegalQualificationInline(SourceInRowInline, TabularInline):
    model = m.LegalQualification
    form = LegalQualificationForm
    formset = LegalQualificationFormSet
    fields = ("provision", "standing", "asserted_by", "asserted_on", "note", "source", "pinpoint")
    autocomplete_fields = ("provision", "asserted_by")
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provision__instrument", "asserted_by")


class IncidentForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        refuse_self_reference(
            self, "parent", self.instance.pk, "An incident cannot be part of itself."
        )
        # The database checks this too, but Django cannot evaluate that constraint in Python.
        subdivision, country = cleaned.get("subdivision"), cleaned.get("country")
        if subdivision:
            if not country:
                self.add_error("country", gettext("Give the country of the subdivision."))
            elif not re.fullmatch(rf"{country.code}-[A-Z0-9]{{1,3}}", subdivision):
                self.add_error(
                    "subdivision",
                    gettext(
                        "“%(subdivision)s” is not an ISO 3166-2 code in %(country)s: it should "
                        "look like %(example)s."
                    )
                    % {
                        "subdivision": subdivision,
                        "country": country,
                        "example": f"{country.code}-23",
                    },
                )
        return cleaned


ADD_ACTION = "_addaction"  # the button "Save and add an action for this incident"


def add_action_url(incident: m.Incident) -> str:
    """The add page of an action, started from the incident (cases.admin.entry)."""
    return f"{reverse('admin:cases_accountabilityaction_add')}?incidents={incident.pk}"


@admin.register(m.Incident)
class IncidentAdmin(TranslatedTextsAdmin, RefreshesSearchNames, PublishableAdmin):
    form = IncidentForm
    list_display = (
        "title",
        "date",
        "country",
        "place_name",
        "verification_status",
        "publication_status",
        "confidentiality",
        "updated_at",
    )
    list_select_related = ("country",)
    search_fields = ("title", "summary", "place_name", "subdivision", "search_names")
    list_filter = (
        "publication_status",
        "confidentiality",
        "verification_status",
        "conflict_type",
        "country",
    )
    autocomplete_fields = ("country", "controlling_power", "categories", "parent")
    readonly_fields = ("date_earliest", "date_latest")
    date_hierarchy = "date_earliest"
    ordering = ("-date_earliest", "-pk")
    inlines = (
        VictimCountInline,
        InvolvementInline,
        LegalQualificationInline,
        IncidentCitationInline,
    )
    fieldsets = (
        (None, {"fields": ("title", "summary", "description", "parent", "categories")}),
        (
            "When",
            {
                "fields": ("date", ("date_earliest", "date_latest")),
                "description": "Type the date as reported; the earliest and latest day it "
                "can mean are worked out on save (empty means open-ended).",
            },
        ),
        (
            "Where",
            {
                "fields": (
                    ("country", "subdivision"),
                    "place_name",
                    ("latitude", "longitude", "coordinate_precision"),
                    "controlling_power",
                )
            },
        ),
        ("Assessment", {"fields": ("conflict_type", "verification_status")}),
        publication_fieldset(),
        record_fieldset(),
    )
    # Its place, categories and involvements and qualifications (inlines) name it.
    search_names_kind = "incidents"

    class Media:
        js = ("admin/js/jquery.init.js", ROW_SOURCE_JS)  # after django.jQuery

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # "Save and add an action for this incident", where the save writes the incident (a
        # new one, a draft): a live incident's edit only waits in the change set.
        context["show_save_and_add_action"] = (
            not context.get("reviewed_edit")
            and not context.get("is_popup")
            and self.admin_site.get_model_admin(m.AccountabilityAction).has_add_permission(request)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if ADD_ACTION in request.POST and IS_POPUP_VAR not in request.POST:
            return redirect(add_action_url(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if ADD_ACTION in request.POST and IS_POPUP_VAR not in request.POST:
            return redirect(add_action_url(obj))
        return super().response_change(request, obj)


@admin.register(m.VictimCount)
class VictimCountAdmin(PartAdmin, HistoryAdmin):
    list_display = ("__str__", "kind", "incident")
    list_select_related = ("incident",)
    search_fields = ("incident__title", "group")
    list_filter = ("kind",)
    autocomplete_fields = ("incident",)
    ordering = ("incident", "kind", "pk")


class RefreshesIncidentSearch(RefreshesSearchNames, TrackedAdmin):
    """For rows whose names feed their incident's search names (on their own page): keep
    them current, the incident's before and after a move too."""

    def search_names_of(self, objs) -> dict[str, list]:
        return {"incidents": [obj.incident_id for obj in objs]}


@admin.register(m.Involvement)
class InvolvementAdmin(PartAdmin, RefreshesIncidentSearch):
    list_display = ("actor", "role", "incident", "confidence", "updated_at")
    deleted_select_related = ("actor", "incident")
    list_select_related = ("actor", "incident")
    search_fields = ("actor__name", "incident__title", "note")
    list_filter = ("role", "confidence")
    autocomplete_fields = ("incident", "actor")
    ordering = ("-updated_at", "-pk")


@admin.register(m.LegalQualification)
class LegalQualificationAdmin(PartAdmin, RefreshesIncidentSearch):
    list_display = ("incident", "provision", "standing", "asserted_by", "asserted_on")
    deleted_select_related = ("incident", "provision__instrument")
    list_select_related = ("incident", "provision__instrument", "asserted_by")
    search_fields = (
        "incident__title",
        "provision__label",
        "provision__instrument__short_title",
        "asserted_by__name",
    )
    list_filter = ("standing", "provision__instrument")
    autocomplete_fields = ("incident", "provision", "asserted_by")
    date_hierarchy = "asserted_on"
    ordering = ("-asserted_on", "-pk")
