"""CSV files for the public: one writer, and one incident row for the search page's
export and the API's (`/search/export.csv`, `/api/v1/incidents/export/csv/`).

A file starts with a UTF-8 byte-order mark, so that Excel reads names in Cyrillic or
Arabic as such. A nested record is given by its identifier and a list is joined with `|`.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from django.urls import reverse

from cases.models import Incident
from cases.models.incidents import IncidentQuerySet
from cases.models.translations import RECORD_LANGUAGES

BYTE_ORDER_MARK = "\ufeff"
LIST_SEPARATOR = "|"

# The incident CSV's columns, in order (docs/api.md, "Bulk export").
INCIDENT_COLUMNS = [
    "id",
    "url",
    "html_url",
    "title",
    "summary",
    "date",
    "date_earliest",
    "date_latest",
    "country",
    "country_name",
    "subdivision",
    "place_name",
    "latitude",
    "longitude",
    "coordinate_precision",
    "controlling_power",
    "conflict_type",
    "verification_status",
    "categories",
    "actors",
    "provisions",
    "sources",
    "parent",
    "updated_at",
    # Translations, after the columns files had before them (docs/i18n.md, "The incidents'
    # CSV"): `title` and `summary` stay the original, in `original_language`; each
    # translation as stored, empty in the original's own language.
    "original_language",
    *(f"{text}_{code}" for text in ("title", "summary") for code in RECORD_LANGUAGES),
    *(f"translated_by_{code}" for code in RECORD_LANGUAGES),
]
TRANSLATION_COLUMNS = INCIDENT_COLUMNS[INCIDENT_COLUMNS.index("original_language") :]
EXPORT_CHUNK_SIZE = 1000


def _csv_value(value) -> str:
    """Nested records become their identifier; lists are joined with |."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return _csv_value(next(iter(value.values()), None))
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_csv_value(v) for v in value)
    return str(value)


def csv_lines(rows: Iterable[dict], columns: list[str]) -> Iterator[str]:
    """The byte-order mark and header, then one line per row, as they come."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row.get(c)) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def incident_rows(incidents: IncidentQuerySet, base_url: str) -> Iterator[dict]:
    """One row per incident of `incidents` (from Incident.objects.public(), in the order
    wanted), read in chunks with IncidentQuerySet.with_export_related(): public related
    rows only. `base_url` is the site's, without the final slash."""
    for incident in incidents.with_export_related().iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield incident_row(incident, base_url)


def incident_row(incident: Incident, base_url: str) -> dict:
    involvements = incident.public_involvements
    qualifications = incident.public_qualifications
    citations = [
        *incident.public_citations,
        *(c for i in involvements for c in i.public_citations),
        *(c for q in qualifications for c in q.public_citations),
    ]
    sources = {c.source_id: c.source for c in citations}.values()
    provisions = {q.provision_id: q.provision for q in qualifications}.values()
    parent = incident.parent
    return {
        "id": incident.pk,
        "url": base_url + reverse("api:incident-detail", args=[incident.pk]),
        "html_url": base_url + incident.get_absolute_url(),
        "title": incident.title,
        "summary": incident.summary,
        "date": incident.date,
        "date_earliest": incident.date_earliest,
        "date_latest": incident.date_latest,
        "country": incident.country_id,
        "country_name": incident.country.name if incident.country else "",
        "subdivision": incident.subdivision,
        "place_name": incident.place_name,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "coordinate_precision": incident.coordinate_precision,
        "controlling_power": incident.controlling_power_id,
        "conflict_type": incident.conflict_type,
        "verification_status": incident.verification_status,
        "categories": [c.slug for c in incident.categories.all()],
        "actors": [f"{i.actor.name} ({i.role})" for i in involvements],
        "provisions": [f"{p.instrument.short_title} {p.label}" for p in provisions],
        "sources": [f"{s.title} ({s.url})" if s.url else s.title for s in sources],
        "parent": parent.pk if parent is not None and parent.is_public else None,
        "updated_at": incident.updated_at.isoformat(),
        **{column: getattr(incident, column) for column in TRANSLATION_COLUMNS},
    }
