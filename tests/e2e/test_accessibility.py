"""axe-core finds no violation on any page type, at a desktop and a phone width.

axe-core is vendored beside this file (tests/e2e/vendor, MPL-2.0, licence beside it) and
injected through the browser's devtools protocol, so the site's content security policy is
not loosened for the test. A screenshot of each page at each width is written to
var/screenshots/ to look at (the folder is not in git).
"""

from pathlib import Path

import pytest

from cases import models as m
from tests import factories as f

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = [1280, 390]


@pytest.fixture(scope="module", autouse=True)
def many_records(e2e_world, django_db_blocker):
    """Enough actors and incidents for a second page of each list."""
    with django_db_blocker.unblock():
        for n in range(60):
            f.ActorFactory(published=True, name=f"Official {n:02d}", kind=m.ActorKind.STATE_ORGAN)
        for n in range(45):
            f.IncidentFactory(published=True, title=f"Looting {n}", date=f"{1990 + n % 30}-05-01")


# page type -> its address in the world
PAGES = {
    "home": lambda w: "/",
    "search": lambda w: "/search/?q=Ukraine",
    "search, many results": lambda w: "/search/?page=2",
    "search, empty": lambda w: "/search/",
    "search, no result": lambda w: "/search/?q=nothingmatchesthis&country=UA",
    "incident": lambda w: w.incident.get_absolute_url(),
    "action": lambda w: w.warrant.get_absolute_url(),
    "actor": lambda w: w.lvova.get_absolute_url(),
    "source": lambda w: w.press.get_absolute_url(),
    "state": lambda w: w.ua.get_absolute_url(),
    "instrument list": lambda w: "/law/",
    "instrument": lambda w: w.gc4.get_absolute_url(),
    "provision": lambda w: w.art49.get_absolute_url(),
    "category list": lambda w: "/categories/",
    "category": lambda w: w.deportation.get_absolute_url(),
    "incident list": lambda w: "/incidents/",
    "action list": lambda w: "/actions/",
    "actor list, page 2": lambda w: "/actors/?page=2",
    "source list": lambda w: "/sources/",
    "state list": lambda w: "/states/",
    "about": lambda w: "/about/",
    "withdrawn record": lambda w: w.hidden_withdrawn_incident.get_absolute_url(),
    "not a page number": lambda w: "/actors/?page=0",
}


def _describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(page, e2e_world, name):
    url = PAGES[name]
    source = AXE.read_text(encoding="utf-8")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url(e2e_world))
        assert response.status < 500, name
        page.evaluate(source)  # through the devtools protocol: not subject to the CSP
        result = page.evaluate(
            "axe.run(document).then(r => ({violations: r.violations, passes: r.passes.length}))"
        )
        violations = result["violations"]
        assert result["passes"] > 10, "axe did not run"
        page.screenshot(
            path=SCREENSHOTS / f"{name.replace(', ', '-').replace(' ', '-')}-{width}.png",
            full_page=True,
        )
        assert violations == [], f"{name} at {width} px:\n{_describe(violations)}"
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False, f"{name} scrolls sideways at {width} px"
