"""The map and the timeline in Chromium: drawn from this site alone (every request's host is
the live server's), under the content security policy, usable from the keyboard, with no
axe-core violation once drawn. Screenshots at 1280 and 390 px go to var/screenshots/ (not
in git), beside test_accessibility.py's."""

import decimal
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from cases import models as m
from tests import factories as f

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = [1280, 390]


@pytest.fixture(scope="module")
def places(e2e_world, django_db_blocker):
    """Beside the world's incidents known by their country only: one at exact coordinates
    (Mariupol), one known by its region only (Zaporizhzhia, UA-23), and a hidden one at
    coordinates of its own."""
    with django_db_blocker.unblock():
        return _add_places(e2e_world)


def _add_places(e2e_world):
    exact = f.IncidentFactory(
        published=True,
        title="Strike on the Mariupol drama theatre",
        date="2022-03-16",
        country=e2e_world.ua,
        subdivision="UA-14",
        place_name="Mariupol",
        latitude=decimal.Decimal("47.09570"),
        longitude=decimal.Decimal("37.54940"),
        coordinate_precision=m.CoordinatePrecision.EXACT,
    )
    region = f.IncidentFactory(
        published=True,
        title="Detention of three partisans",
        date="2023-03-17",
        country=e2e_world.ua,
        subdivision="UA-23",
    )
    hidden = e2e_world.hidden_confidential_incident
    hidden.latitude, hidden.longitude = decimal.Decimal("50.45"), decimal.Decimal("30.52")
    hidden.coordinate_precision = m.CoordinatePrecision.EXACT
    hidden.save()
    return exact, region


def _watch(page, site) -> tuple[list[str], list[str]]:
    """Every request's host, and every console error (a CSP violation is one)."""
    hosts, errors = [], []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return hosts, errors


def _drawn(page) -> None:
    page.wait_for_selector(".incident-map[data-drawn] .map-status:not(:empty)")


def _axe(page) -> list:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # devtools protocol: not under the CSP
    return page.evaluate("axe.run(document).then(r => r.violations)")


def test_the_search_map_draws_every_place_from_this_site_alone(page, site, places):
    hosts, errors = _watch(page, site)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/search/")
        _drawn(page)
        page.locator(".map-canvas").scroll_into_view_if_needed()
        status = page.locator(".map-status").inner_text()
        assert "4 incidents on the map at 3 places" in status
        titles = page.eval_on_selector_all(
            ".map-canvas .map-marker, .map-canvas .map-cluster",
            "els => els.map(e => e.title || e.textContent)",
        )
        assert any("Mariupol" in t and "precision: exact location" in t for t in titles), titles
        assert any("placed at the centre of Zaporizhzhia" in t for t in titles), titles
        assert any("placed at the centre of Ukraine" in t for t in titles), titles
        assert page.locator(".map-canvas path.map-country").count() > 100  # the boundaries
        page.screenshot(path=SCREENSHOTS / f"map-search-{width}.png", full_page=True)
        violations = _axe(page)
        assert violations == [], [v["id"] for v in violations]
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False, f"the search page scrolls sideways at {width} px"
    assert set(hosts) == {urlsplit(site.url).netloc}, set(hosts)
    assert errors == []
    assert "ZZSECRETMARKER" not in page.content()


def test_a_marker_opens_from_the_keyboard(page, site, places):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/search/")
    _drawn(page)
    page.focus(".map-canvas")
    page.keyboard.press("Tab")
    marker = page.locator(".map-canvas .map-marker:focus")
    expect(marker).to_have_attribute("title", re.compile("incident"))
    focused = marker.get_attribute("title")
    page.keyboard.press("Enter")
    # Leaflet fills and fades in the pop-up after the key: wait for its words, not a time
    expect(page.locator(".leaflet-popup-content")).to_contain_text(focused.split(":")[0])
    popup = page.locator(".leaflet-popup-content")
    # the focus is on the pop-up's first incident, a link to its page
    assert page.evaluate("document.activeElement.closest('.leaflet-popup-content') !== null")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("/incidents/")
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")  # Leaflet fades it out first
    assert page.evaluate("document.activeElement.title") == focused  # back on the marker


def test_the_incident_page_shows_its_place_with_its_precision(page, site, places):
    exact, _ = places
    hosts, errors = _watch(page, site)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(exact.get_absolute_url())
        _drawn(page)
        marker = page.locator(".map-canvas .map-marker.precision-exact")
        assert marker.count() == 1
        assert "Mariupol" in marker.get_attribute("title")
        page.screenshot(path=SCREENSHOTS / f"map-incident-{width}.png", full_page=True)
        assert _axe(page) == []
    assert set(hosts) == {urlsplit(site.url).netloc}
    assert errors == []


def test_the_incidents_browse_page_has_the_map(page, site, places):
    hosts, errors = _watch(page, site)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/incidents/")
    _drawn(page)
    assert "4 incidents on the map at 3 places" in page.locator(".map-status").inner_text()
    page.screenshot(path=SCREENSHOTS / "map-incident-list-390.png", full_page=True)
    assert _axe(page) == []
    # In Ukrainian the script's words come from the catalog (/uk/jsi18n/), plural and all.
    page.goto("/uk/incidents/")
    _drawn(page)
    assert page.locator(".map-status").inner_text() == "4 інциденти на карті (місць: 3)."
    assert set(hosts) == {urlsplit(site.url).netloc}
    assert errors == []


def test_the_map_follows_the_filters(page, site, places):
    """A filter followed on the page (htmx replaces the results) draws the map anew."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/search/")
    _drawn(page)
    page.fill("#id_q", "Mariupol theatre")
    # the CSP allows no eval, so no wait_for_function: wait for the new status text
    page.locator(".map-status", has_text="1 incident on the map").wait_for()
    assert page.locator(".map-canvas .map-marker.precision-exact").count() == 1


def test_timeline_bars_are_links_to_their_period(page, site, places):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/search/")
        page.screenshot(path=SCREENSHOTS / f"timeline-search-{width}.png", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/search/")
    bar = page.get_by_role("link", name="March 2022: 2 incidents")
    bar.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**date_from=2022-03-01**")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"date_from": ["2022-03-01"], "date_to": ["2022-03-31"]}
    results = page.locator("ol.results").inner_text()
    assert "Strike on the Mariupol drama theatre" in results
    assert "Shelling of a hospital" in results
    assert page.locator("#id_from").input_value() == "2022-03-01"
