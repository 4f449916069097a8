"""The browser-test machinery works: Chromium opens the site served by live_server."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from vacancies.importing import vacancy_upsert_from_notice

NOTICE = Path(__file__).resolve().parents[2] / "fixtures" / "notices" / "000_0f606890594e4ec3.txt"


@pytest.fixture
def vacancy():
    # Written from the test's thread while Playwright runs there, read by the server's thread.
    text = NOTICE.read_text(encoding="utf-8")
    return vacancy_upsert_from_notice(text=text, source_name=NOTICE.name)


def test_home_page_opens_in_chromium_with_one_heading(live_server, page, vacancy):
    response = page.goto(live_server.url)
    assert response.ok
    assert page.url.startswith(f"{live_server.url}/en/")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("h1")).not_to_be_empty()


@pytest.mark.parametrize("locale", ["fr-FR"])
def test_a_french_browser_gets_the_french_site(live_server, phone_page):
    phone_page.goto(live_server.url)
    assert phone_page.url.startswith(f"{live_server.url}/fr/")
    assert phone_page.evaluate("window.innerWidth") == 360


def test_axe_reports_wcag_violations_and_only_those(live_server, page, axe_violations):
    page.goto(live_server.url)
    # An image without a text alternative, outside any landmark: it breaks WCAG rule
    # image-alt, and axe's best-practice rule region, which is not a WCAG rule.
    page.evaluate("document.body.append(Object.assign(new Image(), {src: 'data:,'}))")
    violations = axe_violations(page)
    ids = {violation["id"] for violation in violations}
    assert "image-alt" in ids
    assert "region" not in ids
    image_alt = next(violation for violation in violations if violation["id"] == "image-alt")
    assert image_alt["impact"] == "critical"
    assert image_alt["nodes"][-1]["html"] == '<img src="data:,">'
