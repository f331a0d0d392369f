"""Benchmark of import_cases against PostgreSQL COPY of the same rows. Not a test.

Run it against a database of its own (it empties the cases tables first):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_import_bench \\
        .venv/bin/python benchmarks/import_benchmark.py [--incidents 100000]

It writes an exchange package (a zip of CSV files) of N incidents, each with a category,
a victim count, two involvements, two legal qualifications and two citations, plus the
actors and sources they refer to, and then measures
  - import: cases.exchange.importer.import_path(), validation included, committed;
  - copy:   COPY of the very rows the import wrote (read back from the database) into
            tables created LIKE the real ones INCLUDING ALL: the same columns, generated
            search vector, check constraints and indexes (GIN included), no foreign keys;
  - copy with foreign keys: the same, into tables that also have the real tables'
            foreign keys (deferred, checked at commit, as for the import);
  - copy with foreign keys and history: the same, and the history versions the import
            wrote (issue 5: one per row) into tables LIKE the history tables: everything
            an import must write, without validation or look-ups;
and prints rows per second for both, their ratio, and the import's peak memory
(ru_maxrss growth, and tracemalloc's peak of Python allocations with --tracemalloc).
When PostgreSQL runs on this host it also prints the CPU seconds each used, of this
process and of its PostgreSQL backend: on a busy machine these vary less than the times.
"""

import argparse
import csv
import io
import os
import random
import resource
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402

# DEBUG keeps every query with its parameters (up to 9,000; the import's look-ups carry
# thousands of ids each): tens of MB and CPU that a production import does not spend.
settings.DEBUG = False

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from cases import models as m  # noqa: E402
from cases.exchange.importer import import_path  # noqa: E402

