"""Admin of accountability actions: subjects, charges and the dated events of the action's
life entered together in one go; the status and dates the events decide follow them."""

import datetime
from functools import cached_property

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import models as m
from cases import services
from cases.models.actions import LIFECYCLE_FIELDS, lifecycle_problems
from cases.models.law import written_date

from .base import (
    HistoryAdmin,
    LoadedAutocompleteSelect,
    LoadedAutocompleteSelectMultiple,
    RefreshesSearchNames,
    StackedInline,
    TabularInline,
    TrackedAdmin,
    give_loaded,
    publication_fieldset,
    record_fieldset,
    refuse_date_before,
)
from .entry import (
    ROW_SOURCE_JS,
    RowsFromIncidents,
    creating_actor_picker,
    incidents_asked,
    rows_from_incidents,
)
from .sources import (
    ActionCitationInline,
    ActionEventCitationInline,
    SourceInRowForm,
    SourceInRowInline,
)
from .translations import TranslatedTextsAdmin
from .workflow import PartAdmin, PublishableAdmin

# The kinds of actor a picker offers to create, the likeliest first.
SUBJECT_KINDS = (m.ActorKind.PERSON, m.ActorKind.ARMED_UNIT, m.ActorKind.COMPANY)
ISSUER_KINDS = (
    m.ActorKind.COURT,
    m.ActorKind.STATE_ORGAN,
    m.ActorKind.INTERNATIONAL_BODY,
    m.ActorKind.ORGANISATION,
)


