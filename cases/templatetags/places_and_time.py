"""Template helpers of the map and the timeline (cases/maps.py, cases/timeline.py). They
compute from what the view already loaded: no query."""

from django import template
from django.http import QueryDict

from cases import maps, timeline

register = template.Library()


@register.simple_tag
def search_timeline(results) -> timeline.Timeline | None:
    """The timeline of a search page's results (cases.search.SearchPage)."""
    return timeline.build(results.timeline, results.timeline_unit, results.sample_size)


@register.simple_tag
def incident_place(incident) -> maps.Place:
    """One incident's place, for the map on its page."""
    return maps.Place.of_incident(incident)


@register.simple_tag(takes_context=True)
def map_data(context, place: maps.Place) -> dict:
    """The map's data for one place, as the JSON endpoint gives it (cases.maps.SearchMapView)."""
    drawn = [place.as_json(context["request"].GET)] if place.placed_at else []
    return {
        "places": drawn,
        "place_count": 1,
        "incident_count": place.count,
        "not_drawn": 0 if drawn else place.count,
        "places_left_out": 0,
        "sample_size": 0,
    }


@register.simple_tag
def place_search_url(place: maps.Place, query_string: str = "") -> str:
    """The search narrowed to a place, keeping the filters in `query_string`."""
    return place.search_url(QueryDict(query_string))
