"""Full-text search: the one place that turns a user's query into SQL.

Incidents carry a stored, weighted tsvector (Incident.search_vector: title and the names of
involved actors, place and provision labels weight A, summary B, description C). Queries
use websearch syntax: "quoted phrases", OR, -exclusion; the last bare word also matches as
a prefix, so "lvov" finds Lvova-Belova while the user is still typing.

Costs grow with the number of matches (see docs/search.md): one scan takes the matches
most recently added to the database (highest ids: the same whatever the plan), stopping
after COUNT_LIMIT + 1. Their number is the count ("more than 1,000" past the limit). Up to
the limit every figure describes every match, exactly. Past it, facets and the timeline
read a sample: the SAMPLE_SIZE matches most recently added. Relevance ranks every match
where the server has the ranked (RUM) index (`has_ranked_index`), and the sample where it
has not (the embedded PostgreSQL).
"""

import dataclasses
import datetime
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramSimilarity,
)
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left, Length
from django.db.models.sql import Query
from django.utils.translation import get_language, gettext_lazy

from cases.models import (
    AccountabilityAction,
    Actor,
    ActorName,
    Incident,
    Instrument,
    LegalQualification,
    Provision,
    SearchWord,
    State,
    ViolationCategory,
)
from cases.models.incidents import SEARCH_CONFIG
from cases.models.translations import RECORD_LANGUAGES, SEARCH_CONFIGS
from cases.search_names import actions_naming

# The records' languages that PostgreSQL stems, besides English (its original query form);
# Ukrainian is `simple`, which every query already matches.
STEMMED_CONFIGS = tuple(sorted(set(SEARCH_CONFIGS.values()) - {SEARCH_CONFIG, "simple"}))

MAX_QUERY_LENGTH = 500
# The count is exact up to COUNT_LIMIT. Past it, facets, the timeline and the relevance
# order describe the SAMPLE_SIZE newest matches: they cost in proportion to the incidents
# they read, and a term found in most incidents would otherwise pay for COUNT_LIMIT of them.
COUNT_LIMIT = 1_000
SAMPLE_SIZE = 500
FACET_SIZE = 12
# "Show all" of a capped facet: its values in the sample, up to this many.
FACET_ALL_SIZE = 1_000
CAPPED_FACETS = ("country", "instrument", "provision", "actor")
# The Year facet's value (and the year filter's) for incidents whose start is unknown.
START_UNKNOWN = "unknown"
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


# One plain word, letters and digits only: the common search.
_PLAIN_WORD = re.compile(r"[^\W_]+")


class _WordQuery(SearchQuery):
    """One plain word as one tsquery: its English stem or any word it begins, and no more
    than the prefix when the stem is the word itself.

    The same as `stem | word | word:*` (the general form below), but the planner can
    estimate it: it adds up the three parts' estimates, so a word in 0.9% of a million
    incidents was expected in 2.7%; ordered by id with a limit of 10,001, it then walked the
    whole table backwards (5 s) instead of reading its 8,881 matches from the index. The
    CASE is folded to a constant before the estimate.
    """

    def __init__(self, word: str):
        super().__init__(word, config="simple")
        self.word = word.lower()

    def as_sql(self, compiler, connection, function=None, template=None):
        sql = (
            "(CASE WHEN websearch_to_tsquery('english', %s) = to_tsquery('simple', %s) "
            "THEN to_tsquery('simple', %s) "
            "ELSE websearch_to_tsquery('english', %s) || to_tsquery('simple', %s) END)"
        )
        word, prefix = self.word, f"{self.word}:*"
        params = [word, word, prefix, word, prefix]
        # The stems of the records' other languages (docs/search.md), each only where it
        # differs from the word (then the prefix already matches it): an empty tsquery
        # adds nothing to the OR, and the CASE is folded before the estimate.
        for config in STEMMED_CONFIGS:
            sql += (
                f" || (CASE WHEN websearch_to_tsquery('{config}', %s) = "
                "to_tsquery('simple', %s) THEN ''::tsquery "
                f"ELSE websearch_to_tsquery('{config}', %s) END)"
            )
            params += [word, word, word]
        sql = f"({sql})"
        if self.invert:
            sql = f"!!{sql}"
        return sql, params


def incident_query(text: str, *, prefix: bool = True) -> SearchQuery:
    """A websearch query matching English stems and exact words (names in any script).

    Each part is matched both stemmed (English) and exact ("simple": names in any script)
    and either may match; exclusions must hold for both forms, so they are taken out and
    applied to both. When the text ends with a bare word, it also matches as a prefix,
    unless `prefix` is false (the ranked index's order, see `best_matches_sql`).
    """
    excluded = [m.group(1) for m in _EXCLUSION.finditer(text)]
    positive = _EXCLUSION.sub(" ", text).strip()
    if prefix and not excluded and _PLAIN_WORD.fullmatch(positive):
        return _WordQuery(positive)
    query = SearchQuery(positive, search_type="websearch", config=SEARCH_CONFIG) | SearchQuery(
        positive, search_type="websearch", config="simple"
    )
    for config in STEMMED_CONFIGS:
        query = query | SearchQuery(positive, search_type="websearch", config=config)
    last = _LAST_WORD.search(positive) if prefix and positive.count('"') % 2 == 0 else None
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
        for config in STEMMED_CONFIGS:
            query = query & ~SearchQuery(term, search_type="websearch", config=config)
    return query


def search_incidents(queryset: QuerySet, text: str) -> QuerySet:
    """Incidents matching `text`, best first; ties by latest date, then id, so pages are stable."""
    query = incident_query(text)
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", F("date_earliest").desc(nulls_last=True), "-pk")
    )


# The RUM index on the search document (migration 0026), where the server has RUM.
RANKED_INDEX = "incident_search_rum_idx"
_ranked_index: dict[str, bool] = {}