class ActionSubjectInline(RowsFromIncidents, TabularInline):
    model = m.ActionSubject
    fields = ("actor", "note")
    autocomplete_fields = ("actor",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "actor":  # a subject not yet recorded is typed and created here
            kwargs["widget"] = creating_actor_picker(db_field, self, SUBJECT_KINDS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ChargeForm(forms.ModelForm):
    def __init__(self, *args, submitted_subject_ids: set | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Actor ids of the action's subjects as submitted with this form; None: not known.
        self.submitted_subject_ids = submitted_subject_ids

    def clean(self):
        cleaned = super().clean()
        subject = cleaned.get("subject")
        ids = self.submitted_subject_ids
        if subject is not None and ids is not None and subject.pk not in ids:
            self.add_error(
                "subject",
                gettext(
                    "%(subject)s is not among the subjects of this action: add them under "
                    "Subjects, or leave the subject empty for a charge against every subject."
                )
                % {"subject": subject},
            )
        return cleaned

    def _post_clean(self):
        # Charge.clean checks the subject against the subjects already in the database,
        # which do not yet hold the ones entered in this submission. clean() has checked
        # the submitted ones, so the model check runs without the subject.
        if self.submitted_subject_ids is None or "subject" not in self.cleaned_data:
            return super()._post_clean()
        subject = self.cleaned_data.pop("subject")
        self.instance.subject = None
        super()._post_clean()
        self.cleaned_data["subject"] = subject
        self.instance.subject = subject
        return None


class SubmittedSubjects:
    """For a formset of an action's inline whose rows name subjects: the subjects of the
    action as submitted in the same request (the Subjects inline), not yet in the database."""

    subject_prefix = "subject_links"

    @cached_property
    def submitted_subject_ids(self) -> set | None:
        """Actor ids of the submitted subjects; None: not known (no Subjects inline sent)."""
        if not self.is_bound or f"{self.subject_prefix}-TOTAL_FORMS" not in self.data:
            return None
        subjects = inlineformset_factory(
            m.AccountabilityAction, m.ActionSubject, fields=("actor",), extra=0
        )(self.data, instance=self.instance, prefix=self.subject_prefix)
        if not subjects.management_form.is_valid():
            return None
        ids = set()
        for form in subjects.forms:
            form.is_valid()
            data = getattr(form, "cleaned_data", {})
            if data.get("actor") and not data.get("DELETE"):
                ids.add(data["actor"].pk)
        return ids


class ChargeFormSet(SubmittedSubjects, BaseInlineFormSet):
    """Charges validated against the subjects submitted in the same request."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.is_bound:
            kwargs["submitted_subject_ids"] = self.submitted_subject_ids
        return kwargs


class ChargeInlineForm(SourceInRowForm, ChargeForm):
    cites = "charge"


class ChargeInline(RowsFromIncidents, SourceInRowInline, StackedInline):
    model = m.Charge
    form = ChargeInlineForm
    formset = ChargeFormSet
    fields = (
        ("provision", "subject"),
        "modes_of_liability",
        ("crime_period", "crime_period_start", "crime_period_end"),
        "description",
        ("source", "pinpoint"),
    )
    readonly_fields = ("crime_period_start", "crime_period_end")
    autocomplete_fields = ("provision", "subject", "modes_of_liability")
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provision__instrument", "subject")


class ActionEventForm(forms.ModelForm):
    """An event: the states it names, checked with its kind (ActionEvent.clean_m2m)."""

    def _post_clean(self):
        super()._post_clean()
        if "states" in self.cleaned_data:
            try:
                self.instance.clean_m2m({"states": self.cleaned_data["states"]})
            except ValidationError as error:
                self._update_errors(error)


class ActionEventInlineForm(SourceInRowForm, ActionEventForm):
    """An event in the action's page, with the source that backs it in the same row."""

    cites = "action_event"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            give_loaded(self, "subject", [self.instance.subject])
            give_loaded(self, "states", self.instance.states.all())

    def _post_clean(self):
        # The formset checks the events and subjects of the submission together.
        self.instance.checked_with_its_submission = True
        super()._post_clean()


class ActionEventFormSet(SubmittedSubjects, BaseInlineFormSet):
    """The events of the submission checked together (lifecycle_problems), against the
    subjects submitted with them: nothing before the application or, where it presupposes
    it, before the issue; subjects among the action's."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.action_id is not None and form.instance.action_id == self.instance.pk:
            # The row's label names the action: not a query per row.
            self.fk.set_cached_value(form.instance, self.instance)
        return form

    def clean(self):
        super().clean()
        rows = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and {"kind", "occurred_on"} <= form.cleaned_data.keys()
        ]
        subject_ids = self.submitted_subject_ids
        if subject_ids is None:
            subject_ids = (
                set(self.instance.subject_links.values_list("actor_id", flat=True))
                if self.instance.pk
                else set()
            )
        events = [form.instance for form in rows]
        for index, field, message in lifecycle_problems(events, subject_ids):
            if field in rows[index].fields:
                rows[index].add_error(field, message)


class ActionEventInline(SourceInRowInline, TabularInline):
    model = m.ActionEvent
    form = ActionEventInlineForm
    formset = ActionEventFormSet
    fields = ("kind", "occurred_on", "subject", "states", "description", "source", "pinpoint")
    autocomplete_fields = ("subject", "states")
    extra = 1
    verbose_name_plural = _("Events (the action's dated life: its status and dates follow them)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("subject")
            .prefetch_related("states")
            .in_timeline_order()
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = LoadedAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = LoadedAutocompleteSelectMultiple(db_field, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ActionForIncidentCitations(RowsFromIncidents, ActionCitationInline):
    pass


def shown(name: str, value) -> str:
    """A value of an action's field as staff read it: a date in words, a choice's label."""
    if value is None or value == "":
        return gettext("empty")
    if isinstance(value, datetime.date):
        return written_date(value)
    return str(dict(m.AccountabilityAction._meta.get_field(name).flatchoices).get(value, value))


DERIVED_NOTE = _(
    "These come from the events below (see docs/action-lifecycle.md): to change them, add or "
    "correct an event."
)
DERIVABLE_NOTE = _(
    "Once the action has events (below), its status, seal status and dates come from them."
)


class AccountabilityActionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        refuse_date_before(
            self, "applied_on", "issued_on", _("It cannot be issued before it was applied for.")
        )
        refuse_date_before(
            self, "issued_on", "announced_on", _("It cannot be announced before it was issued.")
        )
        return cleaned


@admin.register(m.AccountabilityAction)
class AccountabilityActionAdmin(TranslatedTextsAdmin, RefreshesSearchNames, PublishableAdmin):
    search_names_kind = "actions"  # its reference, title, incidents and visibility
    form = AccountabilityActionForm
    list_display = (
        "title",
        "kind",
        "issuing_body",
        "reference",
        "issued_on",
        "status",
        "seal_status",
        "publication_status",
        "confidentiality",
    )
    list_select_related = ("issuing_body",)
    search_fields = ("title", "reference", "issuing_body__name", "subjects__name")
    list_filter = ("kind", "status", "seal_status", "publication_status", "confidentiality")
    autocomplete_fields = ("issuing_body", "incidents")
    date_hierarchy = "issued_on"
    ordering = ("-issued_on", "-pk")
    inlines = (ActionSubjectInline, ChargeInline, ActionEventInline, ActionForIncidentCitations)

    fieldsets = (
        (None, {"fields": ("kind", "title", "issuing_body", "reference", "incidents")}),
        (
            "Dates and status",
            {"fields": (("applied_on", "issued_on", "announced_on"), "seal_status", "status")},
        ),
        (None, {"fields": ("summary", "description")}),
        publication_fieldset(),
        record_fieldset(),
    )

    class Media:
        js = ("admin/js/jquery.init.js", ROW_SOURCE_JS)  # after django.jQuery

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "issuing_body":  # a body not yet recorded is typed and created here
            kwargs["widget"] = creating_actor_picker(db_field, self, ISSUER_KINDS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        incidents = incidents_asked(request)
        if incidents and any(rows_from_incidents(request).values()):
            self.message_user(
                request,
                gettext(
                    "Started from %(incidents)s: its perpetrators who are persons as subjects, "
                    "its legal qualifications as charges, its sources as citations. Check each "
                    "row; remove what does not apply (✕)."
                )
                % {"incidents": ", ".join(f"“{i}”" for i in incidents)},
                messages.INFO,
            )
        return super().add_view(request, form_url, extra_context)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        rows = rows_from_incidents(request).get(inline.model) if obj.pk is None else None
        if rows:  # only shown: posted back, they are rows like typed ones
            kwargs["initial"] = rows
        return kwargs

    @staticmethod
    def has_events(obj) -> bool:
        if obj is None or obj.pk is None:
            return False
        if not hasattr(obj, "_has_events"):
            obj._has_events = obj.events.exists()
        return obj._has_events

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self.has_events(obj):
            readonly += tuple(f for f in LIFECYCLE_FIELDS if f not in readonly)
        return readonly

    def get_fieldsets(self, request, obj=None):
        note = DERIVED_NOTE if self.has_events(obj) else DERIVABLE_NOTE
        return [
            (name, {**options, "description": note} if name == "Dates and status" else options)
            for name, options in super().get_fieldsets(request, obj)
        ]

    def related_saved(self, request, obj) -> None:
        changes = services.update_action_lifecycles(actions=[obj], user=request.user)
        for changed in changes.values():
            for name, (_before, after) in changed.items():
                setattr(obj, name, after)
            said = "; ".join(
                gettext("%(field)s %(before)s → %(after)s")
                % {
                    "field": m.AccountabilityAction._meta.get_field(name).verbose_name,
                    "before": shown(name, before),
                    "after": shown(name, after),
                }
                for name, (before, after) in changed.items()
            )
            self.message_user(
                request, gettext("From the events: %(changes)s.") % {"changes": said}, messages.INFO
            )


class FollowsTheLifecycle:
    """The own admin page of a row the action's lifecycle reads (an event, a subject):
    after a save or delete, the action's status and dates are brought up to date."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # also where a revert saves
        services.update_action_lifecycles(actions=[obj.action], user=request.user)

    def delete_model(self, request, obj):
        action = obj.action
        super().delete_model(request, obj)
        services.update_action_lifecycles(actions=[action], user=request.user)

    def delete_queryset(self, request, queryset):
        actions = list(m.AccountabilityAction.objects.filter(pk__in=queryset.values("action")))
        super().delete_queryset(request, queryset)
        services.update_action_lifecycles(actions=actions, user=request.user)


@admin.register(m.ActionSubject)
class ActionSubjectAdmin(FollowsTheLifecycle, PartAdmin, HistoryAdmin):
    list_display = ("actor", "action", "note")
    deleted_select_related = ("actor", "action")
    list_select_related = ("actor", "action")
    search_fields = ("actor__name", "action__title", "action__reference")
    list_filter = ("action__kind",)
    autocomplete_fields = ("action", "actor")
    ordering = ("action", "actor__name", "pk")


@admin.register(m.Charge)
class ChargeAdmin(PartAdmin, TrackedAdmin):
    list_display = ("provision", "action", "subject", "crime_period")
    deleted_select_related = ("provision__instrument", "action")
    list_select_related = ("provision__instrument", "action", "subject")
    search_fields = (
        "provision__label",
        "provision__instrument__short_title",
        "action__title",
        "action__reference",
        "subject__name",
    )
    list_filter = ("action__kind", "provision__instrument")
    autocomplete_fields = ("action", "subject", "provision", "modes_of_liability")
    readonly_fields = ("crime_period_start", "crime_period_end")
    ordering = ("action", "pk")


@admin.register(m.ActionEvent)
class ActionEventAdmin(FollowsTheLifecycle, PartAdmin, TrackedAdmin):
    form = ActionEventForm
    deleted_select_related = ("action",)
    list_display = ("action", "kind", "occurred_on", "subject")
    list_select_related = ("action", "subject")
    search_fields = ("action__title", "action__reference", "description", "subject__name")
    list_filter = ("kind",)
    autocomplete_fields = ("action", "subject", "states")
    date_hierarchy = "occurred_on"
    ordering = ("-occurred_on", "-pk")
    inlines = (ActionEventCitationInline,)
