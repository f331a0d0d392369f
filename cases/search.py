"""Full-text search: the one place that turns a user's query into SQL.

Incidents carry a stored, weighted tsvector (Incident.search_vector: title and the names of
involved actors, place and provision labels weight A, summary B, description C). Queries
use websearch syntax: "quoted phrases", OR, -exclusion.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet

from cases.models.incidents import SEARCH_CONFIG

MAX_QUERY_LENGTH = 500


def incident_query(text: str) -> SearchQuery:
    """A websearch query matching English stems and exact words (names in any script)."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG) | SearchQuery(
        text, search_type="websearch", config="simple"
    )


def search_incidents(queryset: QuerySet, text: str) -> QuerySet:
    """Incidents matching `text`, best first; ties by latest date, then id, so pages are stable."""
    query = incident_query(text)
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", F("date_earliest").desc(nulls_last=True), "-pk")
    )
