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
It checks that both return the same count, first page (ids and snippets), facet counts and
timeline. The three, for every term, take turns within each run, so load elsewhere on the
machine hits them alike. JIT is off for the connection unless --jit server (the app's connections
should have it off: it added seconds to misestimated queries).
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

# A one-word query as cases.search builds it: the English stem or any word the term begins,
# in a form the planner can estimate (see cases.search._WordQuery).
TSQUERY = """(CASE WHEN websearch_to_tsquery('english', %(text)s) = to_tsquery('simple', %(text)s)
    THEN to_tsquery('simple', %(prefix)s)
    ELSE websearch_to_tsquery('english', %(text)s) || to_tsquery('simple', %(prefix)s) END)"""

# One statement for what search_page() reads: the count, capped at COUNT_LIMIT, and the
# sample (every match up to it, the newest SAMPLE_SIZE by id past it), from one scan that
# also takes the columns the facets
# read and the tsvector (its TOAST reference) to rank, relevance over the sample, the first
# page with snippets and categories, every facet and the timeline. Related rows are read by
# one index look-up per sampled incident, as in cases/search.py; visibility is spelled out
# here by hand.
SQL = """
WITH RECURSIVE
q AS (SELECT {tsquery} AS q),
m AS MATERIALIZED (
    SELECT i.id, i.country_id, i.verification_status, i.date_earliest, i.search_vector
    FROM cases_incident i
    WHERE i.publication_status = 'published' AND i.confidentiality = 'public'
      AND i.search_vector @@ {tsquery}  -- inline, so the planner can estimate it
    ORDER BY i.id DESC LIMIT 2 * %(limit)s + 1  -- planned for twice what is read, as the page
),
total AS MATERIALIZED (SELECT count(*) AS n FROM (SELECT FROM m LIMIT %(limit)s + 1) n),
sample AS MATERIALIZED (  -- in m's order, read only so far
    SELECT * FROM m LIMIT (SELECT CASE WHEN n > %(limit)s THEN %(sample)s ELSE n END FROM total)
),
top AS MATERIALIZED ({top}),
public_actor AS NOT MATERIALIZED (
    SELECT id FROM cases_actor
    WHERE publication_status = 'published' AND confidentiality = 'public'
),
lq AS MATERIALIZED (
    SELECT sample.id AS incident_id, x.provision_id, x.asserted_by_id FROM sample, LATERAL (
        SELECT provision_id, asserted_by_id FROM cases_legalqualification
        WHERE incident_id = sample.id OFFSET 0) x
),
inv AS MATERIALIZED (
    SELECT sample.id AS incident_id, x.actor_id FROM sample, LATERAL (
        SELECT actor_id FROM cases_involvement WHERE incident_id = sample.id OFFSET 0) x
),
act AS MATERIALIZED (
    SELECT sample.id AS incident_id, x.accountabilityaction_id AS action_id FROM sample,
    LATERAL (SELECT accountabilityaction_id FROM cases_accountabilityaction_incidents
             WHERE incident_id = sample.id OFFSET 0) x
),
qualification AS MATERIALIZED (
    SELECT DISTINCT lq.incident_id, p.id AS provision_id, p.label, ins.slug, ins.short_title
    FROM lq JOIN cases_provision p ON p.id = lq.provision_id
    JOIN cases_instrument ins ON ins.id = p.instrument_id
    WHERE ins.publication_status = 'published' AND ins.confidentiality = 'public'
      AND (lq.asserted_by_id IS NULL OR lq.asserted_by_id IN (SELECT id FROM public_actor))
),
filed AS MATERIALIZED (
    SELECT sample.id AS incident_id, x.violationcategory_id AS category_id FROM sample,
    LATERAL (SELECT violationcategory_id FROM cases_incident_categories
             WHERE incident_id = sample.id OFFSET 0) x
),
tree (id, ancestor_id) AS (
    SELECT id, id FROM cases_violationcategory
    UNION
    SELECT t.id, c.parent_id FROM tree t JOIN cases_violationcategory c ON c.id = t.ancestor_id
    WHERE c.parent_id IS NOT NULL
)
SELECT
    (SELECT n FROM total) AS total,
    (SELECT json_agg(json_build_object(
        'id', i.id, 'title', i.title, 'date', i.date, 'place', i.place_name,
        'status', i.verification_status, 'country', s.name,
        'snippet', ts_headline('english', i.summary, q.q, %(headline)s),
        'categories', (SELECT json_agg(c.name ORDER BY c.name)
                       FROM cases_incident_categories ic
                       JOIN cases_violationcategory c ON c.id = ic.violationcategory_id
                       WHERE ic.incident_id = i.id))
        ORDER BY top.rank {rank_order}, top.date_earliest DESC NULLS LAST, top.id DESC)
     FROM top JOIN cases_incident i USING (id) LEFT JOIN cases_state s ON s.code = i.country_id,
          q) AS page,
    (SELECT json_object_agg(k, n) FROM (
        SELECT country_id AS k, count(*) AS n FROM sample WHERE country_id IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x) AS country,
    (SELECT json_object_agg(k, n) FROM (
        SELECT verification_status AS k, count(*) AS n FROM sample GROUP BY 1) x) AS status,
    (SELECT json_object_agg(k, n) FROM (
        -- no earliest date (an open start, or none): the Year facet's "unknown"
        SELECT coalesce(extract(year FROM date_earliest)::int::text, 'unknown') AS k,
               count(*) AS n
        FROM sample GROUP BY 1) x) AS year,
    (SELECT json_object_agg(k, n) FROM (
        SELECT c.slug AS k, count(DISTINCT f.incident_id) AS n
        FROM filed f JOIN tree t ON t.id = f.category_id
        JOIN cases_violationcategory c ON c.id = t.ancestor_id
        GROUP BY 1) x) AS category,
    (SELECT json_object_agg(k, n) FROM (
        SELECT slug AS k, count(DISTINCT incident_id) AS n FROM qualification
        GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x) AS instrument,
    (SELECT json_object_agg(k, n) FROM (
        SELECT provision_id AS k, count(*) AS n FROM qualification
        GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x) AS provision,
    (SELECT json_object_agg(k, n) FROM (
        SELECT actor_id AS k, count(*) AS n FROM (SELECT DISTINCT * FROM inv) v
        WHERE actor_id IN (SELECT id FROM public_actor)
        GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x) AS actor,
    (SELECT json_object_agg(k, n) FROM (
        SELECT a.kind AS k, count(DISTINCT act.incident_id) AS n
        FROM act JOIN cases_accountabilityaction a ON a.id = act.action_id
        WHERE a.publication_status = 'published' AND a.confidentiality = 'public'
        GROUP BY 1) x) AS kind,
    (SELECT json_object_agg(k, n) FROM (
        SELECT date_trunc('month', date_earliest::timestamp)::date AS k, count(*) AS n
        FROM sample WHERE date_earliest IS NOT NULL GROUP BY 1) x) AS timeline
""".replace("{tsquery}", TSQUERY)

