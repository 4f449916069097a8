"""The list as candidates scan it, in a real browser, on a phone and a desktop, in both
languages: the filters in effect as chips, removed with the keyboard alone; the grade range;
the number of results announced after filtering; no WCAG 2.1 A/AA violation (axe-core) and
no sideways scrolling on the narrowest phones.

Every test gets the `board` of tests/browser/conftest.py: 260885, 260066, 260063 and 240655
open (closing in 1 to 4 days, in that order), 260280 closed.
"""

import json

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE

SEVERAL_FILTERS = (
    "q={search}&grade_min=15&grade_max=20&country=Ukraine&other_locations=on"
    "&risk=extreme&deadline=week"
)
SEARCHES = {"en": "security", "fr": "sécurité"}
REMOVE = {"en": "Remove filter: ", "fr": "Retirer le filtre\u00a0: "}
# A search as long as the box takes, in words longer than a phone is wide.
LONG_SEARCH = " ".join(["Supercalifragilisticexpialidocious" * 2] * 2)

# What has focus, and whether a focus indicator is drawn around it.
FOCUSED = r"""() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    text: element.textContent.replace(/\s+/g, " ").trim().slice(0, 60),
    href: element.getAttribute("href"),
    outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
  };
}"""


def several_filters(language):
    return f"/{language}/?" + SEVERAL_FILTERS.format(search=SEARCHES[language])


