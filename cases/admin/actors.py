"""Admin of actors, their other names, identifiers and memberships."""

from django import forms
from django.contrib import admin
from django.urls import path

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
from .entry import quick_add_actor
from .workflow import PartAdmin, PublishableAdmin


class ActorNameInline(TabularInline):
    model = m.ActorName
    fields = ("name", "language", "kind")
    extra = 1


class ActorIdentifierFormSet(DistinctRowsFormSet):
    distinct_fields = ("scheme", "value")
    message = "This identifier is entered twice."

    def applies(self, data):
        return data.get("scheme") != m.ActorIdentifier.Scheme.OTHER


class ActorIdentifierInline(TabularInline):
    model = m.ActorIdentifier
    formset = ActorIdentifierFormSet
    fields = ("scheme", "value")
    extra = 0


class MembershipForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # In the actor's inline the member is the actor edited above, not a form field.
        member = cleaned.get("member") or self.instance.member_id
        refuse_self_reference(
            self,
            "organisation",
            getattr(member, "pk", member),
            "An actor cannot be a member of itself.",
        )
        return cleaned


class MembershipInline(TabularInline):
    model = m.Membership
    form = MembershipForm
    fk_name = "member"
    fields = ("organisation", "post", "period", "period_start", "period_end")
    readonly_fields = ("period_start", "period_end")
    autocomplete_fields = ("organisation",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


@admin.register(m.Actor)
class ActorAdmin(RefreshesSearchNames, PublishableAdmin):
    search_names_kind = "actors"  # its name, other names (inline) and visibility
    list_display = ("name", "kind", "state", "publication_status", "confidentiality", "updated_at")
    list_select_related = ("state",)
    search_fields = ("name", "other_names__name", "identifiers__value")
    list_filter = ("kind", "publication_status", "confidentiality", "state")
    autocomplete_fields = ("state",)
    ordering = ("name", "pk")
    inlines = (ActorNameInline, ActorIdentifierInline, MembershipInline)
    fieldsets = (
        (None, {"fields": ("name", "kind", "state", "description")}),
        publication_fieldset(),
        record_fieldset(),
    )

    def get_urls(self):
        # An actor typed in a picker, created by this add page (cases.admin.entry).
        quick_add = path(
            "quick-add/",
            self.admin_site.admin_view(self.quick_add_view),
            name="cases_actor_quick_add",
        )
        return [quick_add, *super().get_urls()]

    def quick_add_view(self, request):
        return quick_add_actor(self, request)


@admin.register(m.ActorName)
class ActorNameAdmin(RefreshesSearchNames, PartAdmin, HistoryAdmin):
    def search_names_of(self, objs) -> dict[str, list]:
        return {"actors": [obj.actor_id for obj in objs]}

    list_display = ("name", "actor", "language", "kind")
    list_select_related = ("actor",)
    search_fields = ("name", "actor__name")
    list_filter = ("kind",)
    autocomplete_fields = ("actor",)
    ordering = ("actor__name", "name", "pk")


@admin.register(m.ActorIdentifier)
class ActorIdentifierAdmin(PartAdmin, HistoryAdmin):
    list_display = ("value", "scheme", "actor")
    list_select_related = ("actor",)
    search_fields = ("value", "actor__name")
    list_filter = ("scheme",)
    autocomplete_fields = ("actor",)
    ordering = ("scheme", "value", "pk")


@admin.register(m.Membership)
class MembershipAdmin(PartAdmin, TrackedAdmin):
    form = MembershipForm
    deleted_select_related = ("member", "organisation")
    list_display = ("member", "post", "organisation", "period", "period_start", "period_end")
    list_select_related = ("member", "organisation")
    search_fields = ("member__name", "organisation__name", "post")
    list_filter = (("period_end", admin.EmptyFieldListFilter),)
    autocomplete_fields = ("member", "organisation")
    readonly_fields = ("period_start", "period_end")
    ordering = ("member__name", "period_start", "pk")