def has_ranked_index() -> bool:
    """Whether relevance can rank every match (the RUM index is there): checked once per
    process and database, not per request. Without it (the embedded PostgreSQL) relevance
    ranks the sample, and the API ranks every match by computing each one's rank."""
    name = connection.settings_dict["NAME"]
    if name not in _ranked_index:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(%s) AND indisvalid",
                [RANKED_INDEX],
            )
            _ranked_index[name] = cursor.fetchone() is not None
    return _ranked_index[name]


# The distinct words (lexemes) of a tsquery ({tsquery}), as one tsquery matching any of
# them: what the ranked index orders by. RUM's order is exact for whole words each named
# once in the query. A word named twice (the English and French stems of "civilians" are
# the same) is scored once in the index and twice by `<=>` on the row, and a prefix's
# several words are read out of order: measured, 31 and 89 of 300 rows out of the
# distance's order. The lexemes are read from the query's text form ('word', '' for a
# quote).
_WORDS_SQL = (
    "(SELECT coalesce(string_agg(DISTINCT '''' || m[1] || '''', ' | '), '')::tsquery "
    "FROM regexp_matches(({tsquery})::text, '''((?:[^'']|'''')*)''', 'g') m)"
)


def _positive_sql(text: str) -> str:
    """The query of `text`'s positive parts (no exclusion, no prefix) in every
    configuration, as SQL with its text bound (`%` doubled, as `_sql`): incident_query's
    general form without its prefix, written directly (compiling it took 3 ms)."""
    positive = _EXCLUSION.sub(" ", text).strip()
    configs = [SEARCH_CONFIG, "simple", *STEMMED_CONFIGS]
    parts = " || ".join(f"websearch_to_tsquery('{config}', %s)" for config in configs)
    return connection.ops.compose_sql(f"({parts})", [positive] * len(configs)).replace("%", "%%")


def words_sql(text: str) -> str:
    """What relevance ranks by where the ranked index is: the words of `text`
    (_WORDS_SQL), as SQL."""
    return _WORDS_SQL.format(tsquery=_positive_sql(text))


def rank_distance(words: str) -> RawSQL:
    """RUM's distance of the search document from the tsquery `words` (SQL): 1 / (2 x
    ts_rank), so the smallest first is ts_rank's order."""
    return RawSQL(f"(search_vector <=> {words})", [], output_field=FloatField())


def best_matches_sql(
    filtered: QuerySet,
    *,
    tsquery: str,
    words: str,
    columns: tuple[str, ...],
    then: str = "date_earliest DESC NULLS LAST, id DESC",
) -> str:
    """`columns` and `distance` of the best matches of the query (`tsquery`, SQL from
    `_tsquery_sql`) among `filtered` (the incidents the other filters select), best
    first: the first %(best)s and every match tied with the last of them (FETCH FIRST ...
    WITH TIES, which the index's order can serve where a second sort key could not), so
    that ordering them again by distance and then by date and id gives the same rows as
    ordering every match so.

    The distance is from the query's `words` (`words_sql`), read in
    order from the RUM index; each row is then tested against the query itself (a
    function, so that it stays out of the index scan, where a second condition disturbed
    the order). A match found only by the prefix ("attacker" for "attack") has none of the
    words: such matches come after every other, in the order `then` (newest first), and
    are read only when the others are fewer than %(best)s. Composed as text: the query's
    expressions are compiled once (an ORM queryset compiled them five times, 12 ms)."""
    within = _sql(filtered.order_by().values_list(*columns, "search_vector"))
    names = ", ".join(columns)
    return (
        f"WITH exact AS MATERIALIZED (SELECT {names}, search_vector <=> {words} AS distance "
        f"FROM ({within}) f WHERE search_vector @@ {words} "
        f"AND ts_match_vq(search_vector, {tsquery}) "
        f"ORDER BY search_vector <=> {words} FETCH FIRST %(best)s ROWS WITH TIES) "
        "SELECT * FROM exact UNION ALL SELECT * FROM ("
        f"SELECT {names}, 'Infinity'::real AS distance FROM ({within}) f "
        f"WHERE search_vector @@ {tsquery} AND NOT search_vector @@ {words} "
        f"ORDER BY {then} LIMIT %(best)s) p "
        "WHERE (SELECT count(*) FROM exact) < %(best)s"
    )


# The API's list annotates a search's text under this name where the ranked index is,
# instead of matching it (cases.api.filters): its pagination reads the page from the best
# matches (`ranked_page`), its exports every match in the same order (`ranked_matches`).
SEARCH_TEXT = "search_text"


def search_text(queryset: QuerySet) -> str | None:
    """The text of a ranked search `queryset` (annotated SEARCH_TEXT), or None."""
    annotation = queryset.query.annotations.get(SEARCH_TEXT)
    return annotation.value if annotation is not None else None


def ranked_matches(filtered: QuerySet, text: str) -> QuerySet:
    """Every match of `text` among `filtered`, best first, ties by id, newest first (the
    API's order with the ranked index; every match's distance is computed: for exports)."""
    return (
        filtered.filter(search_vector=incident_query(text))
        .annotate(search_distance=rank_distance(words_sql(text)))
        .order_by("search_distance", "-pk")
    )


def ranked_page(filtered: QuerySet, text: str, *, offset: int, limit: int) -> QuerySet:
    """`limit` matches of `text` among `filtered` from position `offset` of `ranked_matches`'
    order, read from the best matches (`best_matches_sql`) instead of ranking every one."""
    best = best_matches_sql(
        filtered,
        tsquery=_tsquery_sql(incident_query(text)),
        words=words_sql(text),
        columns=("id",),
        then="id DESC",
    )
    ids = (
        f"SELECT id FROM ({best}) b ORDER BY distance, id DESC "
        f"OFFSET {int(offset)} LIMIT {int(limit)}"
    ).replace("%(best)s", str(int(offset + limit)))
    return (
        filtered.filter(pk__in=RawSQL(ids, []))
        .annotate(search_distance=rank_distance(words_sql(text)))
        .order_by("search_distance", "-pk")
    )


