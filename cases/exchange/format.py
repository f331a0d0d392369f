"""The exchange format: one record type per file, its columns, and how records refer to each other.

Every record travels under a stable id. Vocabulary terms use their natural keys (a state's
code, an instrument's or category's slug, a provision's "<instrument slug> <label>"); other
tracked records use `external_id`, which an export assigns ("incident:<pk>") where it is
missing. Rows without an id of their own (other names, identifiers, victim counts, subjects,
captures) belong to a parent record and are replaced as a set when it is imported.

Protected persons, their identities and contacts are never part of the format.
"""

import calendar
import datetime
import decimal
import functools
import re
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext

from cases import models as m
from cases.edtf import edtf_bounds
from cases.models.translations import RECORD_LANGUAGES

# The CSV separator between several references in one cell; JSON uses a list.
MULTI_SEPARATOR = "|"
VOCABULARY = ("state", "instrument", "provision", "category")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text, int, decimal, date, datetime, ref, refs
    ref: str | None = None  # the referenced record type, for ref and refs
    attname: str | None = None  # the model field, when it differs from the column name

    @property
    def field_name(self) -> str:
        return self.attname or self.name


@dataclass(frozen=True)
class RecordType:
    name: str  # singular: "incident"; its file is the plural
    file: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    # Vocabulary: the id is the natural key. Child: no id; rows replace the parent's set.
    kind: str = "record"  # record, vocabulary, child
    parent: str | None = None  # for a child: the column naming its parent
    # For a child: columns whose values identify a row within its parent (sort order too).
    sort: tuple[str, ...] = ()
    edtf: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def id_column(self) -> str | None:
        return None if self.kind == "child" else "id"

    @property
    def headers(self) -> list[str]:
        return ([self.id_column] if self.id_column else []) + [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(*names: str, kind: str = "text") -> tuple[Column, ...]:
    return tuple(Column(n, kind) for n in names)


PUBLICATION = _c("publication_status", "confidentiality", "withdrawal_reason")


def _translations(model: type[models.Model]) -> tuple[Column, ...]:
    """The texts' language and every translation with its translator (docs/i18n.md):
    original_language, then title_en ... title_ar, ..., translated_by_en ... _ar."""
    return _c(
        "original_language",
        *(f"{text}_{code}" for text in model.TRANSLATED_TEXTS for code in RECORD_LANGUAGES),
        *(f"translated_by_{code}" for code in RECORD_LANGUAGES),
    )


RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType(
        "state",
        "states",
        m.State,
        (
            Column("name"),
            Column("predecessor", "ref", "state"),
            Column("predecessor_relation"),
            Column("external_id"),
        ),
        kind="vocabulary",
    ),
    RecordType(
        "instrument",
        "instruments",
        m.Instrument,
        (
            *_c("title", "short_title", "kind"),
            *_c("adopted_on", "entry_into_force_on", kind="date"),
            *_c("depositary", "entry_into_force_rule"),
            *_c("entry_into_force_delay", "withdrawal_delay_months", kind="int"),
            *_c("rules_note", "summary"),
            *PUBLICATION,
            *_translations(m.Instrument),
            Column("external_id"),
        ),
        kind="vocabulary",
    ),
    RecordType(
        "provision",
        "provisions",
        m.Provision,
        (
            Column("parent", "ref", "provision"),
            *_c("heading", "text", "rule_kind"),
            Column("position", "int"),
            *_translations(m.Provision),
            Column("external_id"),
        ),
        kind="vocabulary",
    ),
    RecordType(
        "category",
        "categories",
        m.ViolationCategory,
        (
            Column("name"),
            Column("parent", "ref", "category"),
            Column("description"),
            Column("provisions", "refs", "provision"),
            *_translations(m.ViolationCategory),
            Column("external_id"),
        ),
        kind="vocabulary",
    ),
    RecordType(
        "treaty_event",
        "treaty_events",
        m.TreatyEvent,
        (
            Column("state", "ref", "state"),
            Column("instrument", "ref", "instrument"),
            Column("kind"),
            *_c("deposited_on", "effective_on_override", kind="date"),
            Column("withdraws", "ref", "treaty_event"),
            Column("provisions", "refs", "provision"),
            *_c("jurisdiction_from", "jurisdiction_to", kind="date"),
            Column("exclusion_scope"),
            *_c("text", "note"),
        ),
    ),
    RecordType(
        "referral",
        "referrals",
        m.SecurityCouncilReferral,
        (
            Column("instrument", "ref", "instrument"),
            Column("resolution"),
            Column("adopted_on", "date"),
            Column("situation"),
            Column("states", "refs", "state"),
            *_c("jurisdiction_from", "jurisdiction_to", kind="date"),
            Column("note"),
        ),
    ),
    RecordType(
        "actor",
        "actors",
        m.Actor,
        (*_c("name", "kind"), Column("state", "ref", "state"), Column("description"), *PUBLICATION),
    ),
    RecordType(
        "actor_name",
        "actor_names",
        m.ActorName,
        (Column("actor", "ref", "actor"), *_c("name", "language", "kind")),
        kind="child",
        parent="actor",
        sort=("name",),
    ),
    RecordType(
        "actor_identifier",
        "actor_identifiers",
        m.ActorIdentifier,
        (Column("actor", "ref", "actor"), *_c("scheme", "value")),
        kind="child",
        parent="actor",
        sort=("scheme", "value"),
    ),
    RecordType(
        "membership",
        "memberships",
        m.Membership,
        (
            Column("member", "ref", "actor"),
            Column("organisation", "ref", "actor"),
            *_c("post", "period"),
        ),
        edtf={"period": ("period_start", "period_end")},
    ),
    RecordType(
        "incident",
        "incidents",
        m.Incident,
        (
            *_c("title", "summary", "description", "date"),
            Column("country", "ref", "state"),
            *_c("subdivision", "place_name"),
            *_c("latitude", "longitude", kind="decimal"),
            Column("coordinate_precision"),
            Column("controlling_power", "ref", "state"),
            *_c("conflict_type", "verification_status"),
            Column("categories", "refs", "category"),
            Column("parent", "ref", "incident"),
            *PUBLICATION,
            *_translations(m.Incident),
        ),
        edtf={"date": ("date_earliest", "date_latest")},
    ),
    RecordType(
        "victim_count",
        "victim_counts",
        m.VictimCount,
        (
            Column("incident", "ref", "incident"),
            Column("kind"),
            *_c("minimum", "maximum", kind="int"),
            Column("group"),
        ),
        kind="child",
        parent="incident",
        sort=("kind", "group", "minimum", "maximum"),
    ),
    RecordType(
        "involvement",
        "involvements",
        m.Involvement,
        (
            Column("incident", "ref", "incident"),
            Column("actor", "ref", "actor"),
            *_c("role", "confidence", "note"),
        ),
    ),
    RecordType(
        "legal_qualification",
        "legal_qualifications",
        m.LegalQualification,
        (
            Column("incident", "ref", "incident"),
            Column("provision", "ref", "provision"),
            Column("asserted_by", "ref", "actor"),
            Column("asserted_on", "date"),
            *_c("standing", "note"),
        ),
    ),
    RecordType(
        "action",
        "actions",
        m.AccountabilityAction,
        (
            *_c("kind", "title"),
            Column("issuing_body", "ref", "actor"),
            Column("reference"),
            *_c("applied_on", "issued_on", "announced_on", kind="date"),
            *_c("seal_status", "status", "summary", "description"),
            Column("incidents", "refs", "incident"),
            *PUBLICATION,
            *_translations(m.AccountabilityAction),
        ),
    ),
    RecordType(
        "action_subject",
        "action_subjects",
        m.ActionSubject,
        (Column("action", "ref", "action"), Column("actor", "ref", "actor"), Column("note")),
        kind="child",
        parent="action",
        sort=("actor",),
    ),
    RecordType(
        "charge",
        "charges",
        m.Charge,
        (
            Column("action", "ref", "action"),
            Column("subject", "ref", "actor"),
            Column("provision", "ref", "provision"),
            Column("modes_of_liability", "refs", "provision"),
            *_c("description", "crime_period"),
        ),
        edtf={"crime_period": ("crime_period_start", "crime_period_end")},
    ),
    RecordType(
        "action_event",
        "action_events",
        m.ActionEvent,
        (
            Column("action", "ref", "action"),
            Column("kind"),
            Column("occurred_on", "date"),
            Column("subject", "ref", "actor"),
            Column("states", "refs", "state"),
            Column("description"),
        ),
    ),
    RecordType(
        "source",
        "sources",
        m.Source,
        (
            *_c("kind", "title", "publisher"),
            Column("published_on", "date"),
            *_c("url", "language", "reliability", "note"),
            *PUBLICATION,
        ),
    ),
    RecordType(
        "source_capture",
        "source_captures",
        m.SourceCapture,
        (
            Column("source", "ref", "source"),
            Column("captured_at", "datetime"),
            *_c("archive_url", "file", "sha256", "note"),
        ),
        kind="child",
        parent="source",
        sort=("captured_at", "archive_url", "file"),
    ),
    RecordType(
        "citation",
        "citations",
        m.Citation,
        (
            Column("source", "ref", "source"),
            *_c("pinpoint", "quote"),
            Column("incident", "ref", "incident"),
            Column("involvement", "ref", "involvement"),
            Column("legal_qualification", "ref", "legal_qualification"),
            Column("action", "ref", "action"),
            Column("charge", "ref", "charge"),
            Column("treaty_event", "ref", "treaty_event"),
            Column("action_event", "ref", "action_event"),
            Column("referral", "ref", "referral"),
        ),
    ),
)

