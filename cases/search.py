"""Full-text search: the one place that turns a user's query into SQL.

Incidents carry a stored, weighted tsvector (Incident.search_vector: title and the names of
involved actors, place and provision labels weight A, summary B, description C). Queries
use websearch syntax: "quoted phrases", OR, -exclusion; the last bare word also matches as
a prefix, so "lvov" finds Lvova-Belova while the user is still typing.

Costs grow with the number of matches (see docs/search.md): the total is counted only up
to COUNT_LIMIT ("more than 10,000"), facets and the timeline read the first FACET_LIMIT
matches found, and ranking by relevance reads at most RANK_LIMIT candidates. Below those
limits every figure is exact.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ExtractYear, TruncMonth

from cases.models import (
    AccountabilityAction,
    Actor,
    ActorName,
    Incident,
    Involvement,
    LegalQualification,
    ViolationCategory,
)
from cases.models.incidents import SEARCH_CONFIG

MAX_QUERY_LENGTH = 500
COUNT_LIMIT = 10_000
FACET_LIMIT = 2_000
RANK_LIMIT = 2_000
FACET_SIZE = 12
# ts_headline inserts these around matches; the template escapes the text, then turns
# them into <mark>, so a summary can never inject markup.
MARK_START, MARK_STOP = "\ue000", "\ue001"

# A bare last word: letters, digits, hyphens or apostrophes, not quoted, not negated.
_LAST_WORD = re.compile(r"(?:^|\s)(?P<word>[^\W_][\w'’-]*)$")


def _prefix_tsquery(word: str) -> str | None:
    """`word` as a to_tsquery prefix pattern, or None when it holds nothing searchable."""
    parts = [p for p in re.split(r"[^\w]+|_", word.lower()) if p]
    if not parts:
        return None
    return " & ".join(f"{p}:*" for p in parts)


# An exclusion: -word or -"a phrase", at the start or after a space.
_EXCLUSION = re.compile(r'(?:^|(?<=\s))-("[^"]*"|[^\s"]+)')


def incident_query(text: str) -> SearchQuery:
    """A websearch query matching English stems and exact words (names in any script).

    Each part is matched both stemmed (English) and exact ("simple": names in any script)
    and either may match; exclusions must hold for both forms, so they are taken out and
    applied to both. When the text ends with a bare word, it also matches as a prefix.
    """
    excluded = [m.group(1) for m in _EXCLUSION.finditer(text)]
    positive = _EXCLUSION.sub(" ", text).strip()
    query = SearchQuery(positive, search_type="websearch", config=SEARCH_CONFIG) | SearchQuery(
        positive, search_type="websearch", config="simple"
    )
    last = _LAST_WORD.search(positive) if positive.count('"') % 2 == 0 else None
    if last and last.group("word").upper() != "OR":
        prefix = _prefix_tsquery(last.group("word"))
        if prefix:
            head = positive[: last.start("word")].rstrip()
            prefixed = SearchQuery(prefix, search_type="raw", config="simple")
            if head:
                prefixed = SearchQuery(head, search_type="websearch", config="simple") & prefixed
            query = query | prefixed
    for term in excluded:
        query = (
            query
            & ~SearchQuery(term, search_type="websearch", config=SEARCH_CONFIG)
            & ~SearchQuery(term, search_type="websearch", config="simple")
        )
    return query


def search_incidents(queryset: QuerySet, text: str) -> QuerySet:
    """Incidents matching `text`, best first; ties by latest date, then id, so pages are stable."""
    query = incident_query(text)
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", F("date_earliest").desc(nulls_last=True), "-pk")
    )


def search_actions(text: str) -> QuerySet:
    """Public actions whose title, reference, summary or issuing body match (a small table)."""
    query = incident_query(text)
    vector = (
        SearchVector("title", "reference", weight="A", config="simple")
        + SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("issuing_body__name", weight="B", config="simple")
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    )
    return (
        AccountabilityAction.objects.public()
        .filter(issuing_body__in=Actor.objects.public())
        .annotate(document=vector, rank=SearchRank(vector, query))
        .filter(document=query)
        .select_related("issuing_body")
        .order_by("-rank", F("issued_on").desc(nulls_last=True), "-pk")
    )


def search_actors(text: str) -> QuerySet:
    """Public actors whose name or one of whose other names (any script) match."""
    query = incident_query(text)
    other_name = ActorName.objects.filter(actor=OuterRef("pk")).annotate(
        document=SearchVector("name", config="simple")
    )
    return (
        Actor.objects.public()
        .annotate(document=SearchVector("name", config="simple"))
        .filter(Q(document=query) | Exists(other_name.filter(document=query)))
        .order_by("name", "pk")
    )


def has_trigram() -> bool:
    """pg_trgm is optional: the embedded PostgreSQL ships without contrib extensions."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def similar_actor_names(text: str, limit: int = 5) -> list[str]:
    """Public actor names close to a misspelled `text`, best first; [] without pg_trgm."""
    if not text.strip() or not has_trigram():
        return []
    names = (
        Actor.objects.public()
        .annotate(similarity=TrigramSimilarity("name", text))
        .filter(similarity__gt=0.3)
        .order_by("-similarity", "name")
        .values_list("name", flat=True)[:limit]
    )
    others = (
        ActorName.objects.filter(actor__in=Actor.objects.public())
        .annotate(similarity=TrigramSimilarity("name", text))
        .filter(similarity__gt=0.3)
        .order_by("-similarity", "name")
        .values_list("name", flat=True)[:limit]
    )
    found = list(dict.fromkeys([*names, *others]))
    return found[:limit]