def tab_until(page, wanted, limit=60):
    """Press Tab until ``wanted(focused)``, checking each time that the focus can be seen."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"] != "none" and focused["outlineWidth"] > 0, focused
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {limit} presses of Tab; focus is on {focused}")


def fits_the_screen(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = page.viewport_size["width"]
    assert width <= screen, f"{page.url} is {width} px wide on a {screen} px screen"


def status(page):
    return page.locator("[data-results-status]")


# --------------------------------------------------------------------- chips


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_each_filter_in_effect_is_a_chip_named_for_screen_readers(
    live_server, board, page, viewport
):
    page.goto(live_server.url + several_filters("en"))
    expect(page.locator(".active-filters")).to_match_aria_snapshot("""
      - paragraph: "Filters in use:"
      - list "Filters in use:":
        - listitem:
          - 'link "Remove filter: Search: “security”"'
        - listitem:
          - 'link "Remove filter: Grade 15–20"'
        - listitem:
          - 'link "Remove filter: Ukraine"'
        - listitem:
          - 'link "Remove filter: Including other locations"'
        - listitem:
          - 'link "Remove filter: Extreme risk"'
        - listitem:
          - 'link "Remove filter: Closing within 7 days"'
      - link "Clear all filters"
    """)
    for chip in page.locator(".chip").all():
        expect(chip).to_be_visible()


@pytest.mark.parametrize(
    "language, chip, risk",
    [
        ("en", "Extreme risk", "Risk status"),
        ("fr", "Risque extrême", "Niveau de risque"),
    ],
)
def test_a_chip_is_removed_with_the_keyboard_alone(live_server, board, page, language, chip, risk):
    page.goto(f"{live_server.url}/{language}/?risk=extreme&grade_max=17&page=1")
    expect(page.locator(".vacancy-card")).to_have_count(2)
    tab_until(page, lambda focused: focused["href"] == f"/{language}/?grade_max=17")
    expect(page.get_by_role("link", name=REMOVE[language] + chip, exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/{language}/?grade_max=17")
    expect(page.locator(".chip")).to_have_count(1)
    expect(page.locator(".vacancy-card")).to_have_count(3)  # G17 and G8-G10, any risk
    expect(page.get_by_label(risk, exact=True)).to_have_value("")


def test_clearing_all_filters_shows_every_open_vacancy(live_server, board, page):
    page.goto(live_server.url + several_filters("fr"))
    page.locator(".active-filters").get_by_role("link", name="Effacer tous les filtres").click()
    page.wait_for_url(f"{live_server.url}/fr/")
    expect(page.locator(".vacancy-card")).to_have_count(4)
    expect(page.locator(".chip")).to_have_count(0)


# --------------------------------------------------------------------- the grade range


@pytest.mark.parametrize(
    "language, low, high, apply, chip",
    [
        ("en", "Grade from", "Grade up to", "Apply filters", "Grade 17–20"),
        ("fr", "Grade à partir de", "Grade jusqu’à", "Appliquer les filtres", "Grades 17 à 20"),
    ],
)
def test_a_grade_range_is_chosen_in_one_group(
    live_server, board, page, language, low, high, apply, chip
):
    page.goto(f"{live_server.url}/{language}/")
    page.locator("details.filter-panel summary").click()
    grades = page.get_by_role("group", name="Grade", exact=True)
    grades.get_by_role("combobox", name=low, exact=True).select_option("17")
    grades.get_by_role("combobox", name=high, exact=True).select_option("20")
    page.get_by_role("button", name=apply).click()
    page.wait_for_url(lambda url: "grade_min=17&grade_max=20" in url)
    expect(page.locator(".vacancy-card")).to_have_count(3)
    expect(page.locator(".chip")).to_have_count(1)
    expect(page.locator(".chip")).to_have_accessible_name(REMOVE[language] + chip)
    expect(grades.get_by_role("combobox", name=low, exact=True)).to_have_value("17")
    expect(grades.get_by_role("combobox", name=high, exact=True)).to_have_value("20")


def test_an_address_with_one_grade_opens_on_the_range_from_it_to_it(live_server, board, page):
    page.goto(f"{live_server.url}/en/?grade=17")
    grades = page.get_by_role("group", name="Grade", exact=True)
    expect(grades.get_by_role("combobox", name="Grade from", exact=True)).to_have_value("17")
    expect(grades.get_by_role("combobox", name="Grade up to", exact=True)).to_have_value("17")
    expect(page.locator(".vacancy-card")).to_have_count(2)


# --------------------------------------------------------------------- the count announced


@pytest.mark.parametrize(
    "address, said",
    [
        ("/en/?risk=extreme", "3 vacancies"),
        ("/en/?q=security&grade=20", "1 vacancy"),
        ("/fr/?risk=extreme", "3 postes vacants"),
        ("/fr/?country=Luxembourg", "0 poste vacant"),
    ],
)
def test_after_filtering_the_number_of_results_is_announced(
    live_server, board, page, address, said
):
    page.goto(live_server.url + address)
    expect(page.locator("#results-heading")).to_have_text(said)
    expect(status(page)).to_have_attribute("role", "status")
    expect(status(page)).to_have_text(said)  # filled after load, so that it is spoken


def test_a_page_opened_without_filters_announces_nothing(live_server, board, page):
    page.goto(f"{live_server.url}/en/")
    page.wait_for_timeout(1000)  # longer than the script waits before it announces
    expect(status(page)).to_be_empty()


# --------------------------------------------------------------------- axe and phones


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_violation_on_lists_with_chips(
    live_server, board, page, axe_violations, language, viewport
):
    addresses = [
        several_filters(language),
        f"/{language}/?q={SEARCHES[language]}&deadline_before=2099-12-31&clearance=NS",
        f"/{language}/?grade_min=20&grade_max=10&q=secrity",  # an error, a suggestion
    ]
    found = {}
    for address in addresses:
        page.goto(live_server.url + address)
        expect(page.locator(".chip").first).to_be_visible()
        expect(page.locator("details.filter-panel")).to_have_attribute("open", "")
        expect(status(page)).not_to_be_empty()
        found[address] = axe_violations(page)
    found = {address: violations for address, violations in found.items() if violations}
    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_lists_with_chips_fit_the_narrowest_phones(live_server, board, browser, width, language):
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True)
    page = context.new_page()
    for address in (
        several_filters(language),
        f"/{language}/?q={SEARCHES[language]}",
        f"/{language}/?q={LONG_SEARCH}&risk=extreme&deadline_before=2099-12-31",
        f"/{language}/?grade_min=20&grade_max=10&deadline_before=nope",
    ):
        page.goto(live_server.url + address)
        expect(page.locator(".chip").first).to_be_visible()
        fits_the_screen(page)
    context.close()
