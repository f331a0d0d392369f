"""Admin of the law: states, instruments and their provisions, categories, treaty acts."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases import changesets
from cases import models as m
from cases.models.law import STATEMENT_KINDS, treaty_sequence_errors

from .base import (
    DistinctRowsFormSet,
    RefreshesSearchNames,
    TabularInline,
    TrackedAdmin,
    publication_fieldset,
    record_fieldset,
    refuse_date_before,
    refuse_self_reference,
)
from .changesets import ReviewedEdits
from .sources import CitationInline
from .translations import TranslatedTextsAdmin
from .workflow import PublishableAdmin


class ProvisionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        refuse_self_reference(
            self, "parent", self.instance.pk, "A provision cannot be its own parent."
        )
        return cleaned


class InstrumentForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        refuse_date_before(
            self,
            "adopted_on",
            "entry_into_force_on",
            _("The instrument cannot enter into force before it was adopted."),
        )
        rule = cleaned.get("entry_into_force_rule")
        if (
            rule
            and rule != m.EntryIntoForceRule.ON_DEPOSIT
            and not cleaned.get("entry_into_force_delay")
        ):
            self.add_error(
                "entry_into_force_delay", _("This rule needs the number of days or months.")
            )
        return cleaned


class ProvisionInline(TabularInline):
    model = m.Provision
    form = ProvisionForm
    fields = ("label", "heading", "rule_kind", "parent", "position")
    autocomplete_fields = ("parent",)
    ordering = ("position", "pk")
    extra = 3  # provisions the law lacked come in runs


class TreatyEventFormSet(DistinctRowsFormSet):
    """A state's acts entered on the instrument's page are checked against each other and
    against those already recorded (a signature and its withdrawal may come in one go)."""

    # Reservations and declarations may repeat; other acts are recorded once.
    distinct_fields = ("state", "kind", "deposited_on")
    message = "This act of this state on this date is already entered."

    def applies(self, data):
        return data.get("kind") not in STATEMENT_KINDS

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.defer_sequence_check = True  # checked with the other rows, in clean()
        return form

    def clean(self):
        super().clean()
        rows = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and not form.errors
            and form.instance.state_id
        ]
        entered = {form.instance.pk for form in rows} - {None}
        recorded = []
        if self.instance.pk is not None:
            recorded = [e for e in self.instance.treaty_events.all() if e.pk not in entered]
        for state in {form.instance.state for form in rows}:
            chain = {link.pk for link in state.continued_states()}
            acts = [e for e in recorded if e.state_id in chain]
            acts += [form.instance for form in rows if form.instance.state_id in chain]
            for act, message in treaty_sequence_errors(acts):
                for form in rows:
                    if form.instance is act and form.instance.state_id == state.pk:
                        form.add_error("kind", message)


class TreatyEventInline(TabularInline):
    model = m.TreatyEvent
    formset = TreatyEventFormSet
    fk_name = "instrument"
    # Every field a kind of act needs: art. 12(3) and 124 declarations are entered here too.
    fields = (
        "state",
        "kind",
        "deposited_on",
        "effective_on_override",
        "withdraws",
        "jurisdiction_from",
        "jurisdiction_to",
        "exclusion_scope",
        "note",
    )
    autocomplete_fields = ("state", "withdraws")
    ordering = ("deposited_on", "pk")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state", "instrument")


@admin.register(m.State)
class StateAdmin(RefreshesSearchNames, ReviewedEdits, TrackedAdmin):
    additions_wait = True
    search_names_kind = "states"  # its name: the incidents' country
    list_display = ("code", "name", "predecessor", "predecessor_relation")
    list_select_related = ("predecessor",)
    search_fields = ("code", "name")
    list_filter = ("predecessor_relation",)
    autocomplete_fields = ("predecessor",)
    ordering = ("name",)


@admin.register(m.Instrument)
class InstrumentAdmin(TranslatedTextsAdmin, RefreshesSearchNames, PublishableAdmin):
    search_names_kind = "instruments"  # its short title, provisions (inline), visibility
    form = InstrumentForm
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
    # New provisions of a published instrument are hidden drafts at once, citable in the
    # change set (as on the provision's own page); the instrument's other edits are kept.
    rows_added_as_drafts = (m.Provision,)
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
class ProvisionAdmin(TranslatedTextsAdmin, RefreshesSearchNames, ReviewedEdits, TrackedAdmin):
    """A provision added here is hidden until its change set is approved, and can be cited at
    once in that change set; an edit of a live provision waits in the change set."""

    search_names_kind = "provisions"  # its label and heading
    form = ProvisionForm
    deleted_select_related = ("instrument",)
    list_display = ("label", "instrument", "heading", "rule_kind", "parent", "position")
    search_fields = ("label", "heading", "instrument__short_title", "instrument__title")
    list_filter = ("rule_kind", "instrument")
    autocomplete_fields = ("instrument", "parent")
    ordering = ("instrument__short_title", "position", "pk")

    def is_live(self, obj) -> bool:
        return obj.proposed_in_id is None

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        # Provisions come in runs of one instrument: the next one starts with it chosen.
        if "_addanother" in request.POST and IS_POPUP_VAR not in request.POST:
            return redirect(f"{request.path}?instrument={obj.instrument_id}")
        return response

    def save_model(self, request, obj, form, change):
        if not change and not getattr(request, "replaying", False):
            obj.proposed_in = changesets.open_change_set(request.user)
        super().save_model(request, obj, form, change)

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
class ViolationCategoryAdmin(
    TranslatedTextsAdmin, RefreshesSearchNames, ReviewedEdits, TrackedAdmin
):
    additions_wait = True
    search_names_kind = "categories"  # its name
    list_display = ("name", "slug", "parent")
    list_select_related = ("parent",)
    search_fields = ("name", "slug", "description")
    list_filter = (("parent", admin.EmptyFieldListFilter),)
    autocomplete_fields = ("parent", "provisions")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name", "pk")


class TreatyEventCitationInline(CitationInline):
    """The depositary notification (or other source) the act is known from."""

    fk_name = "treaty_event"


@admin.register(m.TreatyEvent)
class TreatyEventAdmin(ReviewedEdits, TrackedAdmin):
    additions_wait = True
    list_display = ("state", "instrument", "kind", "deposited_on", "effective_on")
    deleted_select_related = ("state", "instrument")
    list_select_related = ("state", "instrument")
    search_fields = ("state__name", "state__code", "instrument__short_title", "text", "note")
    list_filter = ("kind", "instrument")
    autocomplete_fields = ("state", "instrument", "withdraws", "provisions")
    date_hierarchy = "deposited_on"
    ordering = ("-deposited_on", "pk")
    readonly_fields = ("effective_on",)
    inlines = (TreatyEventCitationInline,)
    fieldsets = (
        (None, {"fields": ("state", "instrument", "kind")}),
        ("Dates", {"fields": (("deposited_on", "effective_on_override", "effective_on"),)}),
        ("The act", {"fields": ("text", "provisions", "withdraws")}),
        (
            "Rome Statute declarations",
            {
                "description": "Art. 12(3) acceptance of jurisdiction: the period it covers. "
                "Art. 124 exclusion of war crimes: whose crimes it excludes.",
                "fields": (("jurisdiction_from", "jurisdiction_to"), "exclusion_scope"),
            },
        ),
        (None, {"fields": ("note",)}),
        record_fieldset(),
    )

    @admin.display(description=_("Takes effect"))
    def effective_on(self, obj):
        day = obj.effective_on if obj.instrument_id else None
        # Formatted here: a change page shows a method's value as text (2022-03-01), where
        # it shows a field's as a date (1 March 2022).
        return date_format(day) if day else self.get_empty_value_display()


class ReferralCitationInline(CitationInline):
    fk_name = "referral"


@admin.register(m.SecurityCouncilReferral)
class SecurityCouncilReferralAdmin(ReviewedEdits, TrackedAdmin):
    additions_wait = True
    list_display = ("resolution", "situation", "adopted_on", "jurisdiction_from", "jurisdiction_to")
    list_select_related = ("instrument",)
    search_fields = ("resolution", "situation", "note")
    list_filter = ("instrument",)
    autocomplete_fields = ("instrument", "states")
    date_hierarchy = "adopted_on"
    ordering = ("adopted_on", "pk")
    inlines = (ReferralCitationInline,)