@dataclass
class Filters:
    """Validated filter values (objects already known to be public)."""

    text: str = ""
    country: object = None
    category: ViolationCategory | None = None
    category_ids: set[int] = field(default_factory=set)
    instrument: object = None
    provision: object = None
    actor: object = None
    action_kind: str = ""
    verification: str = ""
    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def filter_incidents(queryset: QuerySet, filters: Filters) -> QuerySet:
    """Apply every filter except the text. Related filters use EXISTS: no duplicate rows."""
    qs = queryset
    if filters.country is not None:
        qs = qs.filter(country=filters.country)
    if filters.category_ids:
        through = Incident.categories.through
        qs = qs.filter(
            Exists(
                through.objects.filter(
                    incident_id=OuterRef("pk"), violationcategory_id__in=filters.category_ids
                )
            )
        )
    if filters.instrument is not None:
        qs = qs.filter(
            Exists(
                LegalQualification.objects.public().filter(
                    incident=OuterRef("pk"), provision__instrument=filters.instrument
                )
            )
        )
    if filters.provision is not None:
        qs = qs.filter(
            Exists(
                LegalQualification.objects.public().filter(
                    incident=OuterRef("pk"), provision=filters.provision
                )
            )
        )
    if filters.actor is not None:
        qs = qs.filter(
            Exists(Involvement.objects.filter(incident=OuterRef("pk"), actor=filters.actor))
        )
    if filters.action_kind:
        qs = qs.filter(
            Exists(
                AccountabilityAction.objects.public().filter(
                    incidents=OuterRef("pk"), kind=filters.action_kind
                )
            )
        )
    if filters.verification:
        qs = qs.filter(verification_status=filters.verification)
    if filters.year:
        qs = qs.filter(date_earliest__year=filters.year)
    if filters.date_from or filters.date_to:
        qs = qs.overlapping(filters.date_from, filters.date_to)
    return qs


SORTS = {
    "relevance": "Relevance",
    "newest": "Newest first",
    "oldest": "Oldest first",
}


def _date_order(sort: str) -> list:
    if sort == "oldest":
        return [F("date_earliest").asc(nulls_last=True), "pk"]
    return [F("date_earliest").desc(nulls_last=True), "-pk"]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    depth: int = 0


@dataclass
class SearchPage:
    """One page of incident results, with everything the results page shows."""

    incidents: list
    total: int
    total_is_lower_bound: bool
    page: int
    pages: int
    per_page: int
    facets: dict[str, list[FacetValue]]
    facets_are_sample: bool
    timeline: list[tuple[datetime.date, int]]
    timeline_unit: str
    ranked_sample: bool
    sample_size: int = 0
    rank_size: int = 0


def matching_incidents(filters: Filters) -> QuerySet:
    """Every public incident matching the text and filters, unordered."""
    qs = filter_incidents(Incident.objects.public(), filters)
    if filters.text:
        qs = qs.filter(search_vector=incident_query(filters.text))
    return qs


def ordered_incidents(filters: Filters, sort: str) -> QuerySet:
    """The full ordered result set (the CSV export): relevance needs text, else newest."""
    qs = matching_incidents(filters)
    if filters.text and sort == "relevance":
        query = incident_query(filters.text)
        return qs.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-rank", *_date_order("newest")
        )
    return qs.order_by(*_date_order(sort))


