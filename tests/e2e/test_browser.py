"""An advocate's path through the site in a real browser, with and without a mouse."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

INCIDENT = "Deportation of children from occupied areas of Ukraine"


def test_search_filter_open_a_record_and_follow_a_provision(page, e2e_world):
    page.goto("/")
    page.get_by_label("Search incidents, actions and actors").fill("Львова-Бєлова")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="1 incident")).to_be_visible()
    expect(page.get_by_role("link", name=INCIDENT)).to_be_visible()

    # filter by a facet, then remove the filter again
    page.goto("/search/?q=Ukraine")
    expect(page.get_by_role("heading", level=2, name="2 incidents")).to_be_visible()
    page.locator(".facets").get_by_role("link", name=re.compile(r"^Adjudicated")).click()
    expect(page).to_have_url(re.compile(r"status=adjudicated"))
    expect(page.get_by_role("heading", level=2, name="1 incident")).to_be_visible()
    page.get_by_role("link", name="Remove filter Verification status: Adjudicated").click()
    expect(page.get_by_role("heading", level=2, name="2 incidents")).to_be_visible()

    # open the record, then follow a provision link to the law
    page.get_by_role("link", name=INCIDENT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INCIDENT)
    page.get_by_role("link", name="GC IV art. 49").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("GC IV art. 49")
    expect(page.get_by_text("regardless of their motive")).to_be_visible()
    expect(page.get_by_role("link", name=INCIDENT)).to_be_visible()


def test_export_csv_of_the_current_results(page, e2e_world):
    page.goto("/search/?q=hospital")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these results as CSV").click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")  # with Excel's BOM
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["title"] for r in rows] == ["Shelling of a hospital"]


def test_keyboard_only_search_and_open_a_result(page, e2e_world):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    # the focused element has a visible outline
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    # from the main landmark, the next stop is the search box
    page.keyboard.press("Tab")
    expect(page.get_by_label("Search incidents, actions and actors")).to_be_focused()
    page.keyboard.type("Mariupol")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Mariupol"))
    result = page.get_by_role("link", name=INCIDENT)
    for _ in range(40):
        if page.evaluate("document.activeElement.textContent") == INCIDENT:
            break
        page.keyboard.press("Tab")
    expect(result).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(INCIDENT)


def test_phone_width_has_no_horizontal_scroll(page, e2e_world):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/search/?q=children")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False


def test_live_filtering_replaces_the_results_in_place(page, e2e_world):
    problems = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and problems.append((message.text, message.location))
        ),
    )
    page.on("response", lambda r: r.status >= 400 and problems.append(r.url))
    page.goto("/search/?q=Ukraine")
    expect(page.get_by_role("heading", level=2, name="2 incidents")).to_be_visible()
    page.evaluate("window.loadedOnce = true")  # gone if the page is loaded again

    # typing searches as the user pauses, and the address follows
    page.get_by_role("searchbox", name="Search text").fill("hospital")
    expect(page.get_by_role("heading", level=2, name="1 incident")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q=hospital"))
    expect(page).to_have_title(re.compile("^“hospital” – Search"))
    # one live region announces the count: the map's own status text is not a second one
    search_status = page.get_by_role("status")
    expect(search_status).to_have_id("search-status")
    expect(search_status).to_have_text("1 incident")
    expect(page.get_by_role("searchbox", name="Search text")).to_be_focused()  # still typing there

    # another order: the results follow
    page.get_by_role("searchbox", name="Search text").fill("Ukraine")
    expect(page.get_by_role("heading", level=2, name="2 incidents")).to_be_visible()
    page.get_by_role("combobox", name="Sort").select_option("oldest")
    expect(page).to_have_url(re.compile(r"sort=oldest"))
    expect(page.get_by_text("Sorted by oldest first.")).to_be_visible()

    # a filter link: results, active filters and the form's hidden filter are replaced,
    # and the focus moves to the results' heading
    page.locator(".facets").get_by_role("link", name=re.compile(r"^Adjudicated")).click()
    expect(page).to_have_url(re.compile(r"status=adjudicated"))
    heading = page.get_by_role("heading", level=2, name="1 incident")
    expect(heading).to_be_focused()
    expect(page.get_by_role("link", name=re.compile("^Remove filter Verification"))).to_be_visible()
    page.get_by_role("searchbox", name="Search text").fill("Mariupol")  # keeps the filter
    expect(page).to_have_url(
        re.compile(r"q=Mariupol.*status=adjudicated|status=adjudicated.*q=Mariupol")
    )
    assert page.evaluate("window.loadedOnce") is True  # never a whole new page

    # the browser's back button returns to the earlier search
    page.go_back()
    expect(page).to_have_url(re.compile(r"status=adjudicated"))
    expect(page.get_by_role("searchbox", name="Search text")).to_have_value("Ukraine")
    assert problems == []  # no script error, nothing refused by the content security policy


def test_search_and_filters_work_without_javascript(browser, site, e2e_world):
    context = browser.new_context(base_url=site.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/search/?q=Ukraine")
    page.locator(".facets").get_by_role("link", name=re.compile(r"^Adjudicated")).click()
    expect(page).to_have_url(re.compile(r"status=adjudicated"))
    expect(page.get_by_role("heading", level=2, name="1 incident")).to_be_visible()
    page.get_by_role("searchbox", name="Search text").fill("hospital")
    page.get_by_role("combobox", name="Sort").select_option("oldest")
    expect(page).to_have_url(re.compile(r"q=Ukraine"))  # nothing happens until submitted
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=hospital.*sort=oldest.*status=adjudicated"))
    expect(page.get_by_role("heading", level=2, name="0 incidents")).to_be_visible()
    context.close()


def test_a_skip_link_takes_the_keyboard_past_the_results_to_the_filters(page, e2e_world):
    page.goto("/search/?q=Ukraine")
    page.get_by_role("button", name="Search").focus()
    # after the form and the active filters (the search text), before any result
    for _ in range(5):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('.results') === null")
        if page.evaluate("document.activeElement.textContent") == "Skip to the filters":
            break
    expect(page.get_by_role("link", name="Skip to the filters")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#filters') !== null")
    # a count is beside its link: the link's name is the value alone
    expect(
        page.locator(".facets").get_by_role("link", name="GC IV art. 49", exact=True)
    ).to_be_visible()


def test_text_typed_on_the_empty_search_page_is_ranked_by_relevance(page, e2e_world):
    page.goto("/search/")
    expect(
        page.get_by_text("Sorted by newest first (relevance needs search text).")
    ).to_be_visible()
    page.get_by_role("searchbox", name="Search text").fill("Ukraine")
    expect(page.get_by_text("Sorted by relevance.")).to_be_visible()


def test_browse_from_the_home_page_counts_to_a_record(page, e2e_world):
    page.goto("/")
    page.get_by_role("link", name="2 incidents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incidents")
    page.get_by_role("link", name=INCIDENT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INCIDENT)
    expect(page.get_by_text(re.compile(r"^Last updated \d{1,2} \w+ \d{4}$"))).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Actors").click()
    page.get_by_role("link", name="Maria Lvova-Belova").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maria Lvova-Belova")
