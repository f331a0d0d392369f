"""Import the exchange format: validate every row, write all or nothing, report every problem.

Files are read as streams, in batches, in the order of RECORD_TYPES (vocabulary first,
citations last), so memory stays flat with the file's size. Everything happens in one
transaction: rows are written as their batch passes validation, so that later rows can
refer to them, and the transaction is rolled back at the end if any row was rejected
or the run is a dry run. The database is then exactly as it was.

Rows are written with COPY and bulk UPDATE, new incidents with their search names (see
search_names.py), so each is written once. COPY sends no signals, so history.py records
the versions through django-simple-history's bulk path (the importing user, the import's
time, the file as the reason). An existing record the file leaves as it is is not written at all.
"""

import copy
import csv
import datetime
import io
import json
import operator
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from cases import services
from cases.models import (
    AccountabilityAction,
    ActionEvent,
    ActionSubject,
    ActorName,
    Incident,
    Involvement,
    LegalQualification,
    TreatyEvent,
)

from .format import (
    BY_FILE,
    BY_NAME,
    MULTI_SEPARATOR,
    RECORD_TYPES,
    RecordType,
    ValueProblem,
    cached_edtf_bounds,
    from_text,
    resolve,
)
from .history import record_created, record_links, update_with_history
from .search_names import SearchNames

BATCH = 2000
# The records a report lists by name, per file (the rest are counted).
LISTED = 100
# A column naming the row of the original file a derived row comes from (see acled.py).
ORIGIN_ROW = "__row__"
MAX_PROBLEMS = 10_000
# The longest CSV row or NDJSON line read, in bytes: a record's texts fit many times over,
# and a file of one endless line cannot fill the memory.
MAX_LINE_BYTES = 4 * 1024 * 1024
# The fields of a record whose change changes the search names of the incidents naming it
# (cases.search_names: only public actors, instruments and actions count), and the keyword
# of services.refresh_search_names() for the record. (Actions: every one written counts,
# see refresh_search_names().)
NAMING_FIELDS = {
    "state": ("name",),
    "instrument": ("short_title", "publication_status", "confidentiality"),
    "provision": ("heading",),
    "category": ("name",),
    "actor": ("name", "publication_status", "confidentiality"),
}
NAMING_KEYWORDS = {
    "state": "states",
    "instrument": "instruments",
    "provision": "provisions",
    "category": "categories",
    "actor": "actors",
}


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # the line of a CSV file (the header is line 1) or of an NDJSON file
    column: str
    value: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = f" “{self.value}”" if self.value else ""
        return f"{where}:{value} {self.problem}"


