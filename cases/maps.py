"""Where incidents happened: the places of a set of public incidents, for the map and the
list of places beside it (templates/cases/_map.html, static/js/map.js; docs/map.md).

An incident is placed at its own coordinates when it has them, with their precision; else
at the point of its ISO 3166-2 subdivision; else at the point of its country; and each
place says which. Those points are stored in map_points.json (Natural Earth; written by
`manage.py build_map_points`). An incident with no place, or with a country the boundaries
do not know (the USSR), is counted but not drawn.

Every set of incidents comes from a public() queryset (the search page's
matching_incidents(), the incidents browse page's list, an actor's or a state's
incidents): this module only groups what it is given, in one query.
"""

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.db.models import QuerySet
from django.http import JsonResponse, QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from cases import search
from cases.forms import SearchForm
from cases.models import Incident
from cases.models.incidents import CoordinatePrecision

POINTS_FILE = Path(__file__).with_name("map_points.json")
# Places listed beside the map (a list anyone can read, with or without scripts), and the
# most places one map draws: past that, the places with the fewest incidents are left out,
# and the map says how many.
LIST_SIZE = 12
MAP_LIMIT = 2_000
# Incidents named in a place's pop-up; the rest are a link to the search.
TITLES_PER_PLACE = 5
# The map reads at most this many matches, the most recently added: as far as the
# search's count is exact, so are the map's figures; past it, they describe the newest
# matches, as the facets do. Grouping every one of 89,000 matches cost three times the
# search page's own database work (docs/map.md, "Cost").
SAMPLE_SIZE = search.COUNT_LIMIT

PLACED_AT_COORDINATES = "coordinates"
PLACED_AT_SUBDIVISION = "subdivision"
PLACED_AT_COUNTRY = "country"


@functools.cache
def _points() -> dict:
    return json.loads(POINTS_FILE.read_text(encoding="utf-8"))


def country_point(code: str | None) -> tuple[float, float] | None:
    point = _points()["countries"].get(code or "")
    return (point[0], point[1]) if point else None


def subdivision_point(code: str) -> tuple[float, float, str] | None:
    """(latitude, longitude, Natural Earth's name) of an ISO 3166-2 subdivision, or None."""
    point = _points()["subdivisions"].get(code or "")
    return (point[0], point[1], point[2]) if point else None


@functools.cache
def _incident_url_pattern(language: str) -> str:
    with translation.override(language):
        return reverse("cases:incident-detail", args=[123456789])


def incident_url(pk: int) -> str:
    """An incident's address in the active language (/fr/incidents/12/), without resolving
    the URL pattern again for each of the map's thousands of titles."""
    pattern = _incident_url_pattern(translation.get_language())
    return pattern.replace("123456789", str(int(pk)))


@dataclass
class Place:
    """Incidents recorded at the same place: the same coordinates, or (without coordinates)
    the same subdivision of the same country."""

    country_code: str
    country_name: str
    subdivision: str
    latitude: float | None
    longitude: float | None
    precision: str  # CoordinatePrecision, with coordinates
    count: int
    place_names: list[str] = field(default_factory=list)
    incidents: list[tuple[int, str]] = field(default_factory=list)  # (id, title), newest

    @property
    def subdivision_name(self) -> str:
        point = subdivision_point(self.subdivision) if self.subdivision else None
        return point[2] if point else ""

    @property
    def placed_at(self) -> str:
        """Where the marker stands: coordinates, subdivision, country, or "" (not drawn)."""
        if self.latitude is not None:
            return PLACED_AT_COORDINATES
        if self.subdivision and subdivision_point(self.subdivision):
            return PLACED_AT_SUBDIVISION
        if country_point(self.country_code):
            return PLACED_AT_COUNTRY
        return ""

    @property
    def point(self) -> tuple[float, float] | None:
        """Where the marker stands (see placed_at), or None."""
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        region = subdivision_point(self.subdivision) if self.subdivision else None
        if region is not None:
            return (region[0], region[1])
        return country_point(self.country_code)

    @property
    def label(self) -> str:
        """ "Mariupol, Donets'k (UA-14), Ukraine"; "Place not recorded"."""
        names = [n for n in self.place_names if n not in (self.country_name, self.subdivision)]
        parts = [" / ".join(names[:2])] if names else []
        if self.subdivision:
            name = self.subdivision_name
            parts.append(f"{name} ({self.subdivision})" if name else self.subdivision)
        if self.country_name:
            parts.append(self.country_name)
        return ", ".join(parts) or _("Place not recorded")

    @property
    def precision_text(self) -> str:
        """How exact the marker is, in words a reader needs beside it."""
        placed_at = self.placed_at
        if placed_at == PLACED_AT_COORDINATES:
            labels = dict(CoordinatePrecision.choices)
            return _("Coordinates recorded, precision: %(precision)s") % {
                "precision": str(labels.get(self.precision, self.precision)).lower()
            }
        if placed_at == PLACED_AT_SUBDIVISION:
            return _("No coordinates recorded: placed at the centre of %(region)s") % {
                "region": self.subdivision_name or self.subdivision
            }
        if placed_at == PLACED_AT_COUNTRY:
            return _("No coordinates or region recorded: placed at the centre of %(country)s") % {
                "country": self.country_name
            }
        if self.country_name:
            return _("Not on the map: no boundaries are known for %(country)s") % {
                "country": self.country_name
            }
        return _("Not on the map: no place is recorded")

    def search_params(self) -> dict[str, str]:
        """The search filters that find this place's incidents (and its neighbours at other
        coordinates in the same subdivision or country: the filters go no finer)."""
        params = {}
        if self.country_code:
            params["country"] = self.country_code
        if self.subdivision:
            params["subdivision"] = self.subdivision
        return params

    def search_url(self, params: QueryDict) -> str:
        """The search with `params` (the filters of the page the place is listed on) narrowed
        to this place's country and subdivision; "" for a place with no country."""
        if not self.country_code:
            return ""
        narrowed = params.copy()
        for name in ("page", "sort", "subdivision"):
            narrowed.pop(name, None)
        for name, value in self.search_params().items():
            narrowed[name] = value  # replaces: QueryDict.update() would add a second value
        return f"{reverse('cases:search')}?{narrowed.urlencode()}"

    def as_json(self, params: QueryDict) -> dict:
        """The map's marker of a place (static/js/map.js); only for a place with a point."""
        point = self.point
        if point is None:
            raise ValueError(f"{self.label} has no point to draw")
        return {
            "lat": point[0],
            "lon": point[1],
            "placed_at": self.placed_at,
            "precision": self.precision or self.placed_at,
            "precision_text": self.precision_text,
            "label": self.label,
            "count": self.count,
            "incidents": [
                {"title": title, "url": incident_url(pk)} for pk, title in self.incidents
            ],
            "search_url": self.search_url(params) if self.count > len(self.incidents) else "",
        }

    @classmethod
    def of_incident(cls, incident: Incident) -> "Place":
        """One incident's place (its country already loaded: no query)."""
        return cls(
            country_code=incident.country_id or "",
            country_name=incident.country.name if incident.country else "",
            subdivision=incident.subdivision,
            latitude=float(incident.latitude) if incident.latitude is not None else None,
            longitude=float(incident.longitude) if incident.longitude is not None else None,
            precision=incident.coordinate_precision,
            count=1,
            place_names=[incident.place_name] if incident.place_name else [],
            incidents=[(incident.pk, incident.title)],
        )


