"""The Content Security Policy (jobboard/settings.py) in a real browser: it blocks inline
script, and the public pages and the admin work under it without a single violation.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

PASSWORD = "correct horse battery staple"

# Chromium reports most violations in the console itself; the event catches the others.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy: ${event.effectiveDirective} blocked ${event.blockedURI} ` +
    `(${event.sourceFile}:${event.lineNumber} ${event.sample})`
  );
});
"""


@pytest.fixture
def violations(page):
    """The Content Security Policy violations reported on `page` so far, as console messages."""
    reported = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            reported.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reported


def visit(page, url):
    response = page.goto(url)
    assert response.ok
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def test_an_inline_script_is_blocked_and_reported(live_server, page, violations):
    visit(page, f"{live_server.url}/en/")

    page.evaluate(
        """() => document.head.append(
            Object.assign(document.createElement("script"), {textContent: "window.ran = true"})
        )"""
    )
    page.evaluate("document.body.setAttribute('style', 'outline: 3px solid red')")

    assert page.evaluate("window.ran") is None
    assert page.evaluate("getComputedStyle(document.body).outlineStyle") == "none"
    assert any("script-src" in message for message in violations), violations
    assert any("style-src" in message for message in violations), violations


@pytest.mark.parametrize("path", ["/en/", "/fr/", "/fr/?grade=17&sort=grade_desc"])
def test_the_list_works_under_the_policy(live_server, board, page, violations, path):
    visit(page, f"{live_server.url}{path}")

    expect(page.locator(".vacancy-list h3 a").first).to_be_visible()
    assert violations == []


def test_a_vacancy_works_under_the_policy(live_server, board, page, violations):
    visit(page, f"{live_server.url}/en/vacancies/260885/")

    # Written by static/js/site.js: the script ran.
    expect(page.locator("[data-local-time]")).to_be_visible()
    expect(page.locator("[data-local-time]")).to_contain_text("Your time:")
    assert violations == []


def test_the_admin_works_under_the_policy(live_server, board, page, violations):
    editor = get_user_model().objects.create_superuser("editor", password=PASSWORD)

    visit(page, f"{live_server.url}/admin/")
    expect(page.get_by_label("Password")).to_be_visible()
    assert violations == []

    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.wait_for_load_state("networkidle")
    assert violations == []

    visit(page, f"{live_server.url}/admin/vacancies/vacancy/")
    expect(page.locator("#result_list")).to_contain_text("260885")
    visit(page, f"{live_server.url}/admin/vacancies/vacancy/{board['260885'].pk}/change/")
    assert violations == []

    visit(page, f"{live_server.url}/admin/auth/user/")
    # admin/js/actions.js counts the selected rows.
    page.locator("input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")
    assert violations == []

    visit(page, f"{live_server.url}/admin/auth/user/{editor.pk}/change/")
    # admin/js/SelectFilter2.js turns the permissions list into two boxes with a filter.
    expect(page.locator("#id_user_permissions_filter")).to_be_visible()
    # admin/js/admin/DateTimeShortcuts.js adds a calendar to the date fields.
    page.get_by_role("link", name="Choose a Date").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    assert violations == []