def search_actions(text: str) -> QuerySet:
    """Public actions whose title, reference or summary match, or whose issuing body or one
    of whose public subjects is an actor found by name, in any script ("Львова-Белова"
    finds the warrant). Ranked by their own fields and their issuing body's name, then the
    latest issued.

    Each way of matching reads its own index, joined by UNION: an OR would compute every
    action's document for every query (1 s at 4,000 actions, docs/search.md).
    """
    query = incident_query(text)
    actors = search_actors(text)
    by_own_fields = AccountabilityAction.objects.filter(search_document=query).values("pk")
    by_issuing_body = AccountabilityAction.objects.filter(
        issuing_body__in=actors.values("pk")
    ).values("pk")
    matching = by_own_fields.union(by_issuing_body, actions_naming(actors))
    # The matches only are ranked, their issuing body's name weighing as a summary does.
    ranked_by = Func(
        F("search_document"),
        SearchVector("issuing_body__name", weight="B", config="simple"),
        arg_joiner=" || ",
        template="(%(expressions)s)",
        output_field=SearchVectorField(),
    )
    return (
        AccountabilityAction.objects.public()
        .filter(issuing_body__in=Actor.objects.public(), pk__in=matching)
        .annotate(rank=SearchRank(ranked_by, query))
        .select_related("issuing_body")
        .order_by("-rank", F("issued_on").desc(nulls_last=True), "-pk")
    )


def search_actors(text: str) -> QuerySet:
    """Public actors whose name or one of whose other names (any script) match.

    Each side is a match on its own expression index (migration 0006), joined by UNION:
    an OR across the two tables would compute every actor's vector instead.
    """
    query = incident_query(text)
    by_name = (
        Actor.objects.annotate(document=SearchVector("name", config="simple"))
        .filter(document=query)
        .values("pk")
    )
    by_other_name = (
        ActorName.objects.annotate(document=SearchVector("name", config="simple"))
        .filter(document=query)
        .values("actor_id")
    )
    return Actor.objects.public().filter(pk__in=by_name.union(by_other_name)).order_by("name", "pk")


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


# "Did you mean …": words of the public search documents (SearchWord) close to a word
# that finds nothing. A word of up to 5 letters may be 1 edit away, a longer one 2
# ("childern" is 2 from "children": a swap is two edits for Levenshtein).
SUGGEST_MIN_LENGTH = 4
SUGGEST_MAX_WORDS = 5  # words of a query corrected, at most
SUGGEST_CANDIDATES = 2_000  # without fuzzystrmatch: the most frequent words ranked in Python
_LETTERS = re.compile(r"[^\W\d_]+")


def refresh_search_words() -> int:
    """Rebuild SearchWord from the words of every public incident's text (title, summary,
    description, search names; unstemmed, any script), with ts_stat; the words' number.

    The one writer of the table: run by the `refresh_search_words` command (after a load,
    an import or a publication round; see docs/search.md). Visibility is the public()
    queryset compiled into ts_stat's statement, never retyped."""
    documents = (
        Incident.objects.public()
        .annotate(
            words=SearchVector("title", "summary", "description", "search_names", config="simple")
        )
        .values_list("words", flat=True)
    )
    statement = connection.ops.compose_sql(*documents.query.sql_with_params())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SearchWord._meta.db_table}")
        cursor.execute(
            f"INSERT INTO {SearchWord._meta.db_table} (word, documents) "
            "SELECT word, ndoc FROM ts_stat(%s) "
            # words, not numbers or codes: at least one letter, no digit or underscore
            "WHERE char_length(word) BETWEEN 3 AND 60 AND word !~ '[0-9_]'",
            [statement],
        )
        return cursor.rowcount


def has_fuzzystrmatch() -> bool:
    """fuzzystrmatch is optional (migration 0014): the embedded PostgreSQL lacks it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'fuzzystrmatch'")
        return cursor.fetchone() is not None


def _max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def levenshtein(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute a letter) from a to b; limit + 1 once past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def _closest_word(word: str, *, in_sql: bool) -> str | None:
    """The public word nearest `word` within its edit limit: fewest edits, then the most
    documents, then alphabetical; None when none is that close. Candidates share its first
    letter and are within the limit in length (the index searchword_first_length_idx)."""
    limit = _max_edits(word)
    candidates = (
        SearchWord.objects.annotate(first=Left("word", 1), length=Length("word"))
        .filter(first=word[0], length__range=(len(word) - limit, len(word) + limit))
        .exclude(word=word)
    )
    if in_sql:
        distance = Func(
            F("word"),
            Value(word),
            Value(limit),
            function="levenshtein_less_equal",
            output_field=IntegerField(),
        )
        return (
            candidates.annotate(distance=distance)
            .filter(distance__lte=limit)
            .order_by("distance", "-documents", "word")
            .values_list("word", flat=True)
            .first()
        )
    ranked = []
    rows = candidates.order_by("-documents", "word").values_list("word", "documents")
    for candidate, documents in rows[:SUGGEST_CANDIDATES]:
        distance = levenshtein(word, candidate, limit)
        if distance <= limit:
            ranked.append((distance, -documents, candidate))
    return min(ranked)[2] if ranked else None


def did_you_mean(text: str) -> str | None:
    """The query with its misspelled words replaced by the closest words of the public
    search documents ("deportaton childern" -> "deportation children"), or None when no
    word needs it, none has a close word, or the corrected query finds no public incident.

    A word needs it when it is not itself a word of the documents; an excluded word
    (-word) is left as typed. Works without pg_trgm or fuzzystrmatch."""
    words = [
        m
        for m in _LETTERS.finditer(text)
        if len(m.group()) >= SUGGEST_MIN_LENGTH and m.group() != "OR" and not _excluded(text, m)
    ][:SUGGEST_MAX_WORDS]
    if not words:
        return None
    lowered = {m.group().lower() for m in words}
    known = set(SearchWord.objects.filter(word__in=lowered).values_list("word", flat=True))
    unknown = sorted(lowered - known)
    if not unknown:
        return None
    in_sql = has_fuzzystrmatch()
    replacements = {}
    for word in unknown:
        closest = _closest_word(word, in_sql=in_sql)
        if closest is not None:
            replacements[word] = closest
    if not replacements:
        return None
    corrected = "".join(
        _replace_words(text, [m for m in words if m.group().lower() in replacements], replacements)
    )
    # The table may be older than the records: offer only what finds a public incident now.
    if not matching_incidents(Filters(text=corrected)).exists():
        return None
    return corrected


def _excluded(text: str, match: re.Match) -> bool:
    """Whether the word is excluded: "-word" at the start or after a space."""
    start = match.start()
    return start > 0 and text[start - 1] == "-" and (start == 1 or text[start - 2].isspace())


def _same_case(typed: str, word: str) -> str:
    """`word` capitalised as the user typed: "Bleova" -> "Belova", "ICCC" -> "ICC"."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[0].isupper():
        return word[0].upper() + word[1:]
    return word