# The first page: without the ranked index, the sample ranked by ts_rank (as before it).
TOP_SAMPLE = """
    SELECT sample.id, ts_rank(sample.search_vector, q.q) AS rank, sample.date_earliest
    FROM sample, q
    ORDER BY rank DESC, sample.date_earliest DESC NULLS LAST, sample.id DESC
    LIMIT 20"""
# With the ranked (RUM) index, ranked by RUM's distance from the query's words: a plain
# word's words in every configuration the search uses, each once (cases.search._Words).
WORDS = """(SELECT string_agg(DISTINCT quote_literal(w), ' | ')::tsquery
    FROM unnest(tsvector_to_array(
        to_tsvector('english', %(text)s) || to_tsvector('simple', %(text)s)
        || to_tsvector('french', %(text)s) || to_tsvector('spanish', %(text)s)
        || to_tsvector('arabic', %(text)s))) w)"""
# ... the sample, past RANK_LIMIT (or up to COUNT_LIMIT matches: every match) ...
TOP_SAMPLE_BY_DISTANCE = f"""
    SELECT sample.id, sample.search_vector <=> {WORDS} AS rank, sample.date_earliest
    FROM sample
    ORDER BY rank, sample.date_earliest DESC NULLS LAST, sample.id DESC
    LIMIT 20"""
