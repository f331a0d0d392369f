"""Admin of sources, their captures, and citations: on their own page, under the record
they back, or as the source and pinpoint of the row they back (SourceInRowForm)."""

from functools import cached_property

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases import models as m
from cases.models.sources import CITATION_TARGETS

from .base import (
    HistoryAdmin,
    LoadedAutocompleteSelect,
    LoadedChoicesForm,
    LoadedModelChoiceField,
    StackedInline,
    TabularInline,
    TrackedAdmin,
    give_loaded,
    publication_fieldset,
    record_fieldset,
    stamp,
)
from .workflow import PartAdmin, PublishableAdmin


class CitationInline(TabularInline):
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


class ActionEventCitationInline(CitationInline):
    fk_name = "action_event"


class SourceInRowForm(LoadedChoicesForm):
    """A row of an inline (an involvement, a qualification, a charge, an event) with the
    source that backs it in the same row: saving the row creates, changes or deletes the
    row's citation (its first one, if it has several; the others are on the Citations page).
    The admin calls save_citation() once the row is saved (TrackedAdmin.save_formset), so
    an edit kept in a change set is cited when it is replayed too."""

    cites = ""  # the Citation field naming the row: "legal_qualification"

    source = LoadedModelChoiceField(
        queryset=m.Source.objects.all(),
        required=False,
        widget=LoadedAutocompleteSelect(m.Citation._meta.get_field("source"), admin.site),
        help_text=_(
            "The source backing this row. Empty: no citation (an existing one is removed)."
        ),
    )
    pinpoint = forms.CharField(
        max_length=m.Citation._meta.get_field("pinpoint").max_length,
        required=False,
        help_text=_("Where in the source, e.g. para. 12."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        citation = self.citation
        if citation is not None:
            self.initial.setdefault("source", citation.source_id)
            self.initial.setdefault("pinpoint", citation.pinpoint)
        give_loaded(self, "source", [citation.source if citation else None])

    @cached_property
    def citation(self) -> m.Citation | None:
        if self.instance.pk is None:
            return None
        cited = getattr(self.instance, "ordered_citations", None)  # SourceInRowInline
        if cited is None:
            cited = list(self.instance.citations.select_related("source").order_by("pk")[:1])
        return cited[0] if cited else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pinpoint") and not cleaned.get("source"):
            self.add_error("source", gettext("Give the source the pinpoint refers to."))
        return cleaned

    def save_citation(self, *, user) -> None:
        """Make the row's citation what the row says (after the row is saved)."""
        if not {"source", "pinpoint"} & set(self.changed_data):
            return
        source = self.cleaned_data.get("source")
        citation = self.citation
        if source is None:
            if citation is not None:
                citation.delete()
            return
        if citation is None:
            citation = m.Citation(**{self.cites: self.instance})
        citation.source = source
        citation.pinpoint = self.cleaned_data.get("pinpoint", "")
        stamp(citation, user)
        citation.save()


class SourceInRowInline:
    """An inline whose form is a SourceInRowForm: each row's citations are loaded with the
    rows (not a query per row), and shown as text where the row cannot be changed."""

    def get_queryset(self, request):
        cited = m.Citation.objects.select_related("source").order_by("pk")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("citations", queryset=cited, to_attr="ordered_citations"))
        )

    @admin.display(description=_("Source"))
    def source(self, obj):
        cited = getattr(obj, "ordered_citations", [])
        return cited[0].source if cited else "–"

    @admin.display(description=_("Pinpoint"))
    def pinpoint(self, obj):
        cited = getattr(obj, "ordered_citations", [])
        return cited[0].pinpoint if cited else "–"


class SourceCaptureInline(StackedInline):
    model = m.SourceCapture
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
            message = gettext("A citation backs exactly one claim: fill in one of these fields.")
            if given:
                message = ngettext(
                    "A citation backs exactly one claim; %(count)d is filled in.",
                    "A citation backs exactly one claim; %(count)d are filled in.",
                    len(given),
                ) % {"count": len(given)}
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
        "referral",
    )
    search_fields = ("source__title", "pinpoint", "quote")
    list_filter = (
        ("incident", admin.EmptyFieldListFilter),
        ("action", admin.EmptyFieldListFilter),
        ("charge", admin.EmptyFieldListFilter),
        ("treaty_event", admin.EmptyFieldListFilter),
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

    @admin.display(description=_("Backs a"))
    def claim_kind(self, obj):
        for name in CITATION_TARGETS:
            if getattr(obj, f"{name}_id"):
                return m.Citation._meta.get_field(name).verbose_name
        return ""

    @admin.display(description=_("Claim"))
    def claim(self, obj):
        return obj.target
