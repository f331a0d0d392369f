"""Filters for the API's lists (django-filter). A bad value is a 400 naming the parameter.

Choices of related records (actor, provision, category, ...) are limited to public ones,
so a filter can never confirm that a hidden record exists.
"""

import datetime

import django_filters as df
from django import forms
from django.db.models import Exists, FloatField, OuterRef, Q, Value
from django.db.models.functions import Cast
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField, ModelChoiceField
from drf_spectacular.utils import extend_schema_field

from cases.forms import YearField
from cases.models import (
    AccountabilityAction,
    ActionKind,
    ActionStatus,
    Actor,
    ActorKind,
    ActorName,
    ConflictType,
    Incident,
    Instrument,
    InstrumentKind,
    Provision,
    RuleKind,
    Source,
    SourceKind,
    State,
    VerificationStatus,
    ViolationCategory,
)
from cases.search import (
    MAX_QUERY_LENGTH,
    SEARCH_TEXT,
    START_UNKNOWN,
    Filters,
    filter_incidents,
    has_ranked_index,
    search_incidents,
)


class RecordFilter(df.ModelChoiceFilter):
    """A record by its key; one that is not there (or not public) is a 400 saying so.

    The message does not repeat the key: a hidden record's slug can carry its title.
    """

    schema: dict = {"type": "string"}

    def __init__(self, *args, **kwargs):
        meta = kwargs["queryset"].model._meta
        key = kwargs.get("to_field_name") or meta.pk.name
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": format_lazy(
                    _("No {model} has this {key}."), model=meta.verbose_name, key=key
                )
            },
        )
        super().__init__(*args, **kwargs)
        extend_schema_field({**self.schema, "description": self.label})(self)