# ... or every match: the 20 best read in order from the index (every one tied with the
# 20th too), then by date and id.
TOP_BEST = f"""
    SELECT id, rank, date_earliest FROM (
        SELECT i.id, i.search_vector <=> {WORDS} AS rank, i.date_earliest
        FROM cases_incident i
        WHERE i.search_vector @@ {WORDS}
          AND i.publication_status = 'published' AND i.confidentiality = 'public'
        ORDER BY i.search_vector <=> {WORDS}
        FETCH FIRST 20 ROWS WITH TIES
    ) best
    ORDER BY rank, date_earliest DESC NULLS LAST, id DESC
    LIMIT 20"""
TOPS = {
    "sample": (TOP_SAMPLE, "DESC"),
    "sample by distance": (TOP_SAMPLE_BY_DISTANCE, "ASC"),
    "every match": (TOP_BEST, "ASC"),
}


def hand_written(term: str, ranking: str) -> dict:
    """The page's answer for `term`, its first page ranked as `ranking` (one of TOPS)."""
    prefix = search._prefix_tsquery(term) or term
    top, rank_order = TOPS[ranking]
    with connection.cursor() as cursor:
        cursor.execute(
            SQL.replace("{top}", top).replace("{rank_order}", rank_order),
            {
                "text": term,
                "prefix": prefix,
                "limit": search.COUNT_LIMIT,
                "sample": search.SAMPLE_SIZE,
                "headline": f"StartSel={search.MARK_START}, StopSel={search.MARK_STOP}, "
                "MaxWords=35, MinWords=15, MaxFragments=2",
            },
        )
        names = [c.name for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def orm(term: str) -> search.SearchPage:
    return search.search_page(search.Filters(text=term), sort="relevance", page=1)


def median_ms(groups: list[list], runs: int) -> list[tuple[float, object]]:
    """Median wall time of each function, in ms, and its last result. Every function of
    every group takes its turn in each run, so a burst of load elsewhere on the machine
    hits them alike. Each group (a term) is run once untimed before its turn: otherwise
    the first function timed after another term's would read the pages that term pushed
    out of shared_buffers, and only that function would pay for it. Within a group the
    order turns from run to run: at a million incidents a medium term reads about as many
    pages as shared_buffers holds, and whichever function went first paid for the pages
    the one untimed run had not kept (ORM / SQL 1.7 first, 0.8 second)."""
    functions = [function for group in groups for function in group]
    results = [function() for function in functions]  # warm the cache and the plans
    times: list[list[float]] = [[] for _ in functions]
    for run in range(runs):
        first = 0  # of this group, in `functions`
        for group in groups:
            group[0]()
            turn = run % len(group)
            for k in [*range(turn, len(group)), *range(turn)]:
                started = time.perf_counter()
                results[first + k] = group[k]()
                times[first + k].append((time.perf_counter() - started) * 1000)
            first += len(group)
    return [(statistics.median(t), r) for t, r in zip(times, results, strict=True)]


def pick_terms() -> list[str]:
    """A rare (~0.05%), a medium (~1%), a medium one whose matches are the oldest (~1%,
    the largest share of its matches in the oldest fifth of the ids: the newest-first
    scan walks furthest for it) and the most common word, from a 2% sample."""
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

        cursor.execute(
            "SELECT word, ndoc FROM ts_stat($$SELECT search_vector FROM cases_incident "
            "TABLESAMPLE SYSTEM (2) REPEATABLE (1) WHERE id < (SELECT min(id) + "
            "(max(id) - min(id)) / 5 FROM cases_incident)$$)"
        )
        in_oldest = dict(cursor.fetchall())

    def nearest(share: float) -> str:
        return min(words, key=lambda w: (abs(w[1] / sample - share), w[0]))[0]

    medium = [w for w in words if 0.005 <= w[1] / sample <= 0.02 and w[1] >= 10]
    old = max(medium, key=lambda w: (in_oldest.get(w[0], 0) / w[1], w[0]))[0]
    return [nearest(0.0005), nearest(0.01), old, max(words, key=lambda w: w[1])[0]]


def oldest_fifth_share(term: str) -> float:
    """The share of the term's (public) matches among the oldest fifth of the ids."""
    matches = search.matching_incidents(search.Filters(text=term))
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) + (max(id) - min(id)) / 5 FROM cases_incident")
        cut = cursor.fetchone()[0]
    total = matches.count()
    return matches.filter(pk__lt=cut).count() / total if total else 0.0


