"""Benchmark of the search page's database work against one hand-written SQL query.

Not a test: run it against a database filled by `manage.py generate_demo`, read only:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_bench \\
        .venv/bin/python benchmarks/search_benchmark.py [--runs 7] [--terms rare,medium,common]

For a rare, a medium and a very common term (picked from the data's own word frequencies
unless given) it prints the median wall time of
  - orm:  cases.search.search_page(), everything the results page asks the database for
          (capped count, ranked first page with snippets, eight facets, timeline);
  - sql:  one hand-written statement returning the same first page and facet counts;
  - page: the whole /search/ response through Django's test client (rendering included).
It checks that both return the same first page and the same facet counts.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cases import search  # noqa: E402

SQL = """
WITH q AS (
    SELECT websearch_to_tsquery('english', %(text)s)
        || websearch_to_tsquery('simple', %(text)s)
        || to_tsquery('simple', %(prefix)s) AS q
),
m AS MATERIALIZED (
    SELECT i.id FROM cases_incident i, q
    WHERE i.publication_status = 'published' AND i.confidentiality = 'public'
      AND i.search_vector @@ q.q
    LIMIT %(limit)s + 1
),
capped AS MATERIALIZED (SELECT id FROM m LIMIT %(limit)s),
candidates AS (SELECT id FROM capped ORDER BY id DESC LIMIT %(rank_limit)s),
top AS (
    SELECT i.id, ts_rank(i.search_vector, q.q) AS rank, i.date_earliest
    FROM cases_incident i JOIN candidates USING (id), q
    ORDER BY rank DESC, i.date_earliest DESC NULLS LAST, i.id DESC
    LIMIT 20
),
public_actor AS (
    SELECT id FROM cases_actor
    WHERE publication_status = 'published' AND confidentiality = 'public'
),
public_qualification AS (
    SELECT lq.incident_id, p.id AS provision_id, ins.slug
    FROM cases_legalqualification lq
    JOIN capped c ON c.id = lq.incident_id
    JOIN cases_provision p ON p.id = lq.provision_id
    JOIN cases_instrument ins ON ins.id = p.instrument_id
    WHERE ins.publication_status = 'published' AND ins.confidentiality = 'public'
      AND (lq.asserted_by_id IS NULL OR lq.asserted_by_id IN (SELECT id FROM public_actor))
)
SELECT
    (SELECT CASE WHEN (SELECT count(*) FROM m) <= %(limit)s THEN (SELECT count(*) FROM m)
            ELSE (SELECT count(*) FROM (
                SELECT 1 FROM cases_incident i, q
                WHERE i.publication_status = 'published' AND i.confidentiality = 'public'
                  AND i.search_vector @@ q.q
                LIMIT %(count_limit)s + 1) c) END) AS total,
    (SELECT json_agg(json_build_object(
        'id', i.id, 'title', i.title, 'country', s.name,
        'snippet', ts_headline('english', i.summary, q.q,
            'MaxWords=35, MinWords=15, MaxFragments=2'))
        ORDER BY top.rank DESC, top.date_earliest DESC NULLS LAST, top.id DESC)
     FROM top JOIN cases_incident i USING (id) LEFT JOIN cases_state s ON s.code = i.country_id,
          q) AS page,
    (SELECT json_object_agg(k, n) FROM (
        SELECT i.country_id AS k, count(*) AS n FROM cases_incident i JOIN capped USING (id)
        WHERE i.country_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x) AS country,
    (SELECT json_object_agg(k, n) FROM (
        SELECT i.verification_status AS k, count(*) AS n
        FROM cases_incident i JOIN capped USING (id) GROUP BY 1) x) AS status,
    (SELECT json_object_agg(k, n) FROM (
        SELECT extract(year FROM i.date_earliest)::int AS k, count(*) AS n
        FROM cases_incident i JOIN capped USING (id)
        WHERE i.date_earliest IS NOT NULL GROUP BY 1) x) AS year,
    (SELECT json_object_agg(k, n) FROM (
        SELECT ic.violationcategory_id AS k, count(*) AS n
        FROM cases_incident_categories ic JOIN capped c ON c.id = ic.incident_id
        GROUP BY 1) x) AS category_direct,
    (SELECT json_object_agg(k, n) FROM (
        SELECT slug AS k, count(DISTINCT incident_id) AS n FROM public_qualification
        GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x) AS instrument,
    (SELECT json_object_agg(k, n) FROM (
        SELECT provision_id AS k, count(DISTINCT incident_id) AS n FROM public_qualification
        GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x) AS provision,
    (SELECT json_object_agg(k, n) FROM (
        SELECT inv.actor_id AS k, count(DISTINCT inv.incident_id) AS n
        FROM cases_involvement inv JOIN capped c ON c.id = inv.incident_id
        WHERE inv.actor_id IN (SELECT id FROM public_actor)
        GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x) AS actor,
    (SELECT json_object_agg(k, n) FROM (
        SELECT a.kind AS k, count(DISTINCT ai.incident_id) AS n
        FROM cases_accountabilityaction_incidents ai
        JOIN capped c ON c.id = ai.incident_id
        JOIN cases_accountabilityaction a ON a.id = ai.accountabilityaction_id
        WHERE a.publication_status = 'published' AND a.confidentiality = 'public'
        GROUP BY 1) x) AS kind,
    (SELECT json_object_agg(k, n) FROM (
        SELECT date_trunc('month', i.date_earliest)::date AS k, count(*) AS n
        FROM cases_incident i JOIN capped USING (id)
        WHERE i.date_earliest IS NOT NULL GROUP BY 1) x) AS timeline
"""


def hand_written(term: str) -> dict:
    prefix = search._prefix_tsquery(term) or term
    with connection.cursor() as cursor:
        cursor.execute(
            SQL,
            {
                "text": term,
                "prefix": prefix,
                "limit": search.FACET_LIMIT,
                "count_limit": search.COUNT_LIMIT,
                "rank_limit": search.RANK_LIMIT,
            },
        )
        names = [c.name for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def orm(term: str) -> search.SearchPage:
    return search.search_page(search.Filters(text=term), sort="relevance", page=1)


def median_ms(function, runs: int) -> tuple[float, object]:
    result = function()  # warm the cache and the plan
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def pick_terms() -> list[str]:
    """A rare (~0.05%), a medium (~1%) and the most common word, from a 2% sample."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM cases_incident "
            "TABLESAMPLE SYSTEM (2) REPEATABLE (1)) s"
        )
        sample = cursor.fetchone()[0] or 1
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat($$SELECT search_vector FROM cases_incident "
            "TABLESAMPLE SYSTEM (2) REPEATABLE (1)$$) "
            "WHERE length(word) > 4 AND word ~ '^[a-z]+$' ORDER BY word"
        )
        words = cursor.fetchall()

    def nearest(share: float) -> str:
        return min(words, key=lambda w: (abs(w[1] / sample - share), w[0]))[0]

    return [nearest(0.0005), nearest(0.01), max(words, key=lambda w: w[1])[0]]


def same_results(page: search.SearchPage, sql: dict) -> list[str]:
    problems = []
    if [i.pk for i in page.incidents] != [row["id"] for row in sql["page"] or []]:
        problems.append("first page differs")
    if page.total != min(sql["total"], search.COUNT_LIMIT):
        problems.append(f"count {page.total} != {sql['total']}")
    for name in ["country", "status", "year", "instrument", "actor", "kind"]:
        ours = {str(v.value): v.count for v in page.facets[name]}
        theirs = {str(k): v for k, v in (sql[name] or {}).items()}
        if ours != theirs and len(ours) < 12:  # top-12 ties may cut differently
            problems.append(f"facet {name} differs")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--terms", help="comma-separated: rare,medium,common")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    terms = args.terms.split(",") if args.terms else pick_terms()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_incident")
        incidents = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    print(f"{incidents:,} incidents; jit={jit}; median of {args.runs} warm runs, ms")
    print(f"{'term':<16}{'matches':>10}{'orm':>10}{'sql':>10}{'orm/sql':>9}{'page':>10}  check")
    client = Client()
    rare_ms = None
    for term in terms:
        orm_ms, page = median_ms(lambda t=term: orm(t), args.runs)
        sql_ms, sql = median_ms(lambda t=term: hand_written(t), args.runs)
        page_ms, response = median_ms(
            lambda t=term: client.get("/search/", {"q": t}), max(3, args.runs // 2)
        )
        assert response.status_code == 200
        matches = f">{page.total:,}" if page.total_is_lower_bound else f"{page.total:,}"
        problems = same_results(page, sql)
        print(
            f"{term:<16}{matches:>10}{orm_ms:>10.1f}{sql_ms:>10.1f}{orm_ms / sql_ms:>9.2f}"
            f"{page_ms:>10.1f}  {'same results' if not problems else '; '.join(problems)}"
        )
        rare_ms = rare_ms or orm_ms
    print(f"very common / rare (orm): {orm_ms / rare_ms:.2f}")


if __name__ == "__main__":
    main()
