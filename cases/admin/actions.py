"""Admin of accountability actions: subjects and charges entered together in one go."""

from functools import cached_property

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from cases import models as m

from .base import (
    HistoryAdmin,
    StackedInline,
    TabularInline,
    TrackedAdmin,
    publication_fieldset,
    record_fieldset,
    refuse_date_before,
)
from .sources import ActionCitationInline, ActionEventCitationInline
from .workflow import PartAdmin, PublishableAdmin


class ActionSubjectInline(TabularInline):
    model = m.ActionSubject
    fields = ("actor", "note")
    autocomplete_fields = ("actor",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


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

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.is_bound:
            kwargs["submitted_subject_ids"] = self.submitted_subject_ids
        return kwargs


class ChargeInline(StackedInline):
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


class AccountabilityActionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        refuse_date_before(
            self, "applied_on", "issued_on", "It cannot be issued before it was applied for."
        )
        refuse_date_before(
            self, "issued_on", "announced_on", "It cannot be announced before it was issued."
        )
        return cleaned


@admin.register(m.AccountabilityAction)
class AccountabilityActionAdmin(PublishableAdmin):
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
class ActionSubjectAdmin(PartAdmin, HistoryAdmin):
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
class ActionEventAdmin(PartAdmin, TrackedAdmin):
    deleted_select_related = ("action",)
    list_display = ("action", "kind", "occurred_on", "subject")
    list_select_related = ("action", "subject")
    search_fields = ("action__title", "action__reference", "description")
    list_filter = ("kind",)
    autocomplete_fields = ("action", "subject", "states")
    date_hierarchy = "occurred_on"
    ordering = ("-occurred_on", "-pk")
    inlines = (ActionEventCitationInline,)
