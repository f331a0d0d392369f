"""The interface in another language, in a real browser: the switcher, the first visit
from a browser set to French, and Arabic right to left: a mirrored layout, axe-core at no
violation, and screenshots at a desktop and a phone width (var/screenshots/, not in git)."""

import pytest

from tests.e2e.test_accessibility import AXE, SCREENSHOTS, WIDTHS, _describe

pytestmark = pytest.mark.browser


def _lang_and_dir(page) -> tuple[str, str]:
    return page.evaluate("[document.documentElement.lang, document.documentElement.dir]")


def test_the_switcher_changes_the_language_of_the_same_page(page, e2e_world):
    url = e2e_world.incident.get_absolute_url()
    page.goto(url)
    assert _lang_and_dir(page) == ["en", "ltr"]
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Українська").click()
    page.wait_for_url(f"**/uk{url}")
    assert _lang_and_dir(page) == ["uk", "ltr"]
    assert page.get_by_role("heading", name="Суб'єкти та їхні ролі").is_visible()
    page.get_by_role("navigation", name="Мова").get_by_role("link", name="العربية").click()
    page.wait_for_url(f"**/ar{url}")
    assert _lang_and_dir(page) == ["ar", "rtl"]
    # Back to English: the chosen language is kept, not overruled by the browser's.
    page.get_by_role("navigation", name="اللغة").get_by_role("link", name="English").click()
    page.wait_for_url(f"**{url}")
    assert _lang_and_dir(page) == ["en", "ltr"]
    page.goto("/")
    assert _lang_and_dir(page) == ["en", "ltr"]


def test_a_first_visit_follows_the_browsers_language(browser, site, e2e_world):
    context = browser.new_context(base_url=site.url, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto("/search/?q=Ukraine")
        assert page.url.endswith("/fr/search/?q=Ukraine")
        assert _lang_and_dir(page) == ["fr", "ltr"]
        assert page.get_by_role("heading", level=1).inner_text() == "Rechercher des incidents"
    finally:
        context.close()


ARABIC_PAGES = {
    "home": lambda w: "/ar/",
    "search": lambda w: "/ar/search/?q=Ukraine",
    "incident": lambda w: f"/ar{w.incident.get_absolute_url()}",
}


@pytest.mark.parametrize("name", ARABIC_PAGES)
def test_arabic_is_mirrored_and_accessible(page, e2e_world, name):
    source = AXE.read_text(encoding="utf-8")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(ARABIC_PAGES[name](e2e_world))
        assert response.status == 200, name
        assert _lang_and_dir(page) == ["ar", "rtl"]
        # Mirrored: the site's name starts the header at the right, as Arabic reads.
        site = page.locator(".site-name").bounding_box()
        assert site["x"] + site["width"] > width * 0.6, site
        page.screenshot(path=SCREENSHOTS / f"i18n-ar-{name}-{width}.png", full_page=True)
        page.evaluate(source)  # through the devtools protocol: not subject to the CSP
        result = page.evaluate(
            "axe.run(document).then(r => ({violations: r.violations, passes: r.passes.length}))"
        )
        assert result["passes"] > 10, "axe did not run"
        violations = result["violations"]
        assert violations == [], f"{name} at {width} px:\n{_describe(violations)}"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert overflow is False, f"{name} scrolls sideways at {width} px"
