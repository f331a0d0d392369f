"""Export every record type staff can see to the exchange format (CSV in a zip, or NDJSON).

The output depends only on the data: rows are ordered by their ids (bytewise), values have
one text form, and zip entries carry a fixed timestamp, so exporting the same data twice
gives the same bytes.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.db import connection, transaction
from django.db.models.functions import Collate

from .format import MULTI_SEPARATOR, RECORD_TYPES, RecordType, join_key, key_paths, to_text

CHUNK = 2000
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def assign_missing_ids() -> None:
    """Give every record without an external id a stable one, "<type>:<random UUID>", and
    keep it.

    Stored, so that the record travels under the same id in every later export and an
    import back into this database updates it. Random, not the primary key: incident 12 of
    one database and incident 12 of another are different records, and a database that
    receives exports from both must not take one for an update of the other.
    """
    with connection.cursor() as cursor:
        for record_type in RECORD_TYPES:
            if record_type.kind != "record":
                continue
            # Only where one is missing: a write, even of no row, moves the publication
            # generation at commit (cases/cache.py), which a snapshot's transaction must
            # not do once others have written.
            if not record_type.model._default_manager.filter(external_id__isnull=True).exists():
                continue
            table = connection.ops.quote_name(record_type.model._meta.db_table)
            cursor.execute(
                f"UPDATE {table} SET external_id = %s || gen_random_uuid() "
                "WHERE external_id IS NULL",
                [f"{record_type.name}:"],
            )


def _ordering(record_type: RecordType) -> list:
    if record_type.kind == "child":
        parent = record_type.column(record_type.parent)
        paths = key_paths(parent.ref, parent.field_name)
        for name in record_type.sort:
            column = record_type.column(name)
            if column.kind == "ref":
                paths += key_paths(column.ref, column.field_name)
            else:
                paths.append(column.field_name)
        paths.append("pk")
    else:
        paths = key_paths(record_type.name, "")
    return [Collate(p, "C") if _is_text(record_type, p) else p for p in paths]


def _is_text(record_type: RecordType, path: str) -> bool:
    model = record_type.model
    *relations, last = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    if last == "pk":
        return False
    field = model._meta.get_field(last)
    return field.get_internal_type() in ("CharField", "TextField", "SlugField", "URLField")


def iter_rows(record_type: RecordType) -> Iterator[dict]:
    """The rows of one record type, as {column: text, list of texts, or None}."""
    plan: list[tuple[str, str, list[str]]] = []  # (column, kind, paths)
    paths: list[str] = ["pk"]
    if record_type.id_column:
        plan.append(("id", "key", key_paths(record_type.name, "")))
    for column in record_type.columns:
        if column.kind == "refs":
            plan.append((column.name, "refs", []))
        elif column.kind == "ref":
            plan.append((column.name, "key", key_paths(column.ref, column.field_name)))
        else:
            plan.append((column.name, column.kind, [column.field_name]))
    for _, _, column_paths in plan:
        paths.extend(column_paths)
    queryset = record_type.model.objects.order_by(*_ordering(record_type)).values_list(*paths)
    rows = queryset.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        many = {
            c.name: _many(record_type, c.name, [row[0] for row in chunk])
            for c in record_type.columns
            if c.kind == "refs"
        }
        for row in chunk:
            values = iter(row[1:])
            out = {}
            for name, kind, column_paths in plan:
                if kind == "refs":
                    out[name] = many[name].get(row[0], [])
                elif kind == "key":
                    out[name] = join_key([next(values) for _ in column_paths])
                else:
                    out[name] = to_text(kind, next(values))
            yield out


def _many(record_type: RecordType, name: str, pks: list) -> dict[object, list[str]]:
    """Ids of the records a many-to-many column points to, per row, sorted."""
    field = record_type.model._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    column = record_type.column(name)
    target_paths = key_paths(column.ref, target)
    found: dict[object, list[str]] = {}
    for source_pk, *key in through.objects.filter(**{f"{source}__in": pks}).values_list(
        source, *target_paths
    ):
        found.setdefault(source_pk, []).append(join_key(key))
    return {pk: sorted(keys) for pk, keys in found.items()}


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(value)
    return value


def export(path: str | Path) -> dict[str, int]:
    """Write the export to `path` (.zip: CSV files; .ndjson or .jsonl: JSON lines).

    Returns the number of rows per file.
    """
    path = Path(path)
    outermost = not connection.in_atomic_block
    if outermost:
        # Committed before the snapshot: so that the snapshot's transaction writes nothing
        # (a write would move the publication generation at its commit, and fail there
        # if anyone else had written meanwhile: REPEATABLE READ).
        with transaction.atomic():
            assign_missing_ids()
    with transaction.atomic():
        if outermost:
            # Every file from one snapshot: a row written while the export runs cannot
            # leave one file referring to a row another file lacks. (Inside a caller's
            # transaction, a test's, that transaction's view is used as it is.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        assign_missing_ids()  # a record added since: rarely any
        return _write(path)


def _write(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for record_type in RECORD_TYPES:
                info = zipfile.ZipInfo(f"{record_type.file}.csv", date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                with (
                    archive.open(info, "w") as raw,
                    io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
                ):
                    writer = csv.writer(text, lineterminator="\n")
                    writer.writerow(record_type.headers)
                    count = 0
                    for row in iter_rows(record_type):
                        writer.writerow([_csv_cell(row[h]) for h in record_type.headers])
                        count += 1
                counts[record_type.file] = count
    elif path.suffix in (".ndjson", ".jsonl"):
        with path.open("w", encoding="utf-8", newline="\n") as out:
            for record_type in RECORD_TYPES:
                count = 0
                for row in iter_rows(record_type):
                    line = {"type": record_type.name, **row}
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
                    count += 1
                counts[record_type.file] = count
    else:
        raise ValueError(f"{path}: the name must end in .zip (CSV files) or .ndjson / .jsonl.")
    return counts
