"""Benchmark of actions' search: the document stored in the row (migration 0024,
`AccountabilityAction.search_document`, in every language) against the English-only
document computed from its expression index (migration 0018), in the same run.

Not a test: run it against a database filled by `manage.py generate_demo` (4,000 actions
per 100,000 incidents). It adds the old document's index (`bench_action_search_en_idx`)
if it is missing, and drops it at the end unless `--keep-index`:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_bench \\
        .venv/bin/python benchmarks/action_search_benchmark.py [--runs 7]

For each term it prints the matches and the median wall time of what the search page asks
(the five best matching actions) before (0018's computed document, as `search_actions()`
was) and after (`search_actions()` now), and after / before. The two take turns within
each run, so load elsewhere on the machine hits them alike; it checks that both return the
same five (the demo's actions are English originals with no translation, so they must).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")

import django

django.setup()

from django.contrib.postgres.indexes import GinIndex  # noqa: E402
from django.contrib.postgres.search import SearchRank, SearchVector  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402

from cases import search  # noqa: E402
from cases.models import AccountabilityAction, Actor  # noqa: E402

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


def computed_search_actions(text: str):
    """search_actions() as it was with migration 0018: the document computed for each
    matching action (matched through its expression index, then ranked on the matches)."""
    query = search.incident_query(text)
    actors = search.search_actors(text)
    by_own_fields = (
        AccountabilityAction.objects.annotate(document=OLD_DOCUMENT)
        .filter(document=query)
        .values("pk")
    )
    by_issuing_body = AccountabilityAction.objects.filter(
        issuing_body__in=actors.values("pk")
    ).values("pk")
    matching = by_own_fields.union(by_issuing_body, search.actions_naming(actors))
    ranked_by = OLD_DOCUMENT + SearchVector("issuing_body__name", weight="B", config="simple")
    return (
        AccountabilityAction.objects.public()
        .filter(issuing_body__in=Actor.objects.public(), pk__in=matching)
        .annotate(rank=SearchRank(ranked_by, query))
        .order_by("-rank", F("issued_on").desc(nulls_last=True), "-pk")
    )


WAYS = {"before": computed_search_actions, "after": search.search_actions}


def run(name: str, term: str) -> tuple[float, list[int]]:
    start = time.perf_counter()
    found = list(WAYS[name](term).values_list("pk", flat=True)[:5])
    return time.perf_counter() - start, found


def matches(term: str) -> int:
    return search.search_actions(term).count()


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
            run("before", term), run("after", term)  # warm both
            for n in range(args.runs):
                order = ["before", "after"] if n % 2 == 0 else ["after", "before"]
                for name in order:
                    seconds, found = run(name, term)
                    times[name].append(seconds)
                    results[name] = found
            same = "" if results["before"] == results["after"] else " DIFFERENT RESULTS"
            before = statistics.median(times["before"]) * 1000
            after = statistics.median(times["after"]) * 1000
            print(
                f"| {term} | {matches(term):,} | {before:.0f} ms | {after:.0f} ms "
                f"| {after / before:.2f} |{same}"
            )
    finally:
        if added and not args.keep_index:
            with connection.schema_editor() as editor:
                editor.remove_index(AccountabilityAction, GinIndex(OLD_DOCUMENT, name=OLD_INDEX))
    print(f"load {os.getloadavg()}")


if __name__ == "__main__":
    main()
