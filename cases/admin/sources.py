"""Admin of sources, their captures, and citations."""

from django import forms
from django.contrib import admin

from cases import models as m
from cases.models.sources import CITATION_TARGETS

from .base import HistoryAdmin, TrackedAdmin, publication_fieldset, record_fieldset
from .workflow import PartAdmin, PublishableAdmin


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


class SourceCaptureInline(admin.StackedInline):
    model = m.SourceCapture
    formfield_overrides = HistoryAdmin.formfield_overrides
    fields = (("captured_at", "captured_by"), "archive_url", "file", "sha256", "note")
    autocomplete_fields = ("captured_by",)
    extra = 0


@admin.register(m.Source)
class SourceAdmin(PublishableAdmin):
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
class SourceCaptureAdmin(PartAdmin, HistoryAdmin):
    list_display = ("source", "captured_at", "archive_url", "captured_by")
    deleted_select_related = ("source",)
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
class CitationAdmin(PartAdmin, TrackedAdmin):
    form = CitationForm
    deleted_select_related = ("source",)
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
        "action_event__action",
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