WORDS = [
    "attack",
    "civilians",
    "village",
    "hospital",
    "school",
    "shelling",
    "strike",
    "convoy",
    "detention",
    "camp",
    "deportation",
    "transfer",
    "children",
    "occupied",
    "territory",
    "forces",
    "artillery",
    "missile",
    "drone",
    "bridge",
    "market",
    "shelter",
    "evacuation",
    "corridor",
    "witnesses",
    "survivors",
    "checkpoint",
    "filtration",
    "interrogation",
    "torture",
    "looting",
    "destruction",
    "siege",
    "blockade",
    "starvation",
    "report",
    "analysis",
    "satellite",
    "imagery",
    "geolocation",
    "testimony",
    "commission",
    "tribunal",
    "warrant",
    "indictment",
]
TABLES = [  # (record type, tables it writes)
    ("actor", ["cases_actor"]),
    ("source", ["cases_source"]),
    ("incident", ["cases_incident", "cases_incident_categories"]),
    ("victim_count", ["cases_victimcount"]),
    ("involvement", ["cases_involvement"]),
    ("legal_qualification", ["cases_legalqualification"]),
    ("citation", ["cases_citation"]),
]


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write_package(path: Path, incidents: int, seed: int = 1) -> int:
    """The exchange package; returns its number of data rows (category links included)."""
    rng = random.Random(seed)
    actors, sources = max(incidents // 20, 10), max(incidents // 50, 10)
    provisions = [f"bench-treaty art. {n}" for n in range(1, 21)]
    rows = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:

        def csv_file(name, header, produce):
            nonlocal rows
            with (
                archive.open(f"{name}.csv", "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as out,
            ):
                writer = csv.writer(out)
                writer.writerow(header)
                for row in produce():
                    writer.writerow(row)
                    rows += 1

        csv_file(
            "actors",
            ["id", "name", "kind", "publication_status"],
            lambda: (
                (f"bench-actor:{n}", f"Unit {n} {rng.choice(WORDS)}", "armed_unit", "published")
                for n in range(actors)
            ),
        )
        csv_file(
            "sources",
            ["id", "kind", "title", "url", "publication_status"],
            lambda: (
                (
                    f"bench-source:{n}",
                    "media",
                    text(rng, 8),
                    f"https://example.org/{n}",
                    "published",
                )
                for n in range(sources)
            ),
        )

        def incident_rows():
            for n in range(incidents):
                day = f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                yield (
                    f"bench:{n}",
                    text(rng, 10),
                    text(rng, 40),
                    text(rng, 120),
                    rng.choice([day, day[:7], f"{day}/..", f"{day[:7]}~"]),
                    "UA",
                    f"Town {rng.randint(1, 500)}",
                    "bench-category",
                    "published",
                )

        csv_file(
            "incidents",
            [
                "id",
                "title",
                "summary",
                "description",
                "date",
                "country",
                "place_name",
                "categories",
                "publication_status",
            ],
            incident_rows,
        )
        rows += incidents  # the category links
        csv_file(
            "victim_counts",
            ["incident", "kind", "minimum", "maximum"],
            lambda: ((f"bench:{n}", "killed", rng.randint(1, 9), "") for n in range(incidents)),
        )
        csv_file(
            "involvements",
            ["id", "incident", "actor", "role", "confidence"],
            lambda: (
                (
                    f"bench-inv:{n}:{k}",
                    f"bench:{n}",
                    f"bench-actor:{(n + k * 7) % actors}",
                    "direct_perpetrator",
                    "medium",
                )
                for n in range(incidents)
                for k in range(2)
            ),
        )
        csv_file(
            "legal_qualifications",
            ["id", "incident", "provision", "standing"],
            lambda: (
                (f"bench-lq:{n}:{k}", f"bench:{n}", provisions[(n + k) % 20], "alleged")
                for n in range(incidents)
                for k in range(2)
            ),
        )
        csv_file(
            "citations",
            ["id", "source", "incident", "pinpoint", "quote"],
            lambda: (
                (
                    f"bench-cit:{n}:{k}",
                    f"bench-source:{(n + k) % sources}",
                    f"bench:{n}",
                    f"para. {k + 1}",
                    text(rng, 12),
                )
                for n in range(incidents)
                for k in range(2)
            ),
        )
    return rows


def empty_tables() -> None:
    tables = [
        model._meta.db_table
        for model in apps.get_app_config("cases").get_models(include_auto_created=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("DROP SCHEMA IF EXISTS bench CASCADE")


def vocabulary() -> None:
    m.State.objects.create(code="UA", name="Ukraine")
    instrument = m.Instrument.objects.create(
        slug="bench-treaty", title="Bench treaty", short_title="BT", kind="treaty",
        publication_status="published",
    )  # fmt: skip
    m.Provision.objects.bulk_create(
        m.Provision(instrument=instrument, label=f"art. {n}", position=n) for n in range(1, 21)
    )
    m.ViolationCategory.objects.create(slug="bench-category", name="Bench category")


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, if it runs here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    if not stat.exists():
        return None
    fields = stat.read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_note(python: float, backend_before: float | None) -> str:
    if backend_before is None:
        return f"CPU: this process {python:.1f} s"
    return f"CPU: this process {python:.1f} s, PostgreSQL {backend_cpu() - backend_before:.1f} s"


def history_tables() -> list[str]:
    """The history tables the import wrote to."""
    tables = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("cases").get_models(include_auto_created=True):
            table = model._meta.db_table
            if table.startswith("cases_historical"):
                cursor.execute(f"SELECT EXISTS (SELECT FROM {table})")
                if cursor.fetchone()[0]:
                    tables.append(table)
    return tables


def copy_baseline(foreign_keys: bool, history: bool = False) -> tuple[int, float, str]:
    """COPY the imported rows into tables LIKE the real ones; (rows, seconds of COPY FROM,
    CPU used). With `foreign_keys`, the tables also get the real ones' foreign keys (checked
    at commit, as the import's are); with `history`, the import's history rows are copied
    too, into tables LIKE the history tables (rows counts only the records' rows)."""
    written = [table for _, tables in TABLES for table in tables]
    if history:
        written += history_tables()
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS bench CASCADE")
        cursor.execute("CREATE SCHEMA bench")
        data = []
        for table in written:
            cursor.execute(f"CREATE TABLE bench.{table} (LIKE public.{table} INCLUDING ALL)")
            if foreign_keys:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'",
                    [f"public.{table}"],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE bench.{table} ADD CONSTRAINT {name} {definition}")
            cursor.execute(
                "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) "
                "FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                "AND NOT attisdropped AND attgenerated = ''",
                [f"public.{table}"],
            )
            columns = cursor.fetchone()[0]
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY public.{table} ({columns}) TO STDOUT") as copy:
                for block in copy:
                    buffer.write(block)
            data.append((table, columns, buffer.getvalue()))
        rows = 0
        start, cpu, backend = time.perf_counter(), time.process_time(), backend_cpu()
        with transaction.atomic():
            cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
            for table, columns, payload in data:
                with cursor.cursor.copy(f"COPY bench.{table} ({columns}) FROM STDIN") as copy:
                    copy.write(payload)
                if not table.startswith("cases_historical"):
                    rows += payload.count(b"\n")
        seconds = time.perf_counter() - start
        note = cpu_note(time.process_time() - cpu, backend)
    return rows, seconds, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--tracemalloc", action="store_true", help="Slower: Python peak too.")
    args = parser.parse_args()
    database = connection.settings_dict["NAME"]
    if "bench" not in database or database == "ihl_bench":
        sys.exit(f"Use a database of its own with 'bench' in its name (not {database}).")
    call_command("migrate", verbosity=0)
    empty_tables()
    vocabulary()
    path = Path(f"/tmp/import-benchmark-{database}-{args.incidents}.zip")
    started = time.perf_counter()
    rows = write_package(path, args.incidents)
    print(f"package: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB zipped, "
          f"written in {time.perf_counter() - started:.1f} s")  # fmt: skip

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if args.tracemalloc:
        tracemalloc.start()
    started, cpu, backend = time.perf_counter(), time.process_time(), backend_cpu()
    report = import_path(path)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    if args.tracemalloc:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"tracemalloc peak during import: {peak / 1e6:.1f} MB")
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    if not report.ok:
        sys.exit(f"import failed: {report.problems[:5]}")
    imported = sum(report.created.values()) + args.incidents  # rows plus category links
    print(f"import: {imported:,} rows in {seconds:.1f} s = {imported / seconds:,.0f} rows/s; "
          f"peak RSS grew {rss_growth:.0f} MB")  # fmt: skip
    print(f"        {cpu_note(cpu, backend)}")

    for foreign_keys, history in ((False, False), (True, False), (True, True)):
        copied, copy_seconds, note = copy_baseline(foreign_keys, history)
        label = "copy with foreign keys" if foreign_keys else "copy"
        label += " and history" if history else ""
        print(f"{label}: {copied:,} rows in {copy_seconds:.1f} s = "
              f"{copied / copy_seconds:,.0f} rows/s")  # fmt: skip
        print(f"        {note}")
        print(f"import / {label} throughput: {(imported / seconds) / (copied / copy_seconds):.0%}")


if __name__ == "__main__":
    main()
