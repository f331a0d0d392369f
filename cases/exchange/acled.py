"""Import ACLED-style event CSV into incidents, places, actors, sources and citations.

ACLED columns read: event_id_cnty, event_date, time_precision, iso or country, admin1,
admin2, location, latitude, longitude, geo_precision, event_type, sub_event_type, actor1,
actor2, notes, source, fatalities. Others are ignored.

The file is translated into the exchange format (temporary CSV files, streamed) and
imported by the same importer, so the same validation and all-or-nothing rules hold; the
report points at the ACLED file's rows and columns. Incidents are drafts, with the external
id "acled:<event_id_cnty>": a re-import updates them. Actors are matched by name (their own
or another name, ignoring case) and created only when no actor has that name.
"""

import csv
import datetime
import decimal
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from cases.models import (
    Actor,
    ActorKind,
    ActorName,
    AttributionConfidence,
    CoordinatePrecision,
    InvolvementRole,
    PublicationStatus,
    SourceKind,
    State,
    VictimCount,
)

from .export import assign_missing_ids
from .importer import ORIGIN_ROW, Problem, Report, bounded_text, import_path
from .iso_numeric import NUMERIC_TO_ALPHA2

REQUIRED = ("event_id_cnty", "event_date")
GEO_PRECISION = {
    "1": CoordinatePrecision.SETTLEMENT,
    "2": CoordinatePrecision.DISTRICT,
    "3": CoordinatePrecision.REGION,
}
# Where a problem in a derived column comes from in the ACLED file.
ACLED_COLUMNS = {
    "incidents": {
        "id": "event_id_cnty",
        "date": "event_date",
        "country": "iso",
        "title": "sub_event_type",
        "summary": "notes",
        "place_name": "location",
        "coordinate_precision": "geo_precision",
    },
    "involvements": {"actor": "actor1/actor2", "id": "event_id_cnty"},
    "actors": {"name": "actor1/actor2", "id": "actor1/actor2"},
    "sources": {"title": "source", "publisher": "source", "id": "source"},
    "victim_counts": {"minimum": "fatalities", "maximum": "fatalities"},
    "citations": {"quote": "notes", "id": "event_id_cnty"},
}
FILES = {
    "actors": ["id", "name", "kind", "publication_status"],
    "sources": ["id", "kind", "title", "publisher", "publication_status"],
    "incidents": [
        "id",
        "title",
        "summary",
        "description",
        "date",
        "country",
        "place_name",
        "latitude",
        "longitude",
        "coordinate_precision",
        "publication_status",
    ],
    "victim_counts": ["incident", "kind", "minimum", "maximum"],
    "involvements": ["id", "incident", "actor", "role", "confidence"],
    "citations": ["id", "source", "incident", "quote"],
}


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    with bounded_text(path.open("rb"), "utf-8-sig") as text:
        for number, row in enumerate(csv.DictReader(text), start=2):
            yield number, {k: (v or "").strip() for k, v in row.items() if k}


def _short_id(prefix: str, text: str) -> str:
    digest = hashlib.sha1(text.encode()).hexdigest()[:10]
    return f"{prefix}:{slugify(text, allow_unicode=True)[:60]}-{digest}"


def edtf_date(date_text: str, precision: str) -> str:
    """ACLED's date (2022-02-24 or 24 February 2022) and time_precision as EDTF.

    1: that day; 2: about that day (within a week); 3: that month. Unreadable text is
    passed on as it is, for the importer to report.
    """
    day = None
    for form in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        text = date_text[:10] if form == "%Y-%m-%d" else date_text
        try:
            day = datetime.datetime.strptime(text, form).date()  # noqa: DTZ007 (a calendar day)
            break
        except ValueError:
            continue
    if day is None:
        return date_text
    if precision == "3":
        return f"{day:%Y-%m}"
    if precision == "2":
        return f"{day:%Y-%m-%d}~"
    return f"{day:%Y-%m-%d}"


def _coordinate(text: str) -> str:
    try:
        return str(decimal.Decimal(text).quantize(decimal.Decimal("0.00001")))
    except decimal.InvalidOperation:
        return text


def _actor_kind(name: str) -> str:
    if name.startswith(("Military Forces", "Police Forces")):
        return ActorKind.ARMED_UNIT
    if name.startswith("Government of"):
        return ActorKind.STATE_ORGAN
    return ActorKind.OTHER