def same_results(page: search.SearchPage, sql: dict) -> list[str]:
    problems = []
    if [i.pk for i in page.incidents] != [row["id"] for row in sql["page"] or []]:
        problems.append("first page differs")
    if page.total != min(sql["total"], search.COUNT_LIMIT):
        problems.append(f"count {page.total} != {sql['total']}")
    if [i.snippet for i in page.incidents] != [row["snippet"] for row in sql["page"] or []]:
        problems.append("snippets differ")
    for name, key in search_page_facets.items():
        ours = {str(v.value): v.count for v in page.facets[name]}
        theirs = {str(k): v for k, v in (sql[key] or {}).items()}
        if len(ours) == search.FACET_SIZE:  # a top 12: ties at the cut may fall either way
            cut = min(ours.values())
            ours = {k: n for k, n in ours.items() if n > cut}
            theirs = {k: n for k, n in theirs.items() if n > cut}
        if ours != theirs:
            problems.append(f"facet {name} differs")
    if page.timeline_unit == "month":
        months = {str(month): n for month, n in page.timeline if n}
        if months != (sql["timeline"] or {}):
            problems.append("timeline differs")
    return problems


# The page's facet -> the SQL's column.
search_page_facets = {
    "country": "country",
    "verification_status": "status",
    "year": "year",
    "category": "category",
    "instrument": "instrument",
    "provision": "provision",
    "actor": "actor",
    "action_kind": "kind",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--terms", help="comma-separated: rare,medium,common")
    parser.add_argument(
        "--jit",
        choices=["off", "server"],
        default="off",
        help="off (default): SET jit = off, as the app's connections should have it; "
        "server: keep the server's setting",
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    with connection.cursor() as cursor:
        if args.jit == "off":
            cursor.execute("SET jit = off")
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM cases_incident")
        incidents = cursor.fetchone()[0]
    terms = args.terms.split(",") if args.terms else pick_terms()
    ranked_index = search.has_ranked_index()
    print(f"{incidents:,} incidents; jit={jit}; median of {args.runs} warm runs, ms")
    print(f"ranked index: {'yes' if ranked_index else 'no'}")
    client = Client()
    # The hand-written SQL answers as the page does: its first page ranked the way the
    # page ranked it (the sample, or every match), read from the page's first answer.
    rankings = {}
    for term in terms:
        page = orm(term)
        if not ranked_index:
            rankings[term] = "sample"
        elif page.ranked_sample or not page.total_is_lower_bound:
            rankings[term] = "sample by distance"
        else:
            rankings[term] = "every match"
    print(
        f"{'term':<16}{'matches':>10}{'old':>6}{'orm':>10}{'sql':>10}{'orm/sql':>9}"
        f"{'page':>10}  ranked, check"
    )
    # Every term and method in turn in each run: the very common / rare ratio compares
    # terms, so a burst of load must hit them alike too.
    timed = median_ms(
        [
            [
                lambda t=term: orm(t),
                lambda t=term: hand_written(t, rankings[t]),
                lambda t=term: client.get("/search/", {"q": t}),
            ]
            for term in terms
        ],
        args.runs,
    )
    rare_ms = None
    for n, term in enumerate(terms):
        (orm_ms, page), (sql_ms, sql), (page_ms, response) = timed[3 * n : 3 * n + 3]
        assert response.status_code == 200
        matches = f">{page.total:,}" if page.total_is_lower_bound else f"{page.total:,}"
        problems = same_results(page, sql)
        old = oldest_fifth_share(term)
        print(
            f"{term:<16}{matches:>10}{old:>6.0%}{orm_ms:>10.1f}{sql_ms:>10.1f}"
            f"{orm_ms / sql_ms:>9.2f}{page_ms:>10.1f}  {rankings[term]}, "
            f"{'same results' if not problems else '; '.join(problems)}"
        )
        rare_ms = rare_ms or orm_ms
    print(f"very common / rare (orm): {orm_ms / rare_ms:.2f}")


if __name__ == "__main__":
    main()