def _replace_words(text: str, matches: list, replacements: dict[str, str]):
    position = 0
    for match in matches:
        yield text[position : match.start()]
        yield _same_case(match.group(), replacements[match.group().lower()])
        position = match.end()
    yield text[position:]


@dataclass
class Filters:
    """The incident filters, validated (records already known to be public): one set, by
    the same names on the search page, its CSV export and the API (the field names below;
    see docs/search.md, "Parameters")."""

    text: str = ""
    country: State | None = None
    subdivision: str = ""
    category: ViolationCategory | None = None
    instrument: Instrument | None = None
    provision: Provision | None = None
    actor: Actor | None = None
    action_kind: str = ""
    action_status: str = ""
    verification_status: str = ""
    conflict_type: str = ""
    year: int | str | None = None  # a year, or START_UNKNOWN
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @classmethod
    def of(cls, values: Mapping, *, text: str = "") -> "Filters":
        """The filters among validated `values` named as the parameters (empty ones: none)."""
        names = [f.name for f in dataclasses.fields(cls) if f.name != "text"]
        return cls(text=text, **{name: values[name] for name in names if values.get(name)})


# The search page's names of four filters before 6 December 2026, and their names now.
# The page and its CSV take them as aliases so that links already shared keep their
# meaning (cases.forms.current_names); the API never took them and answers them with a
# 400 naming the current one.
OLD_NAMES = {
    "kind": "action_kind",
    "status": "verification_status",
    "from": "date_from",
    "to": "date_to",
}


def filter_incidents(queryset: QuerySet, filters: Filters) -> QuerySet:
    """Apply every filter except the text (the page matches it, the API also ranks by it)."""
    qs = queryset
    if filters.country is not None:
        qs = qs.filter(country=filters.country)
    if filters.subdivision:
        qs = qs.filter(subdivision=filters.subdivision)
    if filters.category is not None:
        qs = qs.in_categories(ViolationCategory.objects.descendant_ids([filters.category.pk]))
    if filters.provision is not None:
        qs = qs.qualified_under(provision=filters.provision)
    if filters.instrument is not None:
        qs = qs.qualified_under(instrument=filters.instrument)
    if filters.actor is not None:
        qs = qs.involving(filters.actor)
    if filters.action_kind or filters.action_status:
        qs = qs.with_action(kind=filters.action_kind, status=filters.action_status)
    if filters.verification_status:
        qs = qs.filter(verification_status=filters.verification_status)
    if filters.conflict_type:
        qs = qs.filter(conflict_type=filters.conflict_type)
    if filters.year == START_UNKNOWN:
        qs = qs.filter(date_earliest__isnull=True)
    elif filters.year:
        qs = qs.filter(date_earliest__year=filters.year)
    if filters.date_from or filters.date_to:
        qs = qs.overlapping(filters.date_from, filters.date_to)
    return qs