BY_NAME = {t.name: t for t in RECORD_TYPES}
BY_FILE = {t.file: t for t in RECORD_TYPES}


# --- Ids of vocabulary terms and records ---------------------------------------------------


def key_paths(type_name: str, path: str) -> list[str]:
    """The ORM paths whose values, joined by a space, give the id of the record at `path`."""
    prefix = f"{path}__" if path else ""
    if type_name == "state":
        return [f"{prefix}code"]
    if type_name in ("instrument", "category"):
        return [f"{prefix}slug"]
    if type_name == "provision":
        return [f"{prefix}instrument__slug", f"{prefix}label"]
    return [f"{prefix}external_id"]


def join_key(values) -> str | None:
    if any(v is None for v in values):
        return None
    return " ".join(str(v) for v in values)


def resolve(type_name: str, keys: set[str]) -> dict[str, int | str]:
    """Map ids of one record type to primary keys, in one query. Unknown ids are left out."""
    if not keys:
        return {}
    model = BY_NAME[type_name].model
    if type_name == "provision":
        condition = Q()
        for key in keys:
            slug, _, label = key.partition(" ")
            condition |= Q(instrument__slug=slug, label=label)
        rows = model.objects.filter(condition).values_list("instrument__slug", "label", "pk")
        return {f"{slug} {label}": pk for slug, label, pk in rows}
    # One array parameter rather than an IN list of thousands: the ORM compiles and the
    # database parses each element of a list (a third of an import's lookup time).
    (path,) = key_paths(type_name, "")
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(meta.get_field(path).column)}, "
            f"{connection.ops.quote_name(meta.pk.column)} "
            f"FROM {connection.ops.quote_name(meta.db_table)} "
            f"WHERE {connection.ops.quote_name(meta.get_field(path).column)} = ANY(%s)",
            [list(keys)],
        )
        return dict(cursor.fetchall())


