"""The API docs page (/api/v1/docs/, Swagger UI) in Chromium: axe-core finds nothing serious
or critical, the content security policy is never violated, and the guide is a link.

Checked with the page as a partner uses it: collapsed, then with one operation tried out
(a real request) and every schema on the page opened. axe-core is injected as in
test_accessibility.py, through the devtools protocol, so the CSP is not loosened.
"""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
WIDTHS = [1280, 390]
# Recorded before any of the page's own scripts run.
LISTEN_FOR_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
});
"""


def _serious(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document).then(r => ({violations: r.violations, passes: r.passes.length}))"
    )
    assert result["passes"] > 10, "axe did not run"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_api_docs_page_is_accessible_and_keeps_the_csp(page, width):
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(LISTEN_FOR_CSP)
    page.set_viewport_size({"width": width, "height": 900})
    # Longer than the other pages' 10 s: a 1.4 MB script, then the schema generated on
    # request, on a loaded machine.
    page.set_default_timeout(60_000)

    response = page.goto("/api/v1/docs/")
    assert response.status == 200
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    page.wait_for_selector("#operations-incidents-incidents_list")

    guide = page.get_by_role("navigation", name="API").get_by_role("link", name="API guide")
    assert guide.get_attribute("href") == "/api/v1/guide/"
    assert page.locator(".info .description a[href='/api/v1/guide/']").count() == 1
    assert _serious(page) == []

    # One operation tried out against the live server, and every schema opened.
    page.click("#operations-incidents-incidents_list .opblock-summary-control")
    page.click("#operations-incidents-incidents_list .try-out__btn")
    page.fill("#operations-incidents-incidents_list tr[data-param-name=country] input", "UA")
    page.click("#operations-incidents-incidents_list .execute")
    status = page.locator(
        "#operations-incidents-incidents_list .live-responses-table tbody .response-col_status"
    )
    assert status.first.inner_text().strip() == "200"
    for _ in range(2):  # the second round opens the schemas nested in the first
        page.evaluate(
            "document.querySelectorAll('.model-box-control[aria-expanded=false]')"
            ".forEach(b => b.click())"
        )
        page.wait_for_timeout(300)
    assert page.locator("section.models .model-box .inner-object").count() > 5
    assert _serious(page) == []

    assert page.evaluate("window.cspViolations") == []
    assert console_errors == []
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False, f"the docs page scrolls sideways at {width} px"