@dataclass
class Places:
    """The places of a set of incidents, most incidents first, up to a limit."""

    places: list[Place]
    place_count: int  # every place, listed or not
    incident_count: int
    sampled: bool  # past SAMPLE_SIZE matches: the places of the SAMPLE_SIZE newest

    @property
    def sample_size(self) -> int:
        return SAMPLE_SIZE

    @property
    def drawn(self) -> list[Place]:
        return [place for place in self.places if place.placed_at]

    @property
    def more(self) -> int:
        return self.place_count - len(self.places)


# One statement: the incidents' places, each with its count, its first incidents' ids and
# titles and its place names; and the number of places and of incidents in all (window
# functions over the groups, so the limit does not hide them).
_PLACES_SQL = """
WITH newest AS MATERIALIZED ({incidents}),  -- the newest SAMPLE_SIZE + 1 matches, by id
m AS (SELECT * FROM newest ORDER BY id DESC LIMIT %s)
SELECT m.country_id, s.name, m.subdivision, m.latitude, m.longitude, m.coordinate_precision,
       count(*) AS n,
       (array_agg(m.id ORDER BY m.id DESC))[1:%s] AS ids,
       (array_agg(m.title ORDER BY m.id DESC))[1:%s] AS titles,
       (array_agg(DISTINCT m.place_name) FILTER (WHERE m.place_name <> ''))[1:3] AS names,
       count(*) OVER () AS places,
       sum(count(*)) OVER () AS incidents,
       (SELECT count(*) FROM newest) > %s AS sampled
FROM m LEFT JOIN cases_state s ON s.code = m.country_id
GROUP BY m.country_id, s.name, m.subdivision, m.latitude, m.longitude, m.coordinate_precision
ORDER BY n DESC, m.country_id, m.subdivision, m.latitude, m.longitude
LIMIT %s
"""


def incident_places(incidents: QuerySet, *, limit: int) -> Places:
    """The places of `incidents` (a public() queryset), in one query: of every incident up
    to SAMPLE_SIZE, else of the SAMPLE_SIZE most recently added (by id, as the search's
    sample: the scan stops there instead of grouping every match)."""
    columns = ["id", "title", "country_id", "subdivision", "latitude", "longitude"]
    newest = incidents.order_by("-pk").values(*columns, "coordinate_precision", "place_name")
    sql, params = newest[: SAMPLE_SIZE + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            _PLACES_SQL.format(incidents=sql),
            [*params, SAMPLE_SIZE, TITLES_PER_PLACE, TITLES_PER_PLACE, SAMPLE_SIZE, limit],
        )
        rows = cursor.fetchall()
    places = [
        Place(
            country_code=code or "",
            country_name=name or "",
            subdivision=subdivision,
            latitude=float(lat) if lat is not None else None,
            longitude=float(lon) if lon is not None else None,
            precision=precision,
            count=n,
            place_names=names or [],
            incidents=list(zip(ids, titles, strict=True)),
        )
        for code, name, subdivision, lat, lon, precision, n, ids, titles, names, *_ in rows
    ]
    if not rows:
        return Places([], 0, 0, sampled=False)
    return Places(places, rows[0][10], int(rows[0][11]), sampled=rows[0][12])


class SearchMapView(View):
    """The places of the search's matches as JSON, for the map (static/js/map.js): the
    search page's filters by the same names, validated by the same form. A parameter that
    does not validate is a 400 naming it, as for the CSV."""

    def get(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return form.bad_request()
        places = incident_places(search.matching_incidents(form.filters()), limit=MAP_LIMIT)
        params = form.valid_params()
        return JsonResponse(
            {
                "places": [place.as_json(params) for place in places.drawn],
                "place_count": places.place_count,
                "incident_count": places.incident_count,
                "not_drawn": sum(p.count for p in places.places if not p.placed_at),
                "places_left_out": places.more,
                "sample_size": places.sample_size if places.sampled else 0,
            }
        )
