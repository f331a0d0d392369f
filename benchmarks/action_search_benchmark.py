"""Benchmark of actions' search in every language (migration
`action_search_in_every_language`) against the English-only document it replaced
(migration 0018), in the same run.

Not a test: run it against a database filled by `manage.py generate_demo` (4,000 actions
per 100,000 incidents). It adds the old document's index (`bench_action_search_en_idx`)
beside the new one if it is missing, and drops it at the end unless `--keep-index`:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_i18n_bench \\
        .venv/bin/python benchmarks/action_search_benchmark.py [--runs 7]

For each term it prints the matches and the median wall time of `search_actions()` with
the old document (before) and the new one (after), each read through its own GIN index,
and after / before. The two take turns within each run, so load elsewhere on the machine
hits them alike; it checks that both return the same actions (the demo's actions are
English originals with no translation, so they must).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")

import django

django.setup()

from django.contrib.postgres.indexes import GinIndex  # noqa: E402
from django.contrib.postgres.search import SearchVector  # noqa: E402
from django.db import connection  # noqa: E402

from cases import search  # noqa: E402
from cases.models import AccountabilityAction  # noqa: E402
from cases.models.actions import ACTION_SEARCH_DOCUMENT  # noqa: E402

# Migration 0018's document: the title and reference as written, title and summary English.
OLD_DOCUMENT = (
    SearchVector("title", "reference", weight="A", config="simple")
    + SearchVector("title", weight="A", config="english")
    + SearchVector("summary", weight="B", config="english")
)
OLD_INDEX = "bench_action_search_en_idx"
TERMS = ["warrant", "civilians", "court", "hospital", "Lvova", "zzzqqq"]


def ensure_old_index() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [OLD_INDEX])
        if cursor.fetchone():
            return False
    with connection.schema_editor() as editor:
        editor.add_index(AccountabilityAction, GinIndex(OLD_DOCUMENT, name=OLD_INDEX))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_accountabilityaction")
    return True


def run(document, term: str) -> tuple[float, list[int]]:
    with mock.patch.object(search, "ACTION_SEARCH_DOCUMENT", document):
        start = time.perf_counter()
        found = list(search.search_actions(term).values_list("pk", flat=True))
        return time.perf_counter() - start, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep-index", action="store_true")
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    added = ensure_old_index()
    print(f"{AccountabilityAction.objects.count()} actions; load {os.getloadavg()}")
    print("| term | matches | before | after | after / before |")
    print("|---|---|---|---|---|")
    try:
        for term in TERMS:
            times = {"before": [], "after": []}
            results = {}
            run(OLD_DOCUMENT, term), run(ACTION_SEARCH_DOCUMENT, term)  # warm both
            for n in range(args.runs):
                order = ["before", "after"] if n % 2 == 0 else ["after", "before"]
                for name in order:
                    document = OLD_DOCUMENT if name == "before" else ACTION_SEARCH_DOCUMENT
                    seconds, found = run(document, term)
                    times[name].append(seconds)
                    results[name] = found
            same = "" if results["before"] == results["after"] else " DIFFERENT RESULTS"
            before = statistics.median(times["before"]) * 1000
            after = statistics.median(times["after"]) * 1000
            print(
                f"| {term} | {len(results['after']):,} | {before:.0f} ms | {after:.0f} ms "
                f"| {after / before:.2f} |{same}"
            )
    finally:
        if added and not args.keep_index:
            with connection.schema_editor() as editor:
                editor.remove_index(AccountabilityAction, GinIndex(OLD_DOCUMENT, name=OLD_INDEX))
    print(f"load {os.getloadavg()}")


if __name__ == "__main__":
    main()