class IdField(ModelChoiceField):
    """A record's id: a whole number from 1, checked before the record is looked up."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise forms.ValidationError(_("Enter an id: a whole number from 1."), code="invalid")
        return super().to_python(int(text))


class IdFilter(RecordFilter):
    """A public record by its id (a hidden record's id is an invalid choice: 400)."""

    field_class = IdField
    schema = {"type": "integer", "minimum": 1}


class SlugFilter(RecordFilter):
    """A public record by its slug or code."""


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, converted to UTC; an offset PostgreSQL cannot take is a 400.

    Given but empty is a 400 too, not "no filter": a sync that lost its last time must
    not quietly read everything as if it were the changes.
    """

    def to_python(self, value):
        if value == "":
            raise forms.ValidationError(
                _("Enter a time (ISO 8601, e.g. 2026-01-31T00:00:00Z); it cannot be empty."),
                code="invalid",
            )
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise forms.ValidationError(_("Enter a time between the years 1 and 9999.")) from exc


class UTCDateTimeFilter(df.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class IsoDateField(forms.DateField):
    """YYYY-MM-DD only, as DRF reads dates: not the staff site's input formats
    (ihl/formats), which take the month in words too."""

    input_formats = ("%Y-%m-%d",)


class IsoDateFilter(df.DateFilter):
    field_class = IsoDateField


ORDERING_HELP = "Sort order. Default: id. A minus sign sorts descending."


def ordering_filter(fields: list[str]) -> df.ChoiceFilter:
    """Validates `ordering`; the cursor pagination applies it (it needs to own the order)."""
    choices = [(f, f) for name in fields for f in (name, f"-{name}")]
    return df.ChoiceFilter(choices=choices, method="keep", label=ORDERING_HELP, empty_label=None)


class ApiFilterSet(df.FilterSet):
    """Shared by every list: `updated_since`, and errors that say what is valid."""

    updated_since = UTCDateTimeFilter(
        method="filter_updated_since",
        label="Only records changed at or after this time (ISO 8601, e.g. "
        "2026-01-31T00:00:00Z). For incremental sync, with /api/v1/tombstones/.",
    )

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for filter_ in filters.values():
            # A choice filter's invalid value is answered with the valid ones.
            choices = filter_.extra.get("choices")
            if choices is not None and not callable(choices):
                values = ", ".join(str(value) for value, _ in choices)
                filter_.extra.setdefault("error_messages", {})["invalid_choice"] = format_lazy(
                    _("“%(value)s” is not one of the valid values: {values}."), values=values
                )
        return filters

    def keep(self, queryset, name, value):
        return queryset

    def filter_updated_since(self, queryset, name, value):
        # changed_at covers what the record shows (its parts, the records it names): kept
        # by the database on every write (migration 0010), read here through its index.
        return queryset.filter(changed_at__gte=value)


class YearFilter(df.NumberFilter):
    """A year, as the search page takes it."""

    field_class = YearField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schema = {
            "oneOf": [
                {"type": "integer", "minimum": 1800, "maximum": 2200},
                {"type": "string", "enum": [START_UNKNOWN]},
            ]
        }
        extend_schema_field({**schema, "description": self.label})(self)


class IncidentFilter(ApiFilterSet):
    """The search page's filters, by the same names (cases.search.Filters), applied by the
    same function (cases.search.filter_incidents); `q` as on the page, ranked."""

    q = df.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        label='Full-text search, as on the web pages: words, "quoted phrases", OR, '
        "-exclusion. Results are sorted by relevance.",
    )
    country = SlugFilter(
        queryset=State.objects.all(),
        method="keep",
        label="ISO 3166-1 code of the country, e.g. UA.",
    )
    subdivision = df.CharFilter(method="keep", label="ISO 3166-2 code of the region, e.g. UA-23.")
    date_from = IsoDateFilter(
        method="keep",
        label="Incidents whose (possibly uncertain) period reaches this day or later (YYYY-MM-DD).",
    )
    date_to = IsoDateFilter(
        method="keep",
        label="Incidents whose (possibly uncertain) period starts this day or earlier.",
    )
    year = YearFilter(
        method="keep",
        label="Incidents whose earliest date is in this year; `unknown`: those whose start is "
        "unknown (an open start, or no date).",
    )
    category = SlugFilter(
        queryset=ViolationCategory.objects.all(),
        to_field_name="slug",
        method="keep",
        label="Violation category slug; includes its narrower categories.",
    )
    provision = IdFilter(
        queryset=Provision.objects.public(),
        method="keep",
        label="Id of a provision the incident is qualified under.",
    )
    instrument = SlugFilter(
        queryset=Instrument.objects.public(),
        to_field_name="slug",
        method="keep",
        label="Slug of an instrument one of whose provisions the incident engages.",
    )
    actor = IdFilter(
        queryset=Actor.objects.public(),
        method="keep",
        label="Id of an actor involved in the incident.",
    )
    action_kind = df.ChoiceFilter(
        choices=ActionKind.choices,
        method="keep",
        label="Incidents with a public accountability action of this kind.",
    )
    action_status = df.ChoiceFilter(
        choices=ActionStatus.choices,
        method="keep",
        label="Incidents with a public accountability action in this status.",
    )
    verification_status = df.ChoiceFilter(
        choices=VerificationStatus.choices, method="keep", label="How far the facts are verified."
    )
    conflict_type = df.ChoiceFilter(
        choices=ConflictType.choices, method="keep", label="Type of conflict."
    )
    ordering = ordering_filter(["id", "updated_at"])

    class Meta:
        model = Incident
        fields: list[str] = []

    def filter_queryset(self, queryset):
        # q and updated_since by their methods; the rest (method "keep") all at once here.
        queryset = super().filter_queryset(queryset)
        return filter_incidents(queryset, Filters.of(self.form.cleaned_data))

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        if has_ranked_index():
            # Matched and ranked by the pagination (or the export), which reads the best
            # matches from the ranked index: see cases.search.ranked_page.
            return queryset.annotate(**{SEARCH_TEXT: Value(value)})
        # The rank as double precision: the cursor carries it as text, and a real (float4)
        # does not survive that round trip exactly, which would repeat rows across pages.
        return search_incidents(queryset, value).annotate(
            search_rank=Cast("rank", output_field=FloatField())
        )


class ActionFilter(ApiFilterSet):
    kind = df.ChoiceFilter(choices=ActionKind.choices, label="Kind of action.")
    status = df.ChoiceFilter(choices=ActionStatus.choices, label="Lifecycle status.")
    issued_from = IsoDateFilter(
        field_name="issued_on", lookup_expr="gte", label="Issued on or after (YYYY-MM-DD)."
    )
    issued_to = IsoDateFilter(
        field_name="issued_on", lookup_expr="lte", label="Issued on or before (YYYY-MM-DD)."
    )
    subject = IdFilter(
        queryset=Actor.objects.public(),
        method="filter_subject",
        label="Id of an actor the action is directed at.",
    )
    incident = IdFilter(
        queryset=Incident.objects.public(),
        method="filter_incident",
        label="Id of an incident the action concerns.",
    )
    ordering = ordering_filter(["id", "updated_at"])

    class Meta:
        model = AccountabilityAction
        fields: list[str] = []

    def filter_subject(self, queryset, name, value):
        return queryset.filter(
            Exists(
                AccountabilityAction.subjects.through.objects.filter(
                    action=OuterRef("pk"), actor=value
                )
            )
        )

    def filter_incident(self, queryset, name, value):
        return queryset.filter(
            Exists(
                AccountabilityAction.incidents.through.objects.filter(
                    accountabilityaction=OuterRef("pk"), incident=value
                )
            )
        )


class ActorFilter(ApiFilterSet):
    kind = df.ChoiceFilter(choices=ActorKind.choices, label="Kind of actor.")
    state = SlugFilter(queryset=State.objects.all(), label="ISO 3166-1 code of the actor's state.")
    name = df.CharFilter(
        method="filter_name",
        label="Part of the actor's name or of one of its other names (transliterations, "
        "names in other scripts, aliases), in any case.",
    )
    ordering = ordering_filter(["id", "updated_at"])

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        # ?name=Львова finds Lvova-Belova, as the search does.
        other_names = ActorName.objects.filter(actor=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Exists(other_names))


class SourceFilter(ApiFilterSet):
    kind = df.ChoiceFilter(choices=SourceKind.choices, label="Kind of source.")
    published_from = IsoDateFilter(
        field_name="published_on", lookup_expr="gte", label="Published on or after."
    )
    published_to = IsoDateFilter(
        field_name="published_on", lookup_expr="lte", label="Published on or before."
    )
    ordering = ordering_filter(["id", "updated_at"])

    class Meta:
        model = Source
        fields: list[str] = []


class InstrumentFilter(ApiFilterSet):
    kind = df.ChoiceFilter(choices=InstrumentKind.choices, label="Kind of instrument.")

    class Meta:
        model = Instrument
        fields: list[str] = []


class ProvisionFilter(ApiFilterSet):
    instrument = SlugFilter(
        queryset=Instrument.objects.public(),
        to_field_name="slug",
        label="Slug of the instrument.",
    )
    rule_kind = df.ChoiceFilter(choices=RuleKind.choices, label="Kind of rule.")
    ordering = ordering_filter(["id", "updated_at"])

    class Meta:
        model = Provision
        fields: list[str] = []


class CategoryFilter(ApiFilterSet):
    class Meta:
        model = ViolationCategory
        fields: list[str] = []


class StateFilter(ApiFilterSet):
    class Meta:
        model = State
        fields: list[str] = []
