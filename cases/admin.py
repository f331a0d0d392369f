"""The staff admin: data entry for the law, the facts, the response and the evidence.

Every changelist selects its related rows in the same query (no N+1), every relation to a
big table is an autocomplete, and every Tracked row records who created and changed it.
"""

import re
from functools import cached_property

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from cases import models as m
from cases.models.base import Tracked
from cases.models.sources import CITATION_TARGETS

PROTECTED_IDENTITY_PERM = "cases.view_protected_identity"
RECORD_FIELDS = ("created_at", "created_by", "updated_at", "updated_by")
PUBLICATION_FIELDS = ("publication_status", "confidentiality", "withdrawal_reason")


def stamp(instance, user) -> None:
    """Record who created and last changed a Tracked row; other rows are left alone."""
    if not isinstance(instance, Tracked):
        return
    if instance._state.adding:
        instance.created_by = user
    instance.updated_by = user


class TrackedAdmin(admin.ModelAdmin):
    """Stamps created_by/updated_by on the object and on every inline row it saves."""

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if issubclass(self.model, Tracked):
            readonly += tuple(f for f in RECORD_FIELDS if f not in readonly)
        return readonly

    def save_model(self, request, obj, form, change):
        stamp(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            stamp(instance, request.user)
            instance.save()
        formset.save_m2m()


def record_fieldset():
    return ("Record", {"classes": ["collapse"], "fields": RECORD_FIELDS})


def publication_fieldset():
    return ("Publication", {"fields": PUBLICATION_FIELDS})


# ---------------------------------------------------------------------------------------
# The law
# ---------------------------------------------------------------------------------------


class ProvisionInline(admin.TabularInline):
    model = m.Provision
    fields = ("label", "heading", "rule_kind", "parent", "position")
    autocomplete_fields = ("parent",)
    ordering = ("position", "pk")
    extra = 1


class TreatyEventInline(admin.TabularInline):
    model = m.TreatyEvent
    fk_name = "instrument"
    fields = ("state", "kind", "deposited_on", "effective_on_override", "withdraws", "note")
    autocomplete_fields = ("state", "withdraws")
    ordering = ("deposited_on", "pk")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state", "instrument")


@admin.register(m.State)
class StateAdmin(TrackedAdmin):
    list_display = ("code", "name", "predecessor", "predecessor_relation")
    list_select_related = ("predecessor",)
    search_fields = ("code", "name")
    list_filter = ("predecessor_relation",)
    autocomplete_fields = ("predecessor",)
    ordering = ("name",)


@admin.register(m.Instrument)
class InstrumentAdmin(TrackedAdmin):
    list_display = (
        "short_title",
        "title",
        "kind",
        "adopted_on",
        "entry_into_force_on",
        "publication_status",
        "confidentiality",
    )
    search_fields = ("short_title", "title", "slug")
    list_filter = ("kind", "publication_status", "confidentiality")
    prepopulated_fields = {"slug": ("short_title",)}
    date_hierarchy = "adopted_on"
    ordering = ("adopted_on", "pk")
    inlines = (ProvisionInline, TreatyEventInline)
    fieldsets = (
        (None, {"fields": ("title", "short_title", "slug", "kind", "depositary", "summary")}),
        (
            "Dates and rules",
            {
                "fields": (
                    ("adopted_on", "entry_into_force_on"),
                    ("entry_into_force_rule", "entry_into_force_delay"),
                    "withdrawal_delay_months",
                    "rules_note",
                )
            },
        ),
        publication_fieldset(),
        record_fieldset(),
    )


@admin.register(m.Provision)
class ProvisionAdmin(TrackedAdmin):
    list_display = ("label", "instrument", "heading", "rule_kind", "parent", "position")
    search_fields = ("label", "heading", "instrument__short_title", "instrument__title")
    list_filter = ("rule_kind", "instrument")
    autocomplete_fields = ("instrument", "parent")
    ordering = ("instrument__short_title", "position", "pk")

    def get_queryset(self, request):
        # __str__ reads the instrument: select it wherever provisions are listed (changelist,
        # autocomplete). The changelist ignores list_select_related once this is set.
        return super().get_queryset(request).select_related("instrument", "parent__instrument")

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The modes-of-liability picker on charges offers only modes of liability.
        if request.GET.get("field_name") == "modes_of_liability":
            queryset = queryset.modes_of_liability()
        return queryset, may_have_duplicates


@admin.register(m.ViolationCategory)
class ViolationCategoryAdmin(TrackedAdmin):
    list_display = ("name", "slug", "parent")
    list_select_related = ("parent",)
    search_fields = ("name", "slug", "description")
    list_filter = (("parent", admin.EmptyFieldListFilter),)
    autocomplete_fields = ("parent", "provisions")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name", "pk")


@admin.register(m.TreatyEvent)
class TreatyEventAdmin(TrackedAdmin):
    list_display = ("state", "instrument", "kind", "deposited_on", "effective_on")
    list_select_related = ("state", "instrument")
    search_fields = ("state__name", "state__code", "instrument__short_title", "text", "note")
    list_filter = ("kind", "instrument")
    autocomplete_fields = ("state", "instrument", "withdraws", "provisions")
    date_hierarchy = "deposited_on"
    ordering = ("-deposited_on", "pk")
    readonly_fields = ("effective_on",)

    @admin.display(description="Takes effect")
    def effective_on(self, obj):
        return obj.effective_on if obj.instrument_id else None


# ---------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------


class ActorNameInline(admin.TabularInline):
    model = m.ActorName
    fields = ("name", "language", "kind")
    extra = 1


class ActorIdentifierInline(admin.TabularInline):
    model = m.ActorIdentifier
    fields = ("scheme", "value")
    extra = 0


class MembershipInline(admin.TabularInline):
    model = m.Membership
    fk_name = "member"
    fields = ("organisation", "post", "period", "period_start", "period_end")
    readonly_fields = ("period_start", "period_end")
    autocomplete_fields = ("organisation",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


@admin.register(m.Actor)
class ActorAdmin(TrackedAdmin):
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


@admin.register(m.ActorName)
class ActorNameAdmin(admin.ModelAdmin):
    list_display = ("name", "actor", "language", "kind")
    list_select_related = ("actor",)
    search_fields = ("name", "actor__name")
    list_filter = ("kind",)
    autocomplete_fields = ("actor",)
    ordering = ("actor__name", "name", "pk")


@admin.register(m.ActorIdentifier)
class ActorIdentifierAdmin(admin.ModelAdmin):
    list_display = ("value", "scheme", "actor")
    list_select_related = ("actor",)
    search_fields = ("value", "actor__name")
    list_filter = ("scheme",)
    autocomplete_fields = ("actor",)
    ordering = ("scheme", "value", "pk")


@admin.register(m.Membership)
class MembershipAdmin(TrackedAdmin):
    list_display = ("member", "post", "organisation", "period", "period_start", "period_end")
    list_select_related = ("member", "organisation")
    search_fields = ("member__name", "organisation__name", "post")
    list_filter = (("period_end", admin.EmptyFieldListFilter),)
    autocomplete_fields = ("member", "organisation")
    readonly_fields = ("period_start", "period_end")
    ordering = ("member__name", "period_start", "pk")


# ---------------------------------------------------------------------------------------
# Incidents
# ---------------------------------------------------------------------------------------


class VictimCountInline(admin.TabularInline):
    model = m.VictimCount
    fields = ("kind", "minimum", "maximum", "group")
    extra = 0


class InvolvementInline(admin.TabularInline):
    model = m.Involvement
    fields = ("actor", "role", "confidence", "note")
    autocomplete_fields = ("actor",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class LegalQualificationFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The formset's own uniqueness check skips rows with an empty "asserted by", but the
        # database treats empty as equal (nulls_distinct=False): catch the duplicate here.
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("provision"):
                continue
            key = (data["provision"].pk, data.get("asserted_by") and data["asserted_by"].pk)
            if key in seen:
                form.add_error("provision", "This provision is already qualified by this body.")
            seen.add(key)


class LegalQualificationInline(admin.TabularInline):
    model = m.LegalQualification
    formset = LegalQualificationFormSet
    fields = ("provision", "standing", "asserted_by", "asserted_on", "note")
    autocomplete_fields = ("provision", "asserted_by")
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provision__instrument", "asserted_by")


class CitationInline(admin.TabularInline):
    """A citation of a source for the object edited above (and nothing else)."""

    model = m.Citation
    fields = ("source", "pinpoint", "quote")
    autocomplete_fields = ("source",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class IncidentCitationInline(CitationInline):
    fk_name = "incident"


class ActionCitationInline(CitationInline):
    fk_name = "action"


class IncidentForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # The database checks this too, but Django cannot evaluate that constraint in Python.
        subdivision, country = cleaned.get("subdivision"), cleaned.get("country")
        if subdivision:
            if not country:
                self.add_error("country", "Give the country of the subdivision.")
            elif not re.fullmatch(rf"{country.code}-[A-Z0-9]{{1,3}}", subdivision):
                self.add_error(
                    "subdivision",
                    f"“{subdivision}” is not an ISO 3166-2 code in {country}: "
                    f"it should look like {country.code}-23.",
                )
        return cleaned


@admin.register(m.Incident)
class IncidentAdmin(TrackedAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Names of involved actors, provisions and the place feed the search document.
        m.Incident.objects.filter(pk=form.instance.pk).refresh_search_names()


@admin.register(m.VictimCount)
class VictimCountAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "incident")
    list_select_related = ("incident",)
    search_fields = ("incident__title", "group")
    list_filter = ("kind",)
    autocomplete_fields = ("incident",)
    ordering = ("incident", "kind", "pk")


@admin.register(m.Involvement)
class InvolvementAdmin(TrackedAdmin):
    list_display = ("actor", "role", "incident", "confidence", "updated_at")
    list_select_related = ("actor", "incident")
    search_fields = ("actor__name", "incident__title", "note")
    list_filter = ("role", "confidence")
    autocomplete_fields = ("incident", "actor")
    ordering = ("-updated_at", "-pk")


@admin.register(m.LegalQualification)
class LegalQualificationAdmin(TrackedAdmin):
    list_display = ("incident", "provision", "standing", "asserted_by", "asserted_on")
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


# ---------------------------------------------------------------------------------------
# Accountability actions
# ---------------------------------------------------------------------------------------


class ActionSubjectInline(admin.TabularInline):
    model = m.ActionSubject
    fields = ("actor", "note")
    autocomplete_fields = ("actor",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ChargeForm(forms.ModelForm):
    # Actor ids of the action's subjects as submitted with this form; None: not known.
    submitted_subject_ids: set | None = None

    def clean(self):
        cleaned = super().clean()
        subject = cleaned.get("subject")
        ids = self.submitted_subject_ids
        if subject is not None and ids is not None and subject.pk not in ids:
            self.add_error(
                "subject",
                f"{subject} is not among the subjects of this action: add them under "
                "Subjects, or leave the subject empty for a charge against every subject.",
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


class ChargeFormSet(BaseInlineFormSet):
    """Charges validated against the subjects submitted in the same request."""

    subject_prefix = "subject_links"

    @cached_property
    def submitted_subject_ids(self) -> set | None:
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

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.is_bound:
            form.submitted_subject_ids = self.submitted_subject_ids
        return form


class ChargeInline(admin.StackedInline):
    model = m.Charge
    form = ChargeForm
    formset = ChargeFormSet
    fields = (
        ("provision", "subject"),
        "modes_of_liability",
        ("crime_period", "crime_period_start", "crime_period_end"),
        "description",
    )
    readonly_fields = ("crime_period_start", "crime_period_end")
    autocomplete_fields = ("provision", "subject", "modes_of_liability")
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provision__instrument", "subject")


@admin.register(m.AccountabilityAction)
class AccountabilityActionAdmin(TrackedAdmin):
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
    inlines = (ActionSubjectInline, ChargeInline, ActionCitationInline)
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


@admin.register(m.ActionSubject)
class ActionSubjectAdmin(admin.ModelAdmin):
    list_display = ("actor", "action", "note")
    list_select_related = ("actor", "action")
    search_fields = ("actor__name", "action__title", "action__reference")
    list_filter = ("action__kind",)
    autocomplete_fields = ("action", "actor")
    ordering = ("action", "actor__name", "pk")


@admin.register(m.Charge)
class ChargeAdmin(TrackedAdmin):
    list_display = ("provision", "action", "subject", "crime_period")
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


# ---------------------------------------------------------------------------------------
# Sources and citations
# ---------------------------------------------------------------------------------------


class SourceCaptureInline(admin.StackedInline):
    model = m.SourceCapture
    fields = (("captured_at", "captured_by"), "archive_url", "file", "sha256", "note")
    autocomplete_fields = ("captured_by",)
    extra = 0


@admin.register(m.Source)
class SourceAdmin(TrackedAdmin):
    list_display = (
        "title",
        "kind",
        "publisher",
        "published_on",
        "reliability",
        "publication_status",
        "confidentiality",
    )
    search_fields = ("title", "publisher", "url")
    list_filter = ("kind", "reliability", "publication_status", "confidentiality", "language")
    date_hierarchy = "published_on"
    ordering = ("-published_on", "-pk")
    inlines = (SourceCaptureInline,)
    fieldsets = (
        (None, {"fields": ("kind", "title", "publisher", "published_on", "url", "language")}),
        ("Assessment", {"fields": ("reliability", "note")}),
        publication_fieldset(),
        record_fieldset(),
    )

    def save_formset(self, request, form, formset, change):
        # Who captured it: by default whoever enters the capture.
        for capture_form in formset.forms:
            capture = capture_form.instance
            if isinstance(capture, m.SourceCapture) and not capture.captured_by_id:
                capture.captured_by = request.user
        super().save_formset(request, form, formset, change)


@admin.register(m.SourceCapture)
class SourceCaptureAdmin(admin.ModelAdmin):
    list_display = ("source", "captured_at", "archive_url", "captured_by")
    list_select_related = ("source", "captured_by")
    search_fields = ("source__title", "archive_url", "sha256")
    autocomplete_fields = ("source", "captured_by")
    date_hierarchy = "captured_at"
    ordering = ("-captured_at", "-pk")


class CitationForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        given = [name for name in CITATION_TARGETS if cleaned.get(name)]
        if len(given) != 1:
            # Said here, field by field, rather than as the constraint's bare name.
            message = "A citation backs exactly one claim: fill in one of these fields."
            if given:
                message = f"A citation backs exactly one claim; {len(given)} are filled in."
            for name in given or CITATION_TARGETS:
                self.add_error(name, message)
        return cleaned


@admin.register(m.Citation)
class CitationAdmin(TrackedAdmin):
    form = CitationForm
    list_display = ("source", "pinpoint", "claim_kind", "claim")
    list_select_related = (
        "source",
        "incident",
        "involvement__actor",
        "involvement__incident",
        "legal_qualification__incident",
        "legal_qualification__provision__instrument",
        "action",
        "charge__provision__instrument",
        "charge__action",
        "treaty_event__state",
        "treaty_event__instrument",
    )
    search_fields = ("source__title", "pinpoint", "quote")
    list_filter = (
        ("incident", admin.EmptyFieldListFilter),
        ("action", admin.EmptyFieldListFilter),
        ("charge", admin.EmptyFieldListFilter),
        "source__kind",
    )
    autocomplete_fields = ("source", *CITATION_TARGETS)
    ordering = ("-updated_at", "-pk")
    fieldsets = (
        (None, {"fields": ("source", "pinpoint", "quote")}),
        (
            "The claim it backs (exactly one)",
            {"fields": CITATION_TARGETS},
        ),
        record_fieldset(),
    )

    @admin.display(description="Backs a")
    def claim_kind(self, obj):
        for name in CITATION_TARGETS:
            if getattr(obj, f"{name}_id"):
                return m.Citation._meta.get_field(name).verbose_name
        return ""

    @admin.display(description="Claim")
    def claim(self, obj):
        return obj.target


# ---------------------------------------------------------------------------------------
# Protected persons: identities and contacts only with cases.view_protected_identity
# ---------------------------------------------------------------------------------------


class ProtectedIdentityInline(admin.StackedInline):
    model = m.ProtectedIdentity
    fields = ("full_name", "other_names", "date_of_birth", "nationality", "notes")
    extra = 0


class ProtectedContactInline(admin.TabularInline):
    model = m.ProtectedContact
    fields = ("kind", "value", "note")
    extra = 0


@admin.register(m.ProtectedPerson)
class ProtectedPersonAdmin(TrackedAdmin):
    list_display = ("pseudonym", "role", "updated_at")
    search_fields = ("pseudonym",)
    list_filter = ("role",)
    autocomplete_fields = ("incidents",)
    ordering = ("pseudonym",)
    identity_inlines = (ProtectedIdentityInline, ProtectedContactInline)

    def get_inlines(self, request, obj):
        if request.user.has_perm(PROTECTED_IDENTITY_PERM):
            return self.identity_inlines
        return ()

    def get_search_fields(self, request):
        if request.user.has_perm(PROTECTED_IDENTITY_PERM):
            return (*self.search_fields, "identity__full_name", "identity__other_names")
        return self.search_fields


class IdentityPermissionAdmin(TrackedAdmin):
    """Hidden, and every action refused, without cases.view_protected_identity."""

    def has_module_permission(self, request):
        return request.user.has_perm(PROTECTED_IDENTITY_PERM)

    def has_view_permission(self, request, obj=None):
        allowed = request.user.has_perm(PROTECTED_IDENTITY_PERM)
        return allowed and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        allowed = request.user.has_perm(PROTECTED_IDENTITY_PERM)
        return allowed and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        allowed = request.user.has_perm(PROTECTED_IDENTITY_PERM)
        return allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = request.user.has_perm(PROTECTED_IDENTITY_PERM)
        return allowed and super().has_delete_permission(request, obj)


@admin.register(m.ProtectedIdentity)
class ProtectedIdentityAdmin(IdentityPermissionAdmin):
    list_display = ("person", "full_name", "nationality")
    list_select_related = ("person",)
    search_fields = ("person__pseudonym", "full_name", "other_names")
    list_filter = ("nationality",)
    autocomplete_fields = ("person",)
    ordering = ("person__pseudonym",)


@admin.register(m.ProtectedContact)
class ProtectedContactAdmin(IdentityPermissionAdmin):
    list_display = ("person", "kind", "value")
    list_select_related = ("person",)
    search_fields = ("person__pseudonym", "value")
    list_filter = ("kind",)
    autocomplete_fields = ("person",)
    ordering = ("person__pseudonym", "pk")


# ---------------------------------------------------------------------------------------
# The partner API's keys, and tombstones of deleted records (written by the code only)
# ---------------------------------------------------------------------------------------


@admin.register(m.ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    list_select_related = ("created_by",)
    search_fields = ("name", "prefix", "note")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    fields = ("name", "note", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    actions = ("revoke",)

    def save_model(self, request, obj, form, change):
        raw_key = None
        if not change:
            obj.created_by = request.user
            raw_key = obj.set_new_key()
        super().save_model(request, obj, form, change)
        if raw_key:
            # Only the hash is stored: this is the one time anyone sees the key.
            messages.warning(request, f"The new key, shown only now: {raw_key}")

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for key in queryset.active():
            key.revoke()


@admin.register(m.Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    list_display = ("resource", "object_id", "deleted_at")
    search_fields = ("object_id",)
    list_filter = ("resource",)
    date_hierarchy = "deleted_at"
    ordering = ("-deleted_at", "-pk")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