@dataclass
class Listed:
    """A record an import creates or updates, named for a reviewer; for an update, each
    change as (field, before, after), shown as the admin shows them."""

    label: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)  # existing, the same in the file
    rejected: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    dry_run: bool = False
    # With `listing`: the first LISTED records of each file created and updated, by name.
    created_records: dict[str, list[Listed]] = field(default_factory=dict)
    updated_records: dict[str, list[Listed]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def committed(self) -> bool:
        return self.ok and not self.dry_run

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    @property
    def rows(self) -> list[tuple[str, int, int, int, int]]:
        """(file, to create, to update, unchanged, rejected) for every file with rows, in
        import order."""
        counts = [
            (
                t.file,
                self.created[t.file],
                self.updated[t.file],
                self.unchanged[t.file],
                self.rejected[t.file],
            )
            for t in RECORD_TYPES
        ]
        return [row for row in counts if any(row[1:])]

    def summary(self) -> str:
        lines = [
            f"{name}: {created} to create, {updated} to update, {unchanged} unchanged, "
            f"{rejected} rejected"
            for name, created, updated, unchanged, rejected in self.rows
        ]
        return "\n".join(lines) or "No rows."


class ImportFailed(Exception):
    def __init__(self, report: Report):
        super().__init__(f"{len(report.problems) + report.more_problems} problems")
        self.report = report


@dataclass(frozen=True)
class Plan:
    """What every row of a record type needs, worked out once per import rather than per row."""

    defaults: tuple  # each concrete field's default, in Model.__init__'s positional order
    calls: tuple[tuple[int, Callable], ...]  # defaults computed per row (a callable default)
    fields: dict[str, models.Field]  # value column -> model field
    # Fields full_clean() skips: relations (resolved in bulk), the EDTF strings (checked
    # with a cache: the parser is slow) and their bounds, and the columns the importer sets
    # itself (primary key, timestamps).
    excluded: frozenset[str]
    # A row's content, to tell whether a file changes an existing record: every stored
    # field but the key, the stamps of who changed it when, and derived search columns.
    content: Callable[[models.Model], tuple]
    compared: tuple[models.Field, ...]  # the fields of `content`, in its order

    @classmethod
    def of(cls, record_type: RecordType) -> "Plan":
        model = record_type.model
        concrete = model._meta.concrete_fields
        excluded = {
            f.name
            for f in model._meta.get_fields()
            if f.is_relation or f.name in record_type.edtf or f.primary_key
        }
        for lower, upper in record_type.edtf.values():
            excluded |= {lower, upper}
        excluded |= {"created_at", "updated_at", "changed_at"}
        compared = tuple(
            f for f in concrete if not (f.primary_key or f.generated or f.name in UNCOMPARED)
        )
        return cls(
            defaults=tuple(f.get_default() for f in concrete),
            calls=tuple(
                (i, f.get_default)
                for i, f in enumerate(concrete)
                if f.has_default() and callable(f.default)
            ),
            fields={
                c.name: model._meta.get_field(c.field_name)
                for c in record_type.columns
                if c.kind not in ("ref", "refs")
            },
            excluded=frozenset(excluded),
            content=operator.attrgetter(*(f.attname for f in compared)),
            compared=compared,
        )

    def new(self, model: type[models.Model]) -> models.Model:
        """An empty object. Positional values: Model.__init__ is fastest given every field."""
        values = list(self.defaults)
        for index, default in self.calls:
            values[index] = default()
        return model(*values)


UNCOMPARED = {"created_at", "created_by", "updated_at", "updated_by", "search_names", "changed_at"}


# --- Reading ---------------------------------------------------------------------------------

Row = tuple[int, dict]  # (row number, {column: text or list})


class TooLarge(ValueError):
    """A file past the import's limits: reported as unreadable, nothing imported."""


def check_unpacked_size(archive: zipfile.ZipFile) -> None:
    # zipfile never inflates a member past the size its directory declares, so the sum
    # of those sizes bounds what reading the archive can produce.
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > settings.IMPORT_MAX_BYTES:
        raise TooLarge(
            gettext(
                "it unpacks to %(size)s MB, more than the limit of %(limit)s MB (IHL_IMPORT_MAX_MB)"
            )
            % {
                "size": f"{unpacked / 2**20:,.0f}",
                "limit": f"{settings.IMPORT_MAX_BYTES / 2**20:,.0f}",
            }
        )


class _BoundedLines(io.RawIOBase):
    """A binary stream that refuses a line longer than MAX_LINE_BYTES, so that the text
    layer above it never holds more than one bounded line."""

    def __init__(self, raw):
        self.raw, self.line = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        newline = data.rfind(b"\n")
        self.line = len(data) - newline - 1 if newline >= 0 else self.line + len(data)
        if self.line > MAX_LINE_BYTES:
            raise TooLarge(
                gettext("a line is longer than %(limit)s MB") % {"limit": MAX_LINE_BYTES // 2**20}
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def bounded_text(raw, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedReader(_BoundedLines(raw)), encoding=encoding, newline="")


class Source:
    """A package to import: a .zip of CSV files, a directory of them, or an NDJSON file."""

    def __init__(self, path: str | Path, report: Report):
        self.path, self.report = Path(path), report

    def rows(self) -> Iterator[tuple[RecordType, str, list[str], Iterator[Row]]]:
        """(record type, file name, columns, rows) in the order of RECORD_TYPES."""
        if self.path.suffix in (".ndjson", ".jsonl"):
            yield from self._ndjson()
        elif self.path.is_dir():
            yield from self._csv_files({p.name: p for p in self.path.glob("*.csv")}, None)
        elif self.path.suffix == ".zip":
            with zipfile.ZipFile(self.path) as archive:
                check_unpacked_size(archive)
                yield from self._csv_files({n: n for n in archive.namelist()}, archive)
        else:
            raise ValueError(f"{self.path}: give a .zip, a directory of CSV files or .ndjson.")

    def _csv_files(self, names: dict, archive: zipfile.ZipFile | None):
        for name in sorted(names):
            if name.removesuffix(".csv") not in BY_FILE and not name.endswith("/"):
                unknown = gettext("unknown file; see docs/exchange.md")
                self.report.add(Problem(name, 0, "", "", unknown))
        for record_type in RECORD_TYPES:
            name = f"{record_type.file}.csv"
            if name not in names:
                continue
            raw = archive.open(name) if archive else open(names[name], "rb")  # noqa: SIM115
            with raw, bounded_text(raw, "utf-8-sig") as text:
                reader = csv.reader(text)
                headers = next(reader, [])
                rows = (
                    (number, dict(zip(headers, cells, strict=False)))
                    for number, cells in enumerate(reader, start=2)
                    if any(cells)
                )
                yield record_type, name, headers, rows

    def lines(self, record_type: RecordType) -> Iterator[dict]:
        """The rows of one record type, unchecked: a read-ahead (rows() reports problems)."""
        try:
            if self.path.suffix in (".ndjson", ".jsonl"):
                with bounded_text(self.path.open("rb"), "utf-8") as lines:
                    for text in lines:
                        line = json.loads(text) if text.strip() else None
                        if isinstance(line, dict) and line.get("type") == record_type.name:
                            yield line
                return
            name = f"{record_type.file}.csv"
            if self.path.is_dir():
                if (self.path / name).exists():
                    with bounded_text((self.path / name).open("rb"), "utf-8-sig") as text:
                        yield from csv.DictReader(text)
            elif self.path.suffix == ".zip":
                with zipfile.ZipFile(self.path) as archive:
                    check_unpacked_size(archive)
                    if name in archive.namelist():
                        with bounded_text(archive.open(name), "utf-8-sig") as text:
                            yield from csv.DictReader(text)
        except (ValueError, csv.Error, zipfile.BadZipFile):
            return  # UnicodeDecodeError and JSON errors too; rows() reports them

    def _ndjson(self):
        name = self.path.name
        order = {t.name: i for i, t in enumerate(RECORD_TYPES)}
        with bounded_text(self.path.open("rb"), "utf-8") as lines:
            numbered = enumerate(lines, start=1)
            pending: tuple[int, dict] | None = None
            position = -1
            while True:
                if pending is None:
                    pending = self._next_json(numbered, name)
                    if pending is None:
                        return
                number, line = pending
                record_type = BY_NAME.get(line.get("type"))
                if record_type is None or order[record_type.name] < position:
                    problem = (
                        gettext("unknown record type")
                        if record_type is None
                        else gettext(
                            "out of order: lines must be grouped by type as export writes them"
                        )
                    )
                    self.report.add(Problem(name, number, "type", str(line.get("type")), problem))
                    pending = None
                    continue
                position = order[record_type.name]
                first = pending

                def same_type(first=first, record_type=record_type):
                    nonlocal pending
                    yield first
                    while True:
                        pending = self._next_json(numbered, name)
                        if pending is None or pending[1].get("type") != record_type.name:
                            return
                        yield pending

                yield record_type, name, None, same_type()
                # The consumer read the group to its end; `pending` holds the next line.
                if pending is first:
                    pending = None

    def _next_json(self, numbered, name) -> tuple[int, dict] | None:
        for number, text in numbered:
            if not text.strip():
                continue
            try:
                line = json.loads(text)
                if not isinstance(line, dict):
                    raise ValueError("not an object")
            except ValueError as exc:
                problem = gettext("not a JSON object: %(error)s") % {"error": exc}
                self.report.add(Problem(name, number, "", text[:80], problem))
                continue
            return number, line
        return None


# --- Importing -------------------------------------------------------------------------------


class Importer:
    def __init__(
        self,
        *,
        create_vocabulary: bool = False,
        user=None,
        progress: Callable[[int], None] | None = None,
        reason: str = "",
        changed_since: datetime.datetime | None = None,
        listing: bool = False,
    ):
        self.create_vocabulary = create_vocabulary
        # What each version in the history says (default: the file's name).
        self.given_reason = reason
        # An upload waiting for review: a record changed after it was uploaded is a conflict.
        self.changed_since = changed_since
        # Name the records created and updated in the report, for a reviewer (a query each).
        self.listing = listing
        self.user = user
        self.user_id = user.pk if user is not None else None
        self.progress = progress
        self.report = Report()
        self.now = timezone.now()
        self.rejected: dict[str, set[str]] = {t.name: set() for t in RECORD_TYPES}
        self.child_floor: dict[str, int] = {}  # child type -> the first id this import gave
        self.search_names = SearchNames()
        # Rows whose incident's search names must be refreshed after the import (an estimate:
        # it decides whether to refresh at all, and whether statistics are worth updating).
        self.refresh_candidates = 0
        self.first_new_incident: int | None = None
        # Self-references resolved once the whole file is in: (object, field, id, row number)
        self.deferred: list[tuple[models.Model, str, str, int]] = []
        self.plans = {t.name: Plan.of(t) for t in RECORD_TYPES}
        # Treaty acts written, with their file and row: checked against each other once the
        # whole file is in (TreatyEvent.defer_sequence_check).
        self.treaty_acts: list[tuple[TreatyEvent, str, int]] = []

    def run(self, path: str | Path, *, dry_run: bool = False) -> Report:
        self.report.dry_run = dry_run
        self.reason = self.given_reason or f"Imported from {Path(path).name}"
        # Every version this import records says who, when and why (history.py).
        self.version = {
            "default_user": self.user,
            "default_change_reason": self.reason,
            "default_date": self.now,
        }
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
                # Sync stamps once per record, at the end, rather than once per statement
                # that writes a part of it (migration 0017; the triggers' rules unchanged).
                cursor.execute("SELECT ihl_sync_defer()")
            source = Source(path, self.report)
            self.search_names.read_ahead(source.lines)
            try:
                for record_type, name, headers, rows in source.rows():
                    self.import_file(record_type, name, headers, rows)
            except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, TooLarge) as exc:
                reason = gettext("cannot be read (%(reason)s); see docs/exchange.md") % {
                    "reason": exc
                }
                self.report.add(Problem(Path(path).name, 0, "", "", reason))
            self.refresh_search_names()
            self.update_action_lifecycles()
            self.search_names.drop()
            with connection.cursor() as cursor:
                cursor.execute("SELECT ihl_sync_flush()")
            self.check_references()
            if not self.report.committed:
                transaction.set_rollback(True)
        return self.report

    def check_references(self) -> None:
        """Foreign keys are checked at commit; check them now, to report instead of fail."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        except DatabaseError as exc:
            broken = gettext("a reference is broken: %(error)s") % {"error": exc}
            self.report.add(Problem("", 0, "", "", broken))

    def import_file(self, record_type, name, headers, rows: Iterator[Row]) -> None:
        known = {*record_type.headers, ORIGIN_ROW}
        if record_type.kind == "record" or record_type.kind == "vocabulary":
            required = {"id"}
        else:
            required = {record_type.parent}
        checked_headers = headers is not None
        if checked_headers:
            self._check_headers(record_type, name, headers, known, required, row=1)
        self.deferred = []
        while batch := list(islice(rows, BATCH)):
            if not checked_headers:  # NDJSON: every line names its own columns
                for number, line in batch:
                    line.pop("type", None)
                    self._check_headers(record_type, name, line, known, required, row=number)
            self.import_batch(record_type, name, batch)
            if self.progress:
                self.progress(len(batch))
        self.resolve_deferred(record_type, name)
        if record_type.model is TreatyEvent:
            self.check_treaty_sequences()

    def check_treaty_sequences(self) -> None:
        """Each treaty act written against the state's other acts, now all in the database."""
        for act, name, number in self.treaty_acts:
            if act.pk is None:
                continue  # its batch failed, and was reported
            act.defer_sequence_check = False
            message = act.sequence_error()
            if message:
                self.report.add(Problem(name, number, "kind", act.kind, message))
        self.treaty_acts = []

    def _check_headers(self, record_type, name, headers, known, required, row) -> None:
        for header in headers:
            if header not in known:
                self.report.add(Problem(name, row, header, "", gettext("unknown column")))
        for header in sorted(required - set(headers)):
            self.report.add(Problem(name, row, header, "", gettext("required column missing")))

    # --- One batch: look up, resolve, validate, write ----------------------------------------

    def import_batch(self, record_type: RecordType, name: str, batch: list[Row]) -> None:
        model = record_type.model
        ids = {self._text(line.get("id")) for _, line in batch} - {None}
        existing = self._existing(record_type, ids)
        links = self._current_links(record_type, [obj.pk for obj in existing.values()])
        references = self._resolve_references(record_type, batch)
        to_create, to_update, many, seen, numbers = [], [], [], set(), {}
        moved_from = set()  # incidents an existing row (an involvement, a citation...) leaves
        befores = {}  # with listing: existing records as they were, by id(obj)
        renamed = []  # existing records of this batch whose NAMING_FIELDS changed
        fields = NAMING_FIELDS.get(record_type.name)
        naming = operator.attrgetter(*fields) if fields else None
        rows = []
        for number, line in batch:
            problems: list[Problem] = []
            if ORIGIN_ROW in line:
                number = int(line.pop(ORIGIN_ROW))

            def problem(column, value, message, number=number, problems=problems):
                problems.append(Problem(name, number, column, str(value or ""), message))

            row_id = self._text(line.get("id")) if record_type.id_column else None
            obj = None
            if record_type.id_column:
                if row_id is None:
                    problem("id", "", gettext("an id is required"))
                elif row_id in seen:
                    problem("id", row_id, gettext("this id appears twice in the file"))
                else:
                    obj = existing.get(row_id)
                    if obj is not None and obj.created_at == self.now:
                        problem("id", row_id, gettext("this id appears twice in the file"))
                    seen.add(row_id)
            adding = obj is None
            # A new row's object is made while the COPY runs, in valid_new_rows().
            unknown_term = record_type.kind == "vocabulary" and not self.create_vocabulary
            if adding and unknown_term and row_id:
                problem(
                    "id",
                    row_id,
                    gettext(
                        "unknown %(vocabulary)s: terms are matched by this key; correct it, or "
                        "import with --create-vocabulary to add the term"
                    )
                    % {"vocabulary": record_type.name},
                )
            rows.append((number, line, problems, problem, row_id, obj, adding))
        # New rows get their primary keys now, so rows of this batch can refer to each other
        # (foreign keys are checked at commit), and no query is needed once the COPY is open.
        new = [index for index, row in enumerate(rows) if row[6] and not row[2]]
        pks = dict(zip(new, reserve_ids(model, len(new)), strict=True))
        own = references.setdefault(record_type.name, {})
        for index in new:
            row_id = rows[index][4]
            if row_id:
                own[row_id] = pks[index] if model_has_serial_pk(model) else row_id
        if model is Incident:
            self.search_names.look_up(
                ids,
                {self._text(line.get("country")) for _, line in batch},
                set(references.get("category", {}).values()),
            )

        plan = self.plans[record_type.name]

        def valid_new_rows() -> Iterator[models.Model]:
            """Validate each row; yield the new ones, keep the changed ones for an UPDATE."""
            for index, (number, line, problems, problem, row_id, obj, adding) in enumerate(rows):
                if adding:
                    obj = plan.new(model)
                    obj.pk = pks.get(index, obj.pk)
                incident_before = None if adding else getattr(obj, "incident_id", None)
                named_before = naming(obj) if naming and not adding else None
                content_before = None if adding else plan.content(obj)
                if self.listing and not adding:
                    befores[id(obj)] = copy.copy(obj)
                deferred_before = len(self.deferred)
                if row_id is not None:
                    self._set_id(record_type, obj, row_id, references, problem)
                row_many = self._set_values(record_type, obj, line, references, problem, number)
                if (
                    not adding
                    and not problems
                    and plan.content(obj) == content_before
                    and len(self.deferred) == deferred_before
                    and all(
                        set(ids) == links[name].get(obj.pk, set()) for name, ids in row_many.items()
                    )
                ):
                    # Nothing to write: no new version, and mirrors do not fetch it again.
                    # (Nor to review: an upload may list a published record as it is.)
                    self.report.unchanged[record_type.file] += 1
                    continue
                if not adding and self.changed_since is not None:
                    self._refuse_if_changed(obj, row_id, problem)
                if model is TreatyEvent:
                    obj.defer_sequence_check = True
                if not problems:
                    self._validate(record_type, obj, problem)
                if not problems and hasattr(obj, "clean_m2m"):
                    self._validate_links(record_type, obj, row_many, links, problem)
                if problems:
                    self.report.rejected[record_type.file] += 1
                    if row_id is not None:
                        self.rejected[record_type.name].add(row_id)
                    for p in problems:
                        self.report.add(p)
                    continue
                numbers[id(obj)] = number
                if model is TreatyEvent:
                    self.treaty_acts.append((obj, name, number))
                many.append((obj, row_many))
                (self.report.created if adding else self.report.updated)[record_type.file] += 1
                self._stamp(obj, adding)
                if not adding:
                    to_update.append(obj)
                    if incident_before is not None and incident_before != obj.incident_id:
                        moved_from.add(incident_before)
                    if naming and named_before != naming(obj):
                        renamed.append(obj.pk)
                    continue
                if model is Incident:
                    obj.search_names = self.search_names.text(obj, row_many.get("categories", []))
                to_create.append(obj)
                yield obj

        # The new rows are validated while they are sent: the database works on the rows
        # already sent (the search vector, the indexes) while the next ones are validated.
        # Not when the model's clean() runs queries (none can run while a COPY is open).
        new_rows = valid_new_rows()
        if model.clean is not models.Model.clean:
            new_rows = list(new_rows)
        # Valid rows are written even after a rejection (the transaction is rolled back in
        # the end): later rows that refer to them then resolve, and only real problems show.
        try:
            with transaction.atomic():
                if record_type.kind == "child" and pks:
                    self._clear_children(record_type, batch, references, min(pks.values()))
                self.write(record_type, new_rows, to_update, many)
                if moved_from:
                    # The incident changed: mirrors see it, and its search names are refreshed.
                    Incident.objects.filter(pk__in=moved_from).update(updated_at=self.now)
                    self.refresh_candidates += len(moved_from)
                if renamed:
                    self.refresh_names_of(record_type.name, renamed)
        except (DatabaseError, psycopg.Error) as exc:
            for _ in new_rows:
                pass  # validate the rows the failed COPY did not reach
            if model_has_serial_pk(model):
                for obj in to_create:
                    obj.pk = None  # rolled back: not written
            self._explain_write_failure(
                record_type, name, batch, to_create + to_update, numbers, exc
            )
        else:
            if self.listing:
                self._list(record_type, to_create, to_update, befores, links, many)

    def _list(self, record_type, created, updated, befores, links, many) -> None:
        """Name the records written (up to LISTED a file), and what changes in each updated
        one: field by field, many-to-many links included."""
        from cases.changesets import shown_value  # the admin's way of showing a value

        model, file = record_type.model, record_type.file
        listed = self.report.created_records.setdefault(file, [])
        for obj in created[: LISTED - len(listed)]:
            listed.append(Listed(str(obj)))
        listed = self.report.updated_records.setdefault(file, [])
        new_links = {id(obj): ids for obj, ids in many}
        for obj in updated[: LISTED - len(listed)]:
            before = befores[id(obj)]
            changes = [
                (_label(f), shown_value(before, f), shown_value(obj, f))
                for f in self.plans[record_type.name].compared
                if getattr(before, f.attname) != getattr(obj, f.attname)
            ]
            for column_name, ids in new_links.get(id(obj), {}).items():
                old = links[column_name].get(obj.pk, set())
                if set(ids) != old:
                    m2m = model._meta.get_field(record_type.column(column_name).field_name)
                    names = m2m.related_model._default_manager.in_bulk([*old, *ids])
                    changes.append(
                        (
                            _label(m2m),
                            "; ".join(sorted(str(names[pk]) for pk in old if pk in names)),
                            "; ".join(sorted(str(names[pk]) for pk in ids if pk in names)),
                        )
                    )
            listed.append(Listed(str(obj), changes))

    def _refuse_if_changed(self, obj, row_id, problem) -> None:
        """An upload reviewed later must not overwrite what changed since it was uploaded."""
        changed = getattr(obj, "updated_at", None)
        if changed is not None and changed > self.changed_since:
            when = date_format(timezone.localtime(changed), "DATETIME_FORMAT")
            problem(
                "id",
                row_id,
                gettext(
                    "this record changed after the file was uploaded (%(when)s): upload the "
                    "file again, to review it against the current version"
                )
                % {"when": when},
            )

    @staticmethod
    def _current_links(record_type: RecordType, pks: list) -> dict[str, dict[object, set]]:
        """The many-to-many ids existing records have now, by column and record."""
        links: dict[str, dict[object, set]] = {}
        for column in record_type.columns:
            if column.kind != "refs":
                continue
            current = links[column.name] = {}
            if not pks:
                continue
            m2m = record_type.model._meta.get_field(column.field_name)
            source, target = m2m.m2m_column_name(), m2m.m2m_reverse_name()
            rows = m2m.remote_field.through.objects.filter(**{f"{source}__in": pks})
            for record, other in rows.values_list(source, target):
                current.setdefault(record, set()).add(other)
        return links

    def _existing(self, record_type: RecordType, ids: set[str]) -> dict[str, models.Model]:
        if record_type.kind == "child" or not ids:
            return {}
        pks = resolve(record_type.name, ids)
        objects = record_type.model.objects.in_bulk(list(pks.values()))
        return {key: objects[pk] for key, pk in pks.items()}

    def _resolve_references(self, record_type, batch) -> dict[str, dict]:
        wanted: dict[str, set[str]] = {}
        for column in record_type.columns:
            if column.kind in ("ref", "refs"):
                keys = wanted.setdefault(column.ref, set())
                for _, line in batch:
                    keys.update(self._keys(line.get(column.name)))
        if record_type.name == "provision":  # a provision's id starts with its instrument
            wanted.setdefault("instrument", set()).update(
                str(line.get("id") or "").partition(" ")[0] for _, line in batch
            )
        return {ref: resolve(ref, keys - {""}) for ref, keys in wanted.items()}

    @staticmethod
    def _text(value) -> str | None:
        if value is None:
            return None
        value = str(value).strip()
        return value or None

    @staticmethod
    def _keys(value) -> list[str]:
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [v.strip() for v in str(value).split(MULTI_SEPARATOR) if v.strip()]

    def _reference(self, ref: str, key: str, references, column, problem):
        pk = references.get(ref, {}).get(key)
        if pk is None:
            if key in self.rejected[ref]:
                problem(column, key, _refers_to_rejected(BY_NAME[ref].file))
            else:
                problem(column, key, _unknown_id(ref))
        return pk

    def _set_id(self, record_type, obj, row_id, references, problem) -> None:
        if record_type.kind == "record":
            obj.external_id = row_id
        elif record_type.name == "state":
            obj.code = row_id
        elif record_type.name in ("instrument", "category"):
            obj.slug = row_id
        elif record_type.name == "provision":
            slug, _, label = row_id.partition(" ")
            if not label:
                problem("id", row_id, gettext("a provision's id is “<instrument slug> <label>”"))
            obj.instrument_id = self._reference("instrument", slug, references, "id", problem)
            obj.label = label

    def _set_values(self, record_type, obj, line, references, problem, number) -> dict[str, list]:
        """Set the row's values on obj; return the many-to-many ids to write after it."""
        many = {}
        fields = self.plans[record_type.name].fields
        for column in record_type.columns:
            if column.name not in line:
                continue  # a missing column leaves the field as it is
            raw = line[column.name]
            if column.kind == "refs":
                keys = self._keys(raw)
                pks = [
                    self._reference(column.ref, k, references, column.name, problem) for k in keys
                ]
                many[column.name] = [pk for pk in pks if pk is not None]
                continue
            if column.kind == "ref":
                key = self._text(raw)
                pk = None
                if key is not None:
                    if column.ref == record_type.name and key not in references.get(column.ref, {}):
                        # A self-reference to a row further down: set once the file is in.
                        self.deferred.append((obj, column.field_name, key, number))
                        continue
                    pk = self._reference(column.ref, key, references, column.name, problem)
                setattr(obj, f"{column.field_name}_id", pk)
                continue
            if isinstance(raw, list):
                problem(
                    column.name, json.dumps(raw), gettext("expected a single value, not a list")
                )
                continue
            try:
                value = from_text(column.kind, None if raw is None else str(raw))
            except ValueProblem as exc:
                problem(column.name, raw, str(exc))
                continue
            model_field = fields[column.name]
            if value is None and not model_field.null:
                value = (
                    ""
                    if isinstance(model_field, models.CharField | models.TextField)
                    else (model_field.get_default())
                )
            setattr(obj, model_field.attname, value)
            if column.name in record_type.edtf:
                lower, upper = record_type.edtf[column.name]
                try:
                    bounds = cached_edtf_bounds(value or "") if value else (None, None)
                except ValidationError as exc:
                    problem(column.name, raw, " ".join(exc.messages))
                    bounds = (None, None)
                setattr(obj, lower, bounds[0])
                setattr(obj, upper, bounds[1])
        return many

    def _validate(self, record_type, obj, problem, *, full: bool = False) -> None:
        try:
            # Uniqueness and check constraints cost a query each per row: the database
            # checks them on write, and a failed batch is then validated row by row.
            obj.full_clean(
                exclude=None if full else self.plans[record_type.name].excluded,
                validate_unique=full,
                validate_constraints=full,
            )
        except ObjectDoesNotExist:
            return  # clean() followed a reference to a row of this batch: checked on write
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = self._column_for(record_type, field_name)
                value = getattr(obj, field_name, "") if column else ""
                for message in messages:
                    problem(column, value, message)

    @staticmethod
    def _validate_links(record_type, obj, row_many, links, problem) -> None:
        """The model's checks of its many-to-many values (clean_m2m): the file's, or for a
        column the file leaves out, the record's current ones."""
        values = {}
        for column in record_type.columns:
            if column.kind == "refs":
                current = links[column.name].get(obj.pk, set()) if obj.pk is not None else set()
                values[column.field_name] = row_many.get(column.name, current)
        try:
            obj.clean_m2m(values)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                for message in messages:
                    problem(field_name, "", message)

    @staticmethod
    def _column_for(record_type, field_name: str) -> str:
        if field_name == "__all__":
            return ""
        for name, bounds in record_type.edtf.items():
            if field_name in bounds:
                return name
        if record_type.kind != "record" and field_name in ("code", "slug", "label", "instrument"):
            return "id"
        return field_name

    def resolve_deferred(self, record_type: RecordType, name: str) -> None:
        """Set the self-references to rows that came later in the file."""
        if not self.deferred:
            return
        found = resolve(record_type.name, {key for _, _, key, _ in self.deferred})
        fixed, fields = [], set()
        for obj, field_name, key, number in self.deferred:
            if obj.pk is None:
                continue  # the row itself was rejected
            pk = found.get(key)
            if pk is None:
                problem = (
                    _refers_to_rejected(record_type.file)
                    if key in self.rejected[record_type.name]
                    else _unknown_id(record_type.name)
                )
                self.report.add(Problem(name, number, field_name, key, problem))
                continue
            setattr(obj, f"{field_name}_id", pk)
            fixed.append(obj)
            fields.add(field_name)
        self.deferred = []
        if fixed:
            try:
                with transaction.atomic():
                    record_type.model.objects.bulk_update(fixed, sorted(fields), batch_size=BATCH)
            except (DatabaseError, psycopg.Error) as exc:
                self.report.add(Problem(name, 0, ", ".join(sorted(fields)), "", f"{exc}"))

    def _explain_write_failure(self, record_type, name, batch, objects, numbers, exc) -> None:
        """The database refused the batch: find the rows, and say why.

        Each row is validated in full (uniqueness and constraints too), then written alone;
        the rows the database still refuses are reported with its message.
        """
        found = False
        for obj in objects:
            problems: list[Problem] = []
            number = numbers.get(id(obj), 0)

            def problem(column, value, message, problems=problems, number=number):
                problems.append(Problem(name, number, column, str(value or ""), message))

            self._validate(record_type, obj, problem, full=True)
            if not problems:
                adding = obj._state.adding
                if adding:
                    reserve_pks(record_type.model, [obj])
                try:
                    with transaction.atomic():
                        self.write(
                            record_type, [obj] if adding else [], [] if adding else [obj], []
                        )
                    obj._state.adding = False
                    continue
                except (DatabaseError, psycopg.Error) as row_exc:
                    if adding and model_has_serial_pk(record_type.model):
                        obj.pk = None
                    problem("", "", _database_message(row_exc))
            found = True
            for p in problems:
                self.report.add(p)
            self.report.rejected[record_type.file] += 1
            if obj.pk is None and getattr(obj, "external_id", None):
                self.rejected[record_type.name].add(obj.external_id)
        if not found:
            self.report.add(
                Problem(
                    name,
                    batch[0][0],
                    "",
                    "",
                    gettext("the database refused: %(error)s") % {"error": _database_message(exc)},
                )
            )

    # --- Writing -------------------------------------------------------------------------------

    def _stamp(self, obj, adding: bool) -> None:
        """Who and when: the import's user and time (its history rows say the same)."""
        if hasattr(obj, "updated_at"):
            obj.updated_at = self.now
            obj.updated_by_id = self.user_id
            if adding:
                obj.created_at = self.now
                obj.created_by_id = self.user_id

    def write(self, record_type: RecordType, to_create: Iterable, to_update, many) -> None:
        """Write a batch: new rows (their ids reserved) with COPY, changed ones with UPDATE."""
        model = record_type.model
        to_create = copy_rows(model, to_create)
        if to_update:
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if not f.primary_key
                and not f.generated
                and f.name not in ("created_at", "created_by", "search_names", "changed_at")
            ]
            update_with_history(model, to_update, fields, **self.version)
        self._write_many(record_type, many, replace={id(o) for o in to_update})
        # COPY sends no signals: the library records the versions a save would have, and the
        # links of each once written. (Rows replaced by _clear_children() are deleted with
        # signals: those it records.)
        versions = record_created(model, to_create, **self.version)
        record_links(model, versions, to_update, self.now)
        # What the search names read: the incident's place, involvements, qualifications.
        if model is Incident:
            self.refresh_candidates += len(to_update)
            if to_create:
                first = min(o.pk for o in to_create)
                self.first_new_incident = min(first, self.first_new_incident or first)
        elif record_type.name == "actor_name":
            self.refresh_candidates += len(to_create)
        elif record_type.name == "action":
            self.refresh_candidates += len(to_create) + len(to_update)
        elif record_type.name in ("involvement", "legal_qualification"):
            floor = self.first_new_incident
            self.refresh_candidates += len(to_update) + sum(
                1 for o in to_create if floor is None or o.incident_id < floor
            )

    def _clear_children(self, record_type: RecordType, batch, references, first_id) -> None:
        """Replace the parents' rows of this type: delete the ones they had before, ahead of
        the batch's COPY (so its rows can be validated while they are sent).

        This import's rows have ids from the first one it reserved on (sequences only
        grow), so older rows are told apart without keeping a list of parents done.
        """
        floor = self.child_floor.setdefault(record_type.name, first_id)
        parent = record_type.column(record_type.parent)
        keys = {self._text(line.get(parent.name)) for _, line in batch}
        parents = {references.get(parent.ref, {}).get(key) for key in keys} - {None}
        parent_field = parent.field_name
        record_type.model.objects.filter(
            **{f"{parent_field}__in": parents, "pk__lt": floor}
        ).delete()

    def _write_many(self, record_type, many, replace: set[int]) -> None:
        for column in record_type.columns:
            if column.kind != "refs":
                continue
            m2m = record_type.model._meta.get_field(column.field_name)
            through = m2m.remote_field.through
            source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            present = [(obj, ids[column.name]) for obj, ids in many if column.name in ids]
            stale = [obj.pk for obj, _ in present if id(obj) in replace]
            if stale:
                old_links = through.objects.filter(**{f"{source}__in": stale})
                if m2m.related_model is Incident:
                    # An incident embeds the actions naming it: one taken off changes too.
                    Incident.objects.filter(pk__in=old_links.values(target)).update(
                        updated_at=self.now
                    )
                old_links.delete()
            columns = [through._meta.get_field(f).column for f in (source, target)]
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(through._meta.db_table)
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for obj, pks in present:
                        for pk in dict.fromkeys(pks):
                            copy.write_row((obj.pk, pk))

    def refresh_search_names(self) -> None:
        """Refresh the search names of the incidents this import changed but did not create
        (those got theirs when written): the ones it updated or took an involvement or
        qualification from, the ones whose involvements or qualifications it wrote, and the
        ones naming an actor whose other names it replaced; and every incident an action it
        wrote names (new incidents too: the actions come after them in the file). Found by
        the import's own timestamps, so no list of ids is kept in memory. (Renamed states,
        instruments, provisions, categories and actors: refresh_names_of(), batch by
        batch.)"""
        if self.report.problems or not self.refresh_candidates:
            return
        if self.refresh_candidates > 1000:
            # Fresh statistics: the planner would otherwise still see the tables as they
            # were before this import and pick nested loops (100 times slower).
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE cases_incident, cases_involvement, cases_actor, cases_actorname, "
                    "cases_legalqualification, cases_provision, cases_instrument, "
                    "cases_accountabilityaction, cases_accountabilityaction_incidents"
                )
        written = Q(updated_at=self.now)
        updated = written & ~Q(created_at=self.now)
        changed = Q(pk__in=Incident.objects.filter(updated).values("pk"))
        for model in (Involvement, LegalQualification):
            changed |= Q(pk__in=model.objects.filter(updated).values("incident_id"))
            changed |= Q(
                pk__in=model.objects.filter(written)
                .exclude(incident__created_at=self.now)
                .values("incident_id")
            )
        if "actor_name" in self.child_floor:
            # Actors' other names were replaced: the new rows have this import's ids.
            renamed = ActorName.objects.filter(pk__gte=self.child_floor["actor_name"])
            changed |= Q(
                pk__in=Involvement.objects.filter(actor__in=renamed.values("actor_id"))
                .exclude(incident__created_at=self.now)
                .values("incident_id")
            )
        actions = AccountabilityAction.objects.filter(written)
        changed |= Q(
            pk__in=AccountabilityAction.incidents.through.objects.filter(
                accountabilityaction__in=actions
            ).values("incident_id")
        )
        services.refresh_search_names(incidents=Incident.objects.filter(changed))

    def update_action_lifecycles(self) -> None:
        """Bring the status, seal status and dates of the actions this import wrote, or whose
        events or subjects it wrote, up to date with their events (the one service that
        does it). Found by the import's own timestamps and child ids, like the search names.
        Events out of order (possible among the rows of one batch, which do not see each
        other's dates while they are validated) are reported."""
        if self.report.problems:
            return
        written = Q(updated_at=self.now)
        touched = Q(pk__in=AccountabilityAction.objects.filter(written).values("pk")) | Q(
            pk__in=ActionEvent.objects.filter(written).values("action_id")
        )
        if "action_subject" in self.child_floor:
            replaced = ActionSubject.objects.filter(pk__gte=self.child_floor["action_subject"])
            touched |= Q(pk__in=replaced.values("action_id"))
        try:
            services.update_action_lifecycles(
                actions=AccountabilityAction.objects.filter(touched), user=self.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                self.report.add(
                    Problem(BY_NAME["action_event"].file, 0, "occurred_on", "", message)
                )

    @staticmethod
    def refresh_names_of(type_name: str, pks: list) -> None:
        """Refresh the search names of the incidents naming states, instruments, provisions,
        categories or actors whose name or visibility this batch changed: now, while those
        few are known. (Most re-imported rows change nothing: refreshing every incident of
        every state or actor a file lists could take hours.)"""
        services.refresh_search_names(**{NAMING_KEYWORDS[type_name]: pks})


def copy_rows(model: type[models.Model], objects: Iterable[models.Model]) -> list:
    """INSERT with COPY: much faster than bulk_create, and skips Field.pre_save() (EDTF
    bounds are set by the importer, from a cache). New rows of a table with a serial key
    need their ids first (reserve_pks()): no query can run while the COPY is open, and
    `objects` may be a generator that validates them. Returns the rows written."""
    meta = model._meta
    # changed_at is the database's (its default and triggers write it): a new object holds
    # a DatabaseDefault there, which COPY cannot send.
    fields = [f for f in meta.concrete_fields if not f.generated and f.name != "changed_at"]
    files = {f.attname for f in fields if isinstance(f, models.FileField)}
    values = operator.attrgetter(*(f.attname for f in fields))
    written = []
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                if files:  # a stored file travels as its name
                    copy.write_row([_db_value(obj, f) for f in fields])
                else:
                    copy.write_row(values(obj))
                written.append(obj)
    return written


def _label(model_field) -> str:
    label = str(model_field.verbose_name)
    return label[:1].upper() + label[1:]


def model_has_serial_pk(model: type[models.Model]) -> bool:
    return model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")


def _refers_to_rejected(file: str) -> str:
    return gettext("refers to a row of %(file)s that was rejected") % {"file": file}


def _unknown_id(record_type: str) -> str:
    return gettext("unknown %(record_type)s id") % {"record_type": record_type}


def _database_message(exc: Exception) -> str:
    """The database's first line ("violates check constraint ..."), without the row dump."""
    cause = exc.__cause__ if isinstance(exc.__cause__, psycopg.Error) else exc
    diag = getattr(cause, "diag", None)
    return diag.message_primary if diag and diag.message_primary else str(exc).splitlines()[0]


def reserve_ids(model: type[models.Model], count: int) -> list:
    """Take `count` ids from the sequence of a table with a serial key (else Nones)."""
    if not model_has_serial_pk(model):
        return [None] * count
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        # The sequence's name once, not once a row (a catalog look-up: 5 times slower).
        cursor.execute(
            "WITH q AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS s) "
            "SELECT nextval(s) FROM q, generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def reserve_pks(model: type[models.Model], objects: list[models.Model]) -> None:
    """Give new rows of a table with a serial key their ids, from its sequence."""
    waiting = [obj for obj in objects if obj.pk is None]
    for obj, pk in zip(waiting, reserve_ids(model, len(waiting)), strict=True):
        if pk is not None:
            obj.pk = pk


def _db_value(obj, model_field):
    value = getattr(obj, model_field.attname)
    if isinstance(model_field, models.FileField):
        return value.name or ""
    return value


def import_path(
    path: str | Path,
    *,
    dry_run: bool = False,
    create_vocabulary: bool = False,
    user=None,
    progress: Callable[[int], None] | None = None,
    reason: str = "",
    changed_since: datetime.datetime | None = None,
    listing: bool = False,
) -> Report:
    """Validate and import a package; all or nothing. Returns the report (see .ok)."""
    importer = Importer(
        create_vocabulary=create_vocabulary,
        user=user,
        progress=progress,
        reason=reason,
        changed_since=changed_since,
        listing=listing,
    )
    return importer.run(path, dry_run=dry_run)


__all__ = ["ImportFailed", "Importer", "Problem", "Report", "import_path"]