def capped_count(qs: QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """The number of rows up to `limit` (default COUNT_LIMIT); True when there are more."""
    limit = limit or COUNT_LIMIT
    n = qs.order_by().values("pk")[: limit + 1].count()
    return min(n, limit), n > limit


class _InArray(Func):
    """`field IN (SELECT unnest(array))`: a semi-join the planner can hash. (`= ANY(array)`
    is checked element by element per row, which explodes in joins.)"""

    template = "%(expressions)s))"
    arg_joiner = " IN (SELECT unnest("
    output_field = BooleanField()


def one_of(ids: list[int], field: str = "pk") -> _InArray:
    """`field` is one of the ids, passed as one array parameter however many there are."""
    return _InArray(F(field), Value(ids, output_field=ArrayField(BigIntegerField())))


def facet_counts(ids: list[int]) -> dict[str, list[FacetValue]]:
    """Counts per filter value over the incidents with these ids (already public).

    One GROUP BY query per facet; only public related rows are counted.
    """
    incidents = Incident.objects.filter(one_of(ids))
    facets: dict[str, list[FacetValue]] = {}

    rows = (
        incidents.filter(country__isnull=False)
        .values("country", "country__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "country__name")[:FACET_SIZE]
    )
    facets["country"] = [FacetValue(r["country"], r["country__name"], r["n"]) for r in rows]

    rows = incidents.values("verification_status").annotate(n=Count("pk")).order_by("-n")
    labels = dict(Incident._meta.get_field("verification_status").choices)
    facets["status"] = [
        FacetValue(r["verification_status"], labels[r["verification_status"]], r["n"]) for r in rows
    ]

    rows = (
        incidents.filter(date_earliest__isnull=False)
        .annotate(year=ExtractYear("date_earliest"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    facets["year"] = [FacetValue(str(r["year"]), str(r["year"]), r["n"]) for r in rows]

    facets["category"] = _category_facet(ids)

    qualifications = LegalQualification.objects.public().filter(one_of(ids, "incident_id"))
    rows = (
        qualifications.values("provision__instrument__slug", "provision__instrument__short_title")
        .annotate(n=Count("incident", distinct=True))
        .order_by("-n", "provision__instrument__short_title")[:FACET_SIZE]
    )
    facets["instrument"] = [
        FacetValue(
            r["provision__instrument__slug"], r["provision__instrument__short_title"], r["n"]
        )
        for r in rows
    ]
    rows = (
        qualifications.values("provision", "provision__instrument__short_title", "provision__label")
        .annotate(n=Count("incident", distinct=True))
        .order_by("-n", "provision__instrument__short_title", "provision__label")[:FACET_SIZE]
    )
    facets["provision"] = [
        FacetValue(
            str(r["provision"]),
            f"{r['provision__instrument__short_title']} {r['provision__label']}",
            r["n"],
        )
        for r in rows
    ]

    rows = (
        Involvement.objects.filter(one_of(ids, "incident_id"), actor__in=Actor.objects.public())
        .values("actor", "actor__name")
        .annotate(n=Count("incident", distinct=True))
        .order_by("-n", "actor__name")[:FACET_SIZE]
    )
    facets["actor"] = [FacetValue(str(r["actor"]), r["actor__name"], r["n"]) for r in rows]

    through = AccountabilityAction.incidents.through
    rows = (
        through.objects.filter(
            one_of(ids, "incident_id"),
            accountabilityaction__in=AccountabilityAction.objects.public(),
        )
        .values("accountabilityaction__kind")
        .annotate(n=Count("incident_id", distinct=True))
        .order_by("-n")
    )
    labels = dict(AccountabilityAction._meta.get_field("kind").choices)
    facets["kind"] = [
        FacetValue(r["accountabilityaction__kind"], labels[r["accountabilityaction__kind"]], r["n"])
        for r in rows
    ]
    return facets


def _category_facet(ids: list[int]) -> list[FacetValue]:
    """Categories as a tree; a broader term counts the incidents of everything under it."""
    categories = list(ViolationCategory.objects.order_by("name", "pk"))
    by_parent: dict[int | None, list[ViolationCategory]] = {}
    for category in categories:
        by_parent.setdefault(category.parent_id, []).append(category)
    through = Incident.categories.through
    pairs = set(
        through.objects.filter(one_of(ids, "incident_id")).values_list(
            "violationcategory_id", "incident_id"
        )
    )
    direct: dict[int, set[int]] = {}
    for category_id, incident_id in pairs:
        direct.setdefault(category_id, set()).add(incident_id)

    result: list[FacetValue] = []

    def walk(parent_id: int | None, depth: int, seen: set[int]) -> set[int]:
        below: set[int] = set()
        for category in by_parent.get(parent_id, []):
            if category.pk in seen:  # a cycle should not exist; never loop on one
                continue
            position = len(result)
            result.append(FacetValue(category.slug, category.name, 0, depth))
            matched = direct.get(category.pk, set()) | walk(
                category.pk, depth + 1, seen | {category.pk}
            )
            result[position].count = len(matched)
            below |= matched
        return below

    walk(None, 0, set())
    return [value for value in result if value.count]


def timeline(ids: list[int]) -> tuple[list[tuple[datetime.date, int]], str]:
    """Incidents per month (spans up to three years) or per year, by their earliest date."""
    incidents = Incident.objects.filter(one_of(ids), date_earliest__isnull=False)
    rows = list(
        incidents.annotate(month=TruncMonth("date_earliest"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    if not rows:
        return [], "year"
    first, last = rows[0]["month"], rows[-1]["month"]
    if (last.year - first.year) * 12 + last.month - first.month < 36:
        return _fill_months([(r["month"], r["n"]) for r in rows]), "month"
    years: dict[int, int] = {}
    for r in rows:
        years[r["month"].year] = years.get(r["month"].year, 0) + r["n"]
    return [
        (datetime.date(y, 1, 1), years.get(y, 0)) for y in range(first.year, last.year + 1)
    ], "year"


def _fill_months(rows: list[tuple[datetime.date, int]]) -> list[tuple[datetime.date, int]]:
    counts = dict(rows)
    month, last = rows[0][0], rows[-1][0]
    filled = []
    while month <= last:
        filled.append((month, counts.get(month, 0)))
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return filled


def search_page(filters: Filters, *, sort: str, page: int, per_page: int = 20) -> SearchPage:
    """Count, rank one page, facets and timeline: a fixed number of queries.

    One query fetches up to FACET_LIMIT + 1 matching ids (in storage order, which is
    cheap): the set facets, the timeline and relevance ranking work on. Their number is
    the count, unless there are more: then a capped count runs (up to COUNT_LIMIT).
    """
    matches = matching_incidents(filters)
    if sort == "relevance" and not filters.text:
        sort = "newest"
    ids = list(matches.order_by().values_list("pk", flat=True)[: FACET_LIMIT + 1])
    sampled = len(ids) > FACET_LIMIT
    ids = ids[:FACET_LIMIT]
    if sampled:
        total, more = capped_count(matches)
    else:
        total, more = len(ids), False
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    offset = (page - 1) * per_page

    query = incident_query(filters.text) if filters.text else None
    ranked_sample = False
    if query is not None and sort == "relevance":
        candidates = ids
        ranked_sample = sampled
        if len(ids) > RANK_LIMIT:
            # Ranking reads every candidate's tsvector: rank the newest RANK_LIMIT only.
            # (With RANK_LIMIT == FACET_LIMIT, the whole sample is ranked.)
            candidates = sorted(ids, reverse=True)[:RANK_LIMIT]
            ranked_sample = True
        ordered = (
            Incident.objects.filter(one_of(candidates))
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", *_date_order("newest"))
        )
    elif sampled:
        ordered = matches.order_by(*_date_order(sort))
    else:
        ordered = Incident.objects.filter(one_of(ids)).order_by(*_date_order(sort))
    page_ids = list(ordered.values_list("pk", flat=True)[offset : offset + per_page])

    rows = Incident.objects.filter(one_of(page_ids)).with_list_related()
    if query is not None:
        # ts_headline only for the rows shown: it costs a fraction of a millisecond each.
        rows = rows.annotate(
            snippet=SearchHeadline(
                "summary",
                query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
            ),
        )
    by_id = {incident.pk: incident for incident in rows.prefetch_related("categories")}
    incidents = [by_id[pk] for pk in page_ids if pk in by_id]

    points, unit = timeline(ids)
    return SearchPage(
        incidents=incidents,
        total=total,
        total_is_lower_bound=more,
        page=page,
        pages=pages,
        per_page=per_page,
        facets=facet_counts(ids),
        facets_are_sample=sampled,
        timeline=points,
        timeline_unit=unit,
        ranked_sample=ranked_sample,
        sample_size=FACET_LIMIT,
        rank_size=RANK_LIMIT,
    )
