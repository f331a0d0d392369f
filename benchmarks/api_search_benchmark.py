"""Benchmark of the API's incident search (`/api/v1/incidents/?q=…`), ranked, against the
hand-written SQL for the same page.

Not a test: run it against a database filled by `manage.py generate_demo`, read only:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_bench \\
        .venv/bin/python benchmarks/api_search_benchmark.py [--runs 7] [--terms attack,carlo]

For each term (by default those benchmarks/search_benchmark.py picks) it prints the median
wall time of
  - api:      the first page of 50 through Django's test client (serialising included),
              the ranking that the server allows (the RUM index: its best matches);
  - sql:      one hand-written statement returning the same 50 ids in the same order;
  - without:  the same request with the ranked index ignored (`has_ranked_index()` forced
              false): every match's rank computed from its row, as before the index (the
              baseline, in the same run);
and checks that api and sql give the same ids, and that api and without give the same
count. The three take turns within each run.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks.search_benchmark import median_ms, pick_terms  # noqa: E402
from cases import search  # noqa: E402

PAGE_SIZE = 50

# The words of a plain word in every configuration the search uses, each once (what
# cases.search._Words reads from the query), and the 50 best public matches: RUM's ordered
# scan, every match tied with the 50th, then by distance and id, newest first.
RANKED_SQL = """
WITH words (w) AS MATERIALIZED (
    SELECT string_agg(DISTINCT quote_literal(w), ' | ')::tsquery
    FROM unnest(tsvector_to_array(
        to_tsvector('english', %(text)s) || to_tsvector('simple', %(text)s)
        || to_tsvector('french', %(text)s) || to_tsvector('spanish', %(text)s)
        || to_tsvector('arabic', %(text)s))) w
)
SELECT id FROM (
    SELECT i.id, i.search_vector <=> (SELECT w FROM words) AS distance
    FROM cases_incident i
    WHERE i.search_vector @@ (SELECT w FROM words)
      AND i.publication_status = 'published' AND i.confidentiality = 'public'
    ORDER BY i.search_vector <=> (SELECT w FROM words)
    FETCH FIRST %(size)s ROWS WITH TIES
) best
ORDER BY distance, id DESC LIMIT %(size)s
"""


def hand_written(term: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(RANKED_SQL, {"text": term, "size": PAGE_SIZE})
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--terms", help="comma-separated")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # One client makes every request: no rate limit (read on each request, as in the tests).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/min", "partner": "1000000/min"},
    }
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SELECT count(*) FROM cases_incident")
        incidents = cursor.fetchone()[0]
    if not search.has_ranked_index():
        sys.exit("No ranked (RUM) index on this database: see migration 0026.")
    name = connection.settings_dict["NAME"]
    terms = args.terms.split(",") if args.terms else pick_terms()
    client = Client()

    def api(term: str, ranked: bool) -> dict:
        search._ranked_index[name] = ranked
        try:
            response = client.get("/api/v1/incidents/", {"q": term, "page_size": PAGE_SIZE})
        finally:
            search._ranked_index[name] = True
        assert response.status_code == 200, response.content[:300]
        return response.json()

    timed = median_ms(
        [
            [
                lambda t=term: api(t, True),
                lambda t=term: hand_written(t),
                lambda t=term: api(t, False),
            ]
            for term in terms
        ],
        args.runs,
    )
    print(f"{incidents:,} incidents; jit=off; median of {args.runs} warm runs, ms")
    print(f"{'term':<16}{'count':>8}{'api':>10}{'sql':>10}{'api/sql':>9}{'without':>10}  check")
    for n, term in enumerate(terms):
        (api_ms, page), (sql_ms, ids), (without_ms, before) = timed[3 * n : 3 * n + 3]
        count = f"{'' if page['count_exact'] else '>'}{page['count']:,}"
        problems = []
        if [row["id"] for row in page["results"]] != ids:
            problems.append("page differs from the SQL's")
        if (page["count"], page["count_exact"]) != (before["count"], before["count_exact"]):
            problems.append("count differs from the baseline's")
        print(
            f"{term:<16}{count:>8}{api_ms:>10.1f}{sql_ms:>10.1f}{api_ms / sql_ms:>9.2f}"
            f"{without_ms:>10.1f}  {'same results' if not problems else '; '.join(problems)}"
        )


if __name__ == "__main__":
    main()