class AcledTranslation:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def match_actors(self, names: dict[str, int]) -> dict[str, str]:
        """Exchange ids of existing actors by name (own or other, ignoring case)."""
        lowered = {name.lower(): name for name in names}
        found: dict[str, int] = {}
        keys = list(lowered)
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            for lname, pk in (
                Actor.objects.annotate(lname=Lower("name"))
                .filter(lname__in=chunk)
                .order_by("-pk")
                .values_list("lname", "pk")
            ):
                found[lname] = pk
            for lname, pk in (
                ActorName.objects.annotate(lname=Lower("name"))
                .filter(lname__in=chunk)
                .order_by("-actor_id")
                .values_list("lname", "actor_id")
            ):
                found.setdefault(lname, pk)
        ids = dict(Actor.objects.filter(pk__in=found.values()).values_list("pk", "external_id"))
        return {lowered[lname]: ids[pk] for lname, pk in found.items()}

    def write(self, directory: Path) -> None:
        actor_rows: dict[str, int] = {}
        source_rows: dict[str, int] = {}
        for number, row in _rows(self.path):
            for column in ("actor1", "actor2"):
                if row.get(column):
                    actor_rows.setdefault(row[column], number)
            if row.get("source"):
                source_rows.setdefault(row["source"], number)
        # Existing actors travel under their exchange id; give those without one theirs.
        assign_missing_ids()
        existing = self.match_actors(actor_rows)
        actor_ids = {
            name: existing.get(name) or _short_id("acled-actor", name) for name in actor_rows
        }
        states = dict(State.objects.annotate(lname=Lower("name")).values_list("lname", "code"))

        files = {
            name: (directory / f"{name}.csv").open("w", newline="", encoding="utf-8")
            for name in FILES
        }
        try:
            writers = {
                name: csv.DictWriter(files[name], [*columns, ORIGIN_ROW])
                for name, columns in FILES.items()
            }
            for writer in writers.values():
                writer.writeheader()
            for name, number in actor_rows.items():
                if name not in existing:
                    writers["actors"].writerow(
                        {
                            "id": actor_ids[name],
                            "name": name,
                            "kind": _actor_kind(name),
                            "publication_status": PublicationStatus.DRAFT,
                            ORIGIN_ROW: number,
                        }
                    )
            for text, number in source_rows.items():
                writers["sources"].writerow(
                    {
                        "id": _short_id("acled-source", text),
                        "kind": SourceKind.MEDIA,
                        "title": text[:500],
                        "publisher": text[:300],
                        "publication_status": PublicationStatus.DRAFT,
                        ORIGIN_ROW: number,
                    }
                )
            for number, row in _rows(self.path):
                self.write_event(number, row, writers, actor_ids, states)
        finally:
            for handle in files.values():
                handle.close()

    def write_event(self, number, row, writers, actor_ids, states) -> None:
        missing = [c for c in REQUIRED if not row.get(c)]
        for column in missing:
            self.problems.append(Problem(self.path.name, number, column, "", "required"))
        if missing:
            return
        incident = f"acled:{row['event_id_cnty']}"
        country = ""
        if row.get("iso"):
            try:
                country = NUMERIC_TO_ALPHA2.get(int(row["iso"]), row["iso"])
            except ValueError:
                country = row["iso"]
        elif row.get("country"):
            country = states.get(row["country"].lower(), row["country"])
        kind = row.get("sub_event_type") or row.get("event_type") or "Event"
        place = ", ".join(
            dict.fromkeys(p for p in (row.get(c) for c in ("location", "admin2", "admin1")) if p)
        )
        latitude, longitude = row.get("latitude", ""), row.get("longitude", "")
        precision = GEO_PRECISION.get(row.get("geo_precision", ""), "")
        if latitude and not precision:
            precision = CoordinatePrecision.SETTLEMENT
        writers["incidents"].writerow(
            {
                "id": incident,
                "title": f"{kind} in {place or row.get('country') or 'an unknown place'}"[:300],
                "summary": row.get("notes", ""),
                "description": f"ACLED event {row['event_id_cnty']}: {row.get('event_type', '')}"
                f" / {row.get('sub_event_type', '')}.",
                "date": edtf_date(row["event_date"], row.get("time_precision", "")),
                "country": country,
                "place_name": place[:300],
                "latitude": _coordinate(latitude) if latitude else "",
                "longitude": _coordinate(longitude) if longitude else "",
                "coordinate_precision": precision if latitude else "",
                "publication_status": PublicationStatus.DRAFT,
                ORIGIN_ROW: number,
            }
        )
        fatalities = row.get("fatalities", "")
        if fatalities not in ("", "0"):
            writers["victim_counts"].writerow(
                {
                    "incident": incident,
                    "kind": VictimCount.Kind.KILLED,
                    "minimum": fatalities,
                    "maximum": fatalities,
                    ORIGIN_ROW: number,
                }
            )
        for column, role in (
            ("actor1", InvolvementRole.DIRECT_PERPETRATOR),
            ("actor2", InvolvementRole.OTHER),
        ):
            name = row.get(column)
            if not name:
                continue
            if column == "actor2" and name.startswith("Civilians"):
                role = InvolvementRole.VICTIM_GROUP
            writers["involvements"].writerow(
                {
                    "id": f"{incident}:{column}",
                    "incident": incident,
                    "actor": actor_ids[name],
                    "role": role,
                    "confidence": AttributionConfidence.LOW,
                    ORIGIN_ROW: number,
                }
            )
        if row.get("source"):
            writers["citations"].writerow(
                {
                    "id": f"{incident}:source",
                    "source": _short_id("acled-source", row["source"]),
                    "incident": incident,
                    ORIGIN_ROW: number,
                }
            )


def import_acled(
    path: str | Path,
    *,
    dry_run: bool = False,
    user=None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Import an ACLED CSV file; all or nothing, like import_path()."""
    path = Path(path)
    columns = ACLED_COLUMNS

    def translate(problem: Problem) -> Problem:
        stem = problem.file.removesuffix(".csv")
        column = columns.get(stem, {}).get(problem.column, problem.column)
        return Problem(path.name, problem.row, column, problem.value, problem.problem)

    with transaction.atomic(), tempfile.TemporaryDirectory() as directory:
        translation = AcledTranslation(path)
        translation.write(Path(directory))
        report = import_path(directory, dry_run=dry_run, user=user, progress=progress)
        report.problems = [translate(p) for p in translation.problems + report.problems]
        if not report.committed:
            transaction.set_rollback(True)  # also the ids given to matched actors
    return report