SORTS = {
    "relevance": gettext_lazy("Relevance"),
    "newest": gettext_lazy("Newest first"),
    "oldest": gettext_lazy("Oldest first"),
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
    start_unknown: int = 0  # in the sample: incidents whose earliest date is unknown
    facets_cut: set[str] = dataclasses.field(default_factory=set)  # values left out: "show all"
    show_all: str = ""  # the capped facet shown in full


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


def _sql(queryset: QuerySet) -> str:
    """A queryset as SQL text with its parameters bound by the driver's own quoting (what
    Django's client-side binding does for every query), `%` doubled so the text can sit
    inside a statement with parameters of its own."""
    return connection.ops.compose_sql(*queryset.query.sql_with_params()).replace("%", "%%")


# The sample, the count, every facet and the timeline in one statement.
#
# `newest` is the matching incidents newest first (highest id first), read up to
# COUNT_LIMIT + 1: their number is the count (`found`). The sample is all of them up to the
# limit, the first SAMPLE_SIZE past it. By id, the sample is the same whatever plan the
# database picks (a scan in storage order stops at different rows), and a term found in
# most incidents walks the primary key backwards and stops. The scan is planned for twice
# the rows it reads (`planned`): planned for those, a term in 0.9% of a million incidents
# walked the primary key backwards through 110,000 rows (440 ms) instead of sorting its
# 8,881 matches found through the index. A CTE is computed only as far as it is read, so a
# walk still stops at COUNT_LIMIT + 1; `found` and `sample` therefore read `newest` in the
# order it was written (newest first) with a LIMIT and no ORDER BY, which would read all
# of it. The scan also takes the columns the facets and the date order read, and, to rank
# by relevance, the tsvector (a reference to its TOASTed value, not the value), so the
# sample is not looked up again by id: ranking reads each sampled vector once more from
# TOAST, not the table row and the vector.
#
# Related rows are read by one index look-up per sampled incident (LATERAL ... OFFSET 0:
# the planner may not turn it into a scan of the whole table, which it prefers on small
# tables even for 2,000 look-ups), then filtered: they count only when public. The
# visibility rules are the models' public() querysets, compiled in, never retyped: a
# sampled incident's qualifications are looked up in
# LegalQualification.objects.of_public_incident() itself (public() for a public incident:
# a public provision, no or a public asserting actor), an involvement's actor and an
# action in Actor's and AccountabilityAction's public(). Facets join the public rows
# themselves (with the name or kind they show), not the table and then a check against
# them, which the planner did by probing the table once per row. Each facet keeps its
# FACET_SIZE largest values, ties by label, then value; categories come with every
# ancestor of a matched category (a broader term counts the incidents of everything under
# it), through the small table of each category's ancestors.
_SAMPLE_SQL = """
WITH RECURSIVE
newest ({columns}) AS MATERIALIZED ({newest}),
found (n) AS MATERIALIZED (SELECT count(*) FROM (SELECT FROM newest LIMIT %(count_limit)s + 1) n),
sample AS MATERIALIZED (
    SELECT * FROM newest
    LIMIT (SELECT CASE WHEN n > %(count_limit)s THEN %(sample_size)s ELSE n END FROM found)
),
ranks_all (yes) AS MATERIALIZED ({ranks_all}),
page (id, position) AS MATERIALIZED (
    SELECT * FROM ({page}) p ORDER BY 2 OFFSET %(offset)s LIMIT %(per_page)s
),
public_actor (id, name) AS NOT MATERIALIZED ({public_actor}),
public_action (id, kind) AS NOT MATERIALIZED ({public_action}),
qualification AS MATERIALIZED (
    SELECT DISTINCT sample.id AS incident_id, q.provision_id
    FROM sample, LATERAL (
        SELECT provision_id FROM ({public_qualification}) q
        WHERE q.incident_id = sample.id OFFSET 0
    ) q
),
sample_involvement AS MATERIALIZED (
    SELECT sample.id AS incident_id, v.actor_id
    FROM sample, LATERAL (
        SELECT actor_id FROM cases_involvement WHERE incident_id = sample.id OFFSET 0
    ) v
),
sample_action AS MATERIALIZED (
    SELECT sample.id AS incident_id, a.accountabilityaction_id AS action_id
    FROM sample, LATERAL (
        SELECT accountabilityaction_id FROM cases_accountabilityaction_incidents
        WHERE incident_id = sample.id OFFSET 0
    ) a
),
sample_category AS MATERIALIZED (
    SELECT sample.id AS incident_id, c.violationcategory_id AS category_id
    FROM sample, LATERAL (
        SELECT violationcategory_id FROM cases_incident_categories
        WHERE incident_id = sample.id OFFSET 0
    ) c
),
category_tree (id, ancestor_id) AS (  -- each category with itself and every ancestor
    SELECT id, id FROM cases_violationcategory
    UNION  -- not ALL: each pair once, and a cycle in the tree ends
    SELECT t.id, c.parent_id
    FROM category_tree t JOIN cases_violationcategory c ON c.id = t.ancestor_id
    WHERE c.parent_id IS NOT NULL
)
SELECT
    (SELECT n FROM found) AS found,
    (SELECT yes FROM ranks_all) AS ranked_all,
    ({rows}) AS rows,
    (SELECT json_agg(x ORDER BY x.value) FROM (
        -- a date as a timestamp without time zone: no time zone to apply per row
        SELECT date_trunc('month', date_earliest::timestamp)::date AS value, count(*) AS n
        FROM sample WHERE date_earliest IS NOT NULL GROUP BY 1
    ) x) AS month,
    (SELECT count(*) FROM sample WHERE date_earliest IS NULL) AS start_unknown,
    (SELECT json_agg(x ORDER BY x.n DESC, x.label, x.value) FROM (
        SELECT s.code AS value, s.name AS label, count(*) AS n
        FROM sample JOIN cases_state s ON s.code = sample.country_id
        GROUP BY s.code, s.name ORDER BY 3 DESC, 2, 1 LIMIT %(size_country)s
    ) x) AS country,
    (SELECT json_agg(x ORDER BY x.n DESC, x.value) FROM (
        SELECT verification_status AS value, count(*) AS n FROM sample GROUP BY 1
    ) x) AS status,
    (SELECT json_agg(x) FROM (
        SELECT c.id, c.parent_id, c.slug AS value, c.name AS label,
               count(DISTINCT f.incident_id) AS n
        FROM sample_category f JOIN category_tree t ON t.id = f.category_id
        JOIN cases_violationcategory c ON c.id = t.ancestor_id
        GROUP BY c.id
    ) x) AS category,
    (SELECT json_agg(x ORDER BY x.n DESC, x.label, x.value) FROM (
        SELECT i.slug AS value, i.short_title AS label, count(DISTINCT q.incident_id) AS n
        FROM qualification q JOIN cases_provision p ON p.id = q.provision_id
        JOIN cases_instrument i ON i.id = p.instrument_id
        GROUP BY i.id ORDER BY 3 DESC, 2, 1 LIMIT %(size_instrument)s
    ) x) AS instrument,
    (SELECT json_agg(x ORDER BY x.n DESC, x.label, x.id) FROM (
        SELECT p.id, p.id::text AS value, i.short_title || ' ' || p.label AS label,
               count(*) AS n
        FROM qualification q JOIN cases_provision p ON p.id = q.provision_id
        JOIN cases_instrument i ON i.id = p.instrument_id
        GROUP BY p.id, i.short_title ORDER BY 4 DESC, 3, 1 LIMIT %(size_provision)s
    ) x) AS provision,
    (SELECT json_agg(x ORDER BY x.n DESC, x.label, x.id) FROM (
        SELECT a.id, a.id::text AS value, a.name AS label, count(*) AS n
        FROM (SELECT DISTINCT incident_id, actor_id FROM sample_involvement) v
        JOIN public_actor a ON a.id = v.actor_id
        GROUP BY a.id, a.name ORDER BY 4 DESC, 3, 1 LIMIT %(size_actor)s
    ) x) AS actor,
    (SELECT json_agg(x ORDER BY x.n DESC, x.value) FROM (
        SELECT a.kind AS value, count(DISTINCT x.incident_id) AS n
        FROM sample_action x JOIN public_action a ON a.id = x.action_id
        GROUP BY 1
    ) x) AS kind
"""

# The rows of a page, `page (id, position)`, with what a result shows
# (templates/cases/_incident_item.html): no model instances to build field by field, no
# query per related table. The search columns and the long description are not read;
# ts_headline runs on the rows shown only.
_ROWS_SQL = """
SELECT json_agg(json_build_object(
    'id', i.id, 'title', i.title, 'date', i.date, 'place_name', i.place_name,
    'verification_status', i.verification_status, 'summary', i.summary,
    'country_id', i.country_id, 'country_name', s.name, 'snippet', {snippet},
    'original_language', i.original_language,
    'title_en', i.title_en, 'title_uk', i.title_uk, 'title_fr', i.title_fr,
    'title_es', i.title_es, 'title_ar', i.title_ar,
    'summary_en', i.summary_en, 'summary_uk', i.summary_uk, 'summary_fr', i.summary_fr,
    'summary_es', i.summary_es, 'summary_ar', i.summary_ar,
    'translated_by_en', i.translated_by_en, 'translated_by_uk', i.translated_by_uk,
    'translated_by_fr', i.translated_by_fr, 'translated_by_es', i.translated_by_es,
    'translated_by_ar', i.translated_by_ar,
    'categories', (
        SELECT json_agg(json_build_object('id', c.id, 'slug', c.slug, 'name', c.name)
                        ORDER BY c.name, c.id)
        FROM cases_incident_categories ic
        JOIN cases_violationcategory c ON c.id = ic.violationcategory_id
        WHERE ic.incident_id = i.id
    )
) ORDER BY page.position)
FROM page JOIN cases_incident i ON i.id = page.id
LEFT JOIN cases_state s ON s.code = i.country_id
"""

_SHOWN = {
    *("id", "title", "summary", "date", "place_name", "verification_status"),
    # What {% record_text %} reads to show the title and summary in the reader's language
    # (shown_text reads the translator too: without it, a query per translated row).
    "original_language",
    *(f"{text}_{code}" for text in ("title", "summary") for code in RECORD_LANGUAGES),
    *(f"translated_by_{code}" for code in RECORD_LANGUAGES),
}
# In the model's field order, which Model.from_db() expects.
_ROW_FIELDS = [f.attname for f in Incident._meta.concrete_fields if f.attname in _SHOWN]


def _tsquery_sql(query: SearchQuery) -> str:
    """The tsquery as SQL text, its parameters bound as in `_sql`."""
    base = Query(Incident)
    compiler = base.get_compiler(connection=connection)
    sql, params = compiler.compile(query.resolve_expression(base))
    return connection.ops.compose_sql(sql, params).replace("%", "%%")


def _rows_sql(tsquery: str | None, language: str | None = None) -> str:
    """`_ROWS_SQL` with a highlighted snippet of the summary when there is a text query.

    The snippet is cut from the summary the reader sees (shown_text's choice): its
    translation into `language` (the active one by default) where there is one, else the
    original, each parsed with its language's text-search configuration."""
    snippet = "NULL"
    if tsquery is not None:
        text, config = _shown_summary_sql(language)
        snippet = f"ts_headline({config}, {text}, {tsquery}, %(headline)s)"
    return _ROWS_SQL.format(snippet=snippet)


def _shown_summary_sql(language: str | None) -> tuple[str, str]:
    """SQL for the summary a reader in `language` sees, and its text-search configuration.
    Only known codes and configurations are written into the SQL."""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    original_config = (
        "(CASE i.original_language "
        + " ".join(f"WHEN '{code}' THEN '{SEARCH_CONFIGS[code]}'" for code in RECORD_LANGUAGES)
        + f" ELSE '{SEARCH_CONFIG}' END)::regconfig"
    )
    if language not in RECORD_LANGUAGES:
        return "i.summary", original_config
    translated = f"i.original_language <> '{language}' AND i.summary_{language} <> ''"
    return (
        f"(CASE WHEN {translated} THEN i.summary_{language} ELSE i.summary END)",
        f"(CASE WHEN {translated} THEN '{SEARCH_CONFIGS[language]}'::regconfig "
        f"ELSE {original_config} END)",
    )


_HEADLINE = {
    # as SearchHeadline writes its options
    "headline": ", ".join(
        f"{option}={value}"
        for option, value in [
            ("StartSel", f"'{MARK_START}'"),
            ("StopSel", f"'{MARK_STOP}'"),
            ("MaxWords", 35),
            ("MinWords", 15),
            ("MaxFragments", 2),
        ]
    ),
}


def _incidents(rows: list[dict] | None) -> list[Incident]:
    """Incidents from `_ROWS_SQL`'s rows: the fields a result shows, the others deferred
    (loaded on access, as with .only()); `country` and `category_list` filled in. A state
    or category shown on several rows is one instance (read only): building model
    instances is a third of the page's Python time."""
    alias = connection.alias  # once: each access goes through the connection proxy
    states: dict[str, State] = {}
    categories: dict[int, ViolationCategory] = {}
    incidents = []
    for row in rows or []:
        incident = Incident.from_db(alias, _ROW_FIELDS, [row[name] for name in _ROW_FIELDS])
        code = row["country_id"]
        if code and code not in states:
            states[code] = State.from_db(alias, ["code", "name"], [code, row["country_name"]])
        incident.country = states[code] if code else None
        for c in row["categories"] or []:
            if c["id"] not in categories:
                categories[c["id"]] = ViolationCategory.from_db(
                    alias, ["id", "slug", "name"], [c["id"], c["slug"], c["name"]]
                )
        incident.category_list = [categories[c["id"]] for c in row["categories"] or []]
        incident.snippet = row["snippet"]
        incidents.append(incident)
    return incidents


def _page_ids_sql(
    sort: str, tsquery: str | None, words: str | None = None, best: str | None = None
) -> str:
    """The sample's ids, each with its position in the requested order: by relevance,
    `ts_rank`, or with the ranked index RUM's distance from the query's `words`
    (`words_sql`): of the `best` matches (`best_matches_sql`) when the statement ranks
    every match (`ranks_all`), else of the sample."""
    if words is not None and sort == "relevance":
        by_date = "date_earliest DESC NULLS LAST, id DESC"
        return (
            f"SELECT id, row_number() OVER (ORDER BY distance, {by_date}) "
            f"FROM ({best}) best WHERE (SELECT yes FROM ranks_all) UNION ALL "
            f"SELECT id, row_number() OVER (ORDER BY search_vector <=> {words}, {by_date}) "
            "FROM sample WHERE NOT (SELECT yes FROM ranks_all)"
        )
    if tsquery is not None and sort == "relevance":
        # as search_incidents() orders: SearchRank is ts_rank
        return (
            f"SELECT id, row_number() OVER (ORDER BY ts_rank(search_vector, {tsquery}) DESC, "
            "date_earliest DESC NULLS LAST, id DESC) FROM sample"
        )
    order = "ASC NULLS LAST, id ASC" if sort == "oldest" else "DESC NULLS LAST, id DESC"
    return f"SELECT id, row_number() OVER (ORDER BY date_earliest {order}) FROM sample"


# Where the ranked index is, the page ranks every match when the query's words are
# estimated in at most RANK_LIMIT incidents: RUM reads its ordered matches at about
# 2.5 microseconds each (docs/search.md), so 20,000 cost about 50 ms. Past it, or with
# at most COUNT_LIMIT matches (the sample is then every match), the sample is ranked.
RANK_LIMIT = 20_000


def ranks_all_sql(words: str) -> str:
    """Whether the page ranks every match, in the statement: more than COUNT_LIMIT matches
    and the query's `words` (`words_sql`) estimated by the planner in at most RANK_LIMIT
    incidents (`ihl_estimated_matches`, migration 0026: an EXPLAIN of the words' match,
    run only past the count's limit; reading the column's statistics in SQL instead cost
    6 to 10 ms)."""
    return (
        "SELECT (SELECT n FROM found) > %(count_limit)s "
        f"AND (SELECT ihl_estimated_matches({words}) <= %(rank_limit)s)"
    )


def page_rows(ids: list[int], tsquery: str | None) -> list[Incident]:
    """The incidents of these ids, in this order, as `_ROWS_SQL` reads them."""
    sql = (
        "WITH page (id, position) AS (SELECT * FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY) "
        + _rows_sql(tsquery)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": [int(pk) for pk in ids], **_HEADLINE})
        return _incidents(cursor.fetchone()[0])


@dataclass
class Sample:
    """The matches' count up to COUNT_LIMIT, and the facets, timeline and one page of
    the sample (every match up to the limit, the newest SAMPLE_SIZE past it)."""

    rows: list[Incident]
    total: int
    more: bool
    size: int  # incidents in the sample
    facets: dict[str, list[FacetValue]]
    timeline: list[tuple[datetime.date, int]]
    timeline_unit: str
    start_unknown: int = 0  # sampled incidents without an earliest date
    facets_cut: set[str] = dataclasses.field(default_factory=set)  # capped, values left out
    ranked_all: bool = False  # relevance ordered every match, not the sample


@functools.cache
def _visibility_sql() -> dict[str, str]:
    """The public() rules of the related tables as SQL, compiled once per process."""
    return {
        "public_actor": _sql(Actor.objects.public().values("pk", "name")),
        "public_qualification": _sql(
            LegalQualification.objects.of_public_incident().values("incident_id", "provision_id")
        ),
        "public_action": _sql(AccountabilityAction.objects.public().values("pk", "kind")),
    }


def sample_and_facets(
    matches: QuerySet,
    *,
    sort: str = "newest",
    tsquery: str | None = None,
    offset: int = 0,
    per_page: int = 20,
    show_all: str = "",
    words: str | None = None,
    best: str | None = None,
) -> Sample:
    """The sample, the count, the facets, the timeline of `matches` and one page of the
    sample in `sort` order (relevance needs `tsquery`, from `_tsquery_sql`), in one query.
    Given the query's `words` (`words_sql`, where `has_ranked_index()`) and the `best`
    matches (`best_matches_sql`), relevance ranks every match when the statement finds
    more than COUNT_LIMIT and the words in at most RANK_LIMIT incidents (`ranks_all_sql`,
    `Sample.ranked_all`), else the sample, by RUM's distance either way.

    The capped facets keep their FACET_SIZE largest values, `show_all` (one of
    CAPPED_FACETS) up to FACET_ALL_SIZE; one more is read to tell whether any were left
    out (`Sample.facets_cut`)."""
    columns = ["id", "country_id", "verification_status", "date_earliest"]
    if tsquery is not None and sort == "relevance":
        columns.append("search_vector")
    ranks_all = "SELECT false"
    if words is not None and sort == "relevance":
        ranks_all = ranks_all_sql(words)
    planned = 2 * COUNT_LIMIT + 1  # see _SAMPLE_SQL: the statement reads COUNT_LIMIT + 1
    newest = matches.order_by("-pk").values_list(*columns)[:planned]
    sql = _SAMPLE_SQL.format(
        columns=", ".join(columns),
        newest=_sql(newest),
        page=_page_ids_sql(sort, tsquery, words, best),
        ranks_all=ranks_all,
        rows=_rows_sql(tsquery),
        **_visibility_sql(),
    )
    params = {
        "count_limit": COUNT_LIMIT,
        "sample_size": min(SAMPLE_SIZE, COUNT_LIMIT),
        **{
            f"size_{name}": (FACET_ALL_SIZE if name == show_all else FACET_SIZE) + 1
            for name in CAPPED_FACETS
        },
        "offset": offset,
        "per_page": per_page,
        "rank_limit": RANK_LIMIT,
        "best": offset + per_page,
        **_HEADLINE,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = dict(zip([c.name for c in cursor.description], cursor.fetchone(), strict=True))

    def values(name: str) -> list[dict]:
        return row[name] or []

    status_labels = dict(Incident._meta.get_field("verification_status").choices)
    kind_labels = dict(AccountabilityAction._meta.get_field("kind").choices)
    months = [(datetime.date.fromisoformat(v["value"]), v["n"]) for v in values("month")]
    start_unknown = row["start_unknown"]
    facets = {
        "country": [FacetValue(v["value"], v["label"], v["n"]) for v in values("country")],
        "verification_status": [
            FacetValue(v["value"], status_labels[v["value"]], v["n"]) for v in values("status")
        ],
        "year": [
            FacetValue(
                str(year) if year else START_UNKNOWN,
                str(year) if year else gettext_lazy("Start unknown"),
                n,
            )
            for year, n in sorted(
                year_buckets(months, start_unknown), key=lambda b: (b[0] is None, -(b[0] or 0))
            )
        ],
        "category": _category_tree(values("category")),
        "instrument": [FacetValue(v["value"], v["label"], v["n"]) for v in values("instrument")],
        "provision": [FacetValue(v["value"], v["label"], v["n"]) for v in values("provision")],
        "actor": [FacetValue(v["value"], v["label"], v["n"]) for v in values("actor")],
        "action_kind": [
            FacetValue(v["value"], kind_labels[v["value"]], v["n"]) for v in values("kind")
        ],
    }
    cut = set()
    for name in CAPPED_FACETS:
        limit = params[f"size_{name}"] - 1
        if len(facets[name]) > limit:
            facets[name] = facets[name][:limit]
            cut.add(name)
    found = row["found"]
    more = found > COUNT_LIMIT
    return Sample(
        _incidents(row["rows"]),
        min(found, COUNT_LIMIT),
        more,
        params["sample_size"] if more else found,
        facets,
        *_timeline(months),
        start_unknown=start_unknown,
        facets_cut=cut,
        ranked_all=row["ranked_all"],
    )


def year_buckets(
    months: list[tuple[datetime.date, int]], start_unknown: int
) -> list[tuple[int | None, int]]:
    """Incidents per year of their earliest date, oldest first, then (None, n) for the n
    whose start is unknown (an open start, "../2023-03-17", or no date at all) when there
    are any: the one grouping of the Year facet and of the timeline's "start unknown", so
    that the buckets add up to the incidents counted."""
    years: dict[int, int] = {}
    for month, n in months:
        years[month.year] = years.get(month.year, 0) + n
    buckets: list[tuple[int | None, int]] = sorted(years.items())
    if start_unknown:
        buckets.append((None, start_unknown))
    return buckets


def _category_tree(rows: list[dict]) -> list[FacetValue]:
    """Matched categories and their ancestors as a tree, siblings by name."""
    children: dict[int | None, list[dict]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)
    result: list[FacetValue] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for row in sorted(children.get(parent_id, []), key=lambda r: (r["label"], r["id"])):
            result.append(FacetValue(row["value"], row["label"], row["n"], depth))
            walk(row["id"], depth + 1)

    walk(None, 0)
    return result


def _timeline(
    months: list[tuple[datetime.date, int]],
) -> tuple[list[tuple[datetime.date, int]], str]:
    """Incidents per month (spans up to three years) or per year, by their earliest date."""
    if not months:
        return [], "year"
    first, last = months[0][0], months[-1][0]
    if (last.year - first.year) * 12 + last.month - first.month < 36:
        return _fill_months(months), "month"
    years: dict[int, int] = {}
    for month, n in months:
        years[month.year] = years.get(month.year, 0) + n
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


def search_page(
    filters: Filters, *, sort: str, page: int, per_page: int = 20, show_all: str = ""
) -> SearchPage:
    """Count, one ordered page with snippets, facets and timeline, in one query, two when
    the page is not among the sample's.

    One query takes the count up to COUNT_LIMIT, the sample (every match up to the limit,
    the newest SAMPLE_SIZE by id past it), facets, timeline and the requested page of the
    sample, ranked by relevance or ordered by date (`sample_and_facets`). Relevance orders
    the sample only, which then has as many pages as the sample, except where the server
    has the ranked index and the statement finds the words in few enough incidents: then
    it orders every match, its page read in the same statement from the best matches.
    Sorting by date orders every match, so past the limit the page's ids are taken from
    every match and its rows read again; a page past the last one is the last page, taken
    as the first was.
    """
    matches = matching_incidents(filters)
    if sort == "relevance" and not filters.text:
        sort = "newest"
    query = incident_query(filters.text) if filters.text else None
    tsquery = _tsquery_sql(query) if query is not None else None
    requested = max(page, 1)
    ranked = query is not None and sort == "relevance"
    # With the ranked index, relevance may order every match, as a date sort does.
    on_ranked_index = ranked and has_ranked_index()
    words = words_sql(filters.text) if on_ranked_index else None

    def sample_with_page(page: int) -> Sample:
        offset = (page - 1) * per_page
        return sample_and_facets(
            matches,
            sort=sort,
            tsquery=tsquery,
            offset=offset,
            per_page=per_page,
            show_all=show_all if show_all in CAPPED_FACETS else "",
            words=words,
            best=best_matches_sql(
                filter_incidents(Incident.objects.public(), filters),
                tsquery=tsquery,
                words=words,
                columns=("id", "date_earliest"),
            )
            if words
            else None,
        )

    sample = sample_with_page(requested)
    total, sampled = sample.total, sample.more
    ranks_sample = ranked and not sample.ranked_all
    pages = max(1, -(-(sample.size if ranks_sample else total) // per_page))
    page = min(requested, pages)
    rows = sample.rows
    if sampled and not ranked:
        offset = (page - 1) * per_page
        ordered = matches.order_by(*_date_order(sort)).values_list("pk", flat=True)
        rows = page_rows(list(ordered[offset : offset + per_page]), tsquery)
    elif page != requested:
        rows = sample_with_page(page).rows

    return SearchPage(
        incidents=rows,
        total=total,
        total_is_lower_bound=sample.more,
        page=page,
        pages=pages,
        per_page=per_page,
        facets=sample.facets,
        facets_are_sample=sampled,
        timeline=sample.timeline,
        timeline_unit=sample.timeline_unit,
        ranked_sample=ranks_sample and sampled,
        sample_size=sample.size,
        start_unknown=sample.start_unknown,
        facets_cut=sample.facets_cut,
        show_all=show_all if show_all in CAPPED_FACETS else "",
    )