# --- Values: one text form per kind, the same in CSV and JSON ------------------------------


def to_text(kind: str, value) -> str | None:
    if value is None or value == "":
        return None
    if kind in ("date", "datetime"):
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    return str(value)


class ValueProblem(ValueError):
    pass


def from_text(kind: str, text: str | None):
    """Parse a cell; empty gives None. Raises ValueProblem with a message for the report."""
    if text is None or text.strip() == "":
        return None
    text = text.strip()
    try:
        if kind == "int":
            return int(text)
        if kind == "decimal":
            return decimal.Decimal(text)
        if kind == "date":
            return datetime.date.fromisoformat(text)
        if kind == "datetime":
            value = datetime.datetime.fromisoformat(text)
            if value.tzinfo is None:
                raise ValueProblem(gettext("give a time zone, e.g. 2023-03-17T10:00:00+00:00"))
            return value
    except (ValueError, decimal.InvalidOperation) as exc:
        if isinstance(exc, ValueProblem):
            raise
        expected = {
            "int": gettext("expected a whole number"),
            "decimal": gettext("expected a number such as 48.45"),
            "date": gettext("expected a date as YYYY-MM-DD"),
            "datetime": gettext("expected a date and time as YYYY-MM-DDTHH:MM:SS+00:00"),
        }[kind]
        raise ValueProblem(expected) from exc
    return text


# The forms most records use, whose bounds need no parser: a year, month or day, possibly
# uncertain or approximate (?, ~, %), with unspecified digits (XX) for a month or day.
SIMPLE_EDTF = re.compile(r"^(\d{4})(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?[?~%]?$")


def _simple_bounds(text: str) -> tuple[datetime.date, datetime.date] | None:
    match = SIMPLE_EDTF.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    year = int(year)
    if month in (None, "XX"):
        if day not in (None, "XX"):
            return None
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    month = int(month)
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if day in (None, "XX"):
        return datetime.date(year, month, 1), datetime.date(year, month, last)
    day = int(day)
    if not 1 <= day <= last:
        return None
    return datetime.date(year, month, day), datetime.date(year, month, day)


@functools.lru_cache(maxsize=4096)
def cached_edtf_bounds(text: str):
    """edtf_bounds(), fast: the edtf parser takes ~30 ms a string. Common forms (a day,
    month or year, uncertain or not, and intervals of them) are computed here, the same
    way (tests/exchange/test_format.py compares the two); the rest goes to the parser."""
    text = text.strip()
    start, slash, end = text.partition("/")
    first = _simple_bounds(start) if start not in ("", "..") else (None, None)
    last = _simple_bounds(end) if slash and end not in ("", "..") else (None, None)
    if first is None or (slash and last is None) or (not slash and not start):
        return edtf_bounds(text)
    lower = first[0]
    upper = last[1] if slash else first[1]
    if lower and upper and upper < lower:
        return edtf_bounds(text)  # it raises, with its message
    return lower, upper
