"""The public pages in a real browser: language toggle, filters, search, keyboard use,
accessibility (axe-core, WCAG 2.1 A/AA), phone layout, and the README's screenshots.

Every test gets the `board` of tests/browser/conftest.py: 260885, 260066, 260063 and 240655
open (closing in 1 to 4 days, in that order), 260280 closed.
"""

import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vacancies.models import Location, Vacancy

OPEN = ["260885", "260066", "260063", "240655"]

# What the browser has focus on, and whether a focus indicator is drawn around it.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName,
    id: element.id,
    text: element.textContent.trim().slice(0, 60),
    href: element.getAttribute("href"),
    outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
  };
}"""


def listed(page):
    """The references of the vacancies listed on the page, in order."""
    hrefs = page.locator(".vacancy-list h3 a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    return [re.search(r"/(\d+)/$", href)[1] for href in hrefs]


def open_filters(page):
    panel = page.locator("details.filter-panel")
    if panel.count() and panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")


def tab(page):
    """Press Tab and return what has focus, checking that the focus can be seen."""
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["outline"] != "none" and focused["outlineWidth"] > 0, (
        f"no visible focus indicator on {focused}"
    )
    return focused


def tab_until(page, wanted, limit=40):
    for _ in range(limit):
        focused = tab(page)
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {limit} presses of Tab; focus is on {focused}")


def submit(page, expected_parameter):
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(lambda url: expected_parameter in url)


# --------------------------------------------------------------------- the language toggle


def test_toggle_keeps_the_filters_and_the_page_number_both_ways(live_server, board, page):
    now = timezone.now()
    for number in range(25):  # 28 extreme-risk posts: two pages of results
        Vacancy.objects.create(
            reference=f"5{number:05}",
            title_en=f"Analyst {number}",
            title_fr=f"Analyste {number}",
            status=Vacancy.Status.PUBLISHED,
            deadline=now + timedelta(days=30 + number),
            risk_level=Vacancy.RiskLevel.EXTREME,
            grade_label="G5",
            grade_min=5,
            grade_max=5,
            source_text="",
            source_sha256="",
        )
    query = "?risk=extreme&sort=grade_desc&page=2"
    page.goto(f"{live_server.url}/en/{query}")
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    english = listed(page)
    assert len(english) == 8

    page.get_by_role("link", name="français", exact=True).click()
    page.wait_for_url(f"{live_server.url}/fr/{query}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    assert listed(page) == english
    expect(page.get_by_label("Niveau de risque")).to_have_value("extreme")
    expect(page.get_by_label("Trier par")).to_have_value("grade_desc")
    expect(page.locator(".vacancy-list h3 a").first).to_have_text(re.compile(r"^Analyste \d+$"))

    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(f"{live_server.url}/en/{query}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert listed(page) == english


def test_toggle_on_a_vacancy_leads_to_the_same_vacancy_both_ways(live_server, board, page):
    page.goto(f"{live_server.url}/en/vacancies/260063/")
    page.get_by_role("link", name="français", exact=True).click()
    page.wait_for_url(f"{live_server.url}/fr/postes/260063/")
    expect(page.locator("h1")).to_have_text("Chef de la Section CAP")

    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(f"{live_server.url}/en/vacancies/260063/")
    expect(page.locator("h1")).to_have_text("Head, Comprehensive Assistance Package Section")


# --------------------------------------------------------------------- filters and search


@pytest.mark.parametrize(
    "label, value, parameter, expected",
    [
        ("Grade from", "20", "grade_min=20", ["260063"]),
        ("Grade up to", "10", "grade_max=10", ["240655"]),
        ("Country", "Ukraine", "country=Ukraine", ["260885", "260066", "260063"]),
        ("Risk status", "none", "risk=none", ["240655"]),
        ("Deadline", "closed", "deadline=closed", ["260280"]),
        ("Clearance", "NS", "clearance=NS", ["240655"]),
        ("Sort by", "grade_asc", "sort=grade_asc", ["240655", "260885", "260066", "260063"]),
    ],
)
def test_each_filter_narrows_the_list_and_shows_in_the_url(
    live_server, board, page, label, value, parameter, expected
):
    page.goto(f"{live_server.url}/en/")
    assert listed(page) == OPEN
    open_filters(page)
    page.get_by_label(label, exact=True).select_option(value)
    submit(page, parameter)
    assert listed(page) == expected
    expect(page.get_by_label(label, exact=True)).to_have_value(value)


def test_duty_station_filter_can_include_other_locations(live_server, board, page):
    brussels = Location.objects.get(city="Brussels").pk
    page.goto(f"{live_server.url}/en/")
    open_filters(page)
    page.get_by_label("Duty station").select_option(label="Brussels, Belgium (1)")
    submit(page, f"location={brussels}")
    assert listed(page) == ["240655"]

    page.get_by_label("Include posts where this is another location").check()
    submit(page, "other_locations=on")
    assert f"location={brussels}" in page.url
    assert listed(page) == OPEN
    expect(page.get_by_label("Include posts where this is another location")).to_be_checked()


def test_closing_before_a_date_is_typed_and_submitted_with_the_keyboard(live_server, board, page):
    day = (timezone.localtime() + timedelta(days=2)).date().isoformat()
    page.goto(f"{live_server.url}/en/")
    open_filters(page)
    field = page.get_by_label("Closing before")
    field.fill(day)
    field.press("Enter")
    page.wait_for_url(lambda url: f"deadline_before={day}" in url)
    assert listed(page) == ["260885", "260066"]
    expect(page.get_by_label("Closing before")).to_have_value(day)


def test_search_box_narrows_the_list_best_match_first(live_server, board, page):
    page.goto(f"{live_server.url}/en/")
    page.get_by_label("Search", exact=True).fill("regional security officer")
    page.get_by_label("Search", exact=True).press("Enter")
    page.wait_for_url(lambda url: "q=regional+security+officer" in url)
    results = listed(page)
    assert results[0] == "260885"
    assert len(results) < len(OPEN)


def test_a_french_word_finds_a_post_on_the_french_page(live_server, board, page):
    page.goto(f"{live_server.url}/fr/")
    page.get_by_label("Rechercher", exact=True).fill("gestionnaire de projet")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_url(lambda url: "q=gestionnaire+de+projet" in url)
    first = page.locator(".vacancy-list h3 a").first
    expect(first).to_have_text("Gestionnaire de projet CAP")
    expect(first).to_have_attribute("href", "/fr/postes/260066/")


# --------------------------------------------------------------------- the keyboard alone


def test_the_list_can_be_used_with_the_keyboard_alone(live_server, board, page):
    page.goto(f"{live_server.url}/en/")
    skip = tab(page)
    assert skip["text"] == "Skip to content"
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"

    assert tab(page)["id"] == "id_q"  # the first thing in the main content
    page.keyboard.type("security")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "q=security" in url)

    result = tab_until(page, lambda focused: "/en/vacancies/" in (focused["href"] or ""))
    assert result["text"] == "Senior Regional Security Officer, NRU"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/en/vacancies/260885/")
    expect(page.locator("h1")).to_have_text("Senior Regional Security Officer, NRU")


def test_filters_can_be_opened_and_used_with_the_keyboard_alone(live_server, board, page):
    page.goto(f"{live_server.url}/en/")
    tab_until(page, lambda focused: focused["tag"] == "SUMMARY")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Risk status")).to_be_visible()
    tab_until(page, lambda focused: focused["id"] == "id_risk")
    page.keyboard.press("ArrowDown")  # "Any risk status" -> "Extreme risk"
    expect(page.get_by_label("Risk status")).to_have_value("extreme")
    tab_until(page, lambda focused: focused["text"] == "Apply filters")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "risk=extreme" in url)
    assert listed(page) == ["260885", "260066", "260063"]


def test_the_detail_page_can_be_used_with_the_keyboard_alone(live_server, board, page):
    page.goto(f"{live_server.url}/en/vacancies/260063/")
    assert tab(page)["text"] == "Skip to content"
    tab_until(page, lambda focused: focused["text"] == "Apply on the recruitment site")
    tab_until(page, lambda focused: focused["href"] == "#section-2")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/en/vacancies/260063/#section-2")
    expect(page.get_by_role("heading", name="QUALIFICATIONS AND EXPERIENCE")).to_be_in_viewport()
    # The next Tab carries on from the section, not from the table of contents.
    tab(page)
    assert page.evaluate("""() => {
        const section = document.getElementById("section-2");
        const focused = document.activeElement;
        return section.contains(focused)
            || Boolean(section.compareDocumentPosition(focused) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")


def test_an_unusable_filter_is_named_and_its_link_leads_to_the_field(live_server, board, page):
    page.goto(f"{live_server.url}/en/?grade_min=XYZ&risk=extreme")
    expect(page.get_by_role("alert")).to_contain_text("Grade from: Enter a whole number.")
    assert listed(page) == ["260885", "260066", "260063"]  # the other filters still apply
    tab_until(page, lambda focused: focused["href"] == "#id_grade_min")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Grade from", exact=True)).to_be_focused()
    expect(page.get_by_label("Grade from", exact=True)).to_have_accessible_description(
        "Enter a whole number."
    )


# --------------------------------------------------------------------- axe-core, WCAG 2.1 AA


# (address, HTTP status, main heading) of every kind of page, in each language.
AXE_PAGES = {
    "en": [
        ("/en/", 200, "Vacancies"),
        ("/en/?grade=XYZ&deadline_before=nope", 200, "Vacancies"),
        ("/en/?q=astronaut", 200, "Vacancies"),
        ("/en/?country=Luxembourg", 200, "Vacancies"),
        ("/en/vacancies/260063/", 200, "Head, Comprehensive Assistance Package Section"),
        ("/en/vacancies/260280/", 200, "Head, NSPO Secretariat"),
        ("/en/vacancies/999999/", 404, "Page not found"),
        ("/en/api/", 200, "Vacancies API"),
    ],
    "fr": [
        ("/fr/", 200, "Postes vacants"),
        ("/fr/?grade=XYZ&deadline_before=nope", 200, "Postes vacants"),
        ("/fr/?q=astronaut", 200, "Postes vacants"),
        ("/fr/?country=Luxembourg", 200, "Postes vacants"),
        ("/fr/postes/260063/", 200, "Chef de la Section CAP"),
        ("/fr/postes/260280/", 200, "Chef (Secrétariat de la NSPO)"),
        ("/fr/postes/999999/", 404, "Page introuvable"),
        ("/fr/api/", 200, "API des postes vacants"),
    ],
}


def _axe_check(page, axe_violations, address, status, heading):
    """The page's WCAG 2.1 A/AA violations, with the filter panel open on lists (axe skips
    what is hidden, and the form controls are what most needs checking)."""
    response = page.goto(address)
    assert response.status == status, address
    expect(page.locator("h1")).to_have_text(heading)
    if page.locator("details.filter-panel").count():
        open_filters(page)
    return axe_violations(page)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_axe_finds_no_wcag_violation(live_server, board, page, axe_violations, language):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
    found = {}
    for url, status, heading in AXE_PAGES[language]:
        found[url] = _axe_check(page, axe_violations, live_server.url + url, status, heading)
    if language == "fr":  # a notice without its French half, shown in English
        vacancy = Vacancy.objects.get(reference="260063")
        vacancy.title_fr, vacancy.sections_fr, vacancy.risk_note_fr = "", [], ""
        vacancy.save()  # as the admin saves: the pages kept rendered are told
        english_title = "Head, Comprehensive Assistance Package Section"
        found["/fr/postes/260063/ (English only)"] = _axe_check(
            page, axe_violations, f"{live_server.url}/fr/postes/260063/", 200, english_title
        )
        expect(page.get_by_text("Cet avis de vacance n’existe qu’en anglais.")).to_be_visible()
        found["/fr/ (one notice in English only)"] = _axe_check(
            page, axe_violations, f"{live_server.url}/fr/", 200, "Postes vacants"
        )
        expect(page.get_by_text("En anglais seulement")).to_be_visible()
    found = {url: violations for url, violations in found.items() if violations}
    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)
    assert script_errors == []


LANGUAGE_OF = "element => element.closest('[lang]').lang"


def test_only_the_text_in_another_language_is_marked_as_such(live_server, board, page):
    """A screen reader reads a notice without its French half in English, and the page's
    own words (labels, dates, notes) in French."""
    Vacancy.objects.filter(reference="260063").update(title_fr="", sections_fr=[], risk_note_fr="")
    page.goto(f"{live_server.url}/fr/")
    card = page.locator(".vacancy-card").filter(has=page.locator('a[href="/fr/postes/260063/"]'))
    assert card.get_by_role("link").evaluate(LANGUAGE_OF) == "en"
    for words in ("Date limite", "Lieu d’affectation", "En anglais seulement"):
        assert card.get_by_text(words, exact=True).evaluate(LANGUAGE_OF) == "fr", words

    page.goto(f"{live_server.url}/fr/postes/260063/")
    assert page.locator("h1").evaluate(LANGUAGE_OF) == "en"
    assert page.get_by_role("heading", name="SUMMARY").evaluate(LANGUAGE_OF) == "en"
    assert page.get_by_role("link", name="SUMMARY").evaluate(LANGUAGE_OF) == "en"
    for words in ("Cet avis de vacance n’existe qu’en anglais.", "Date limite", "Sur cette page"):
        assert page.get_by_text(words, exact=True).evaluate(LANGUAGE_OF) == "fr", words
    assert (
        page.get_by_role("link", name="Postuler sur le site de recrutement").evaluate(LANGUAGE_OF)
        == "fr"
    )


# --------------------------------------------------------------------- phones and screenshots


def _fits_the_screen(page):
    # The screen's own width: a phone's browser widens its window to a page that overflows.
    width, screen = (
        page.evaluate("document.documentElement.scrollWidth"),
        page.viewport_size["width"],
    )
    assert width <= screen, f"the page is {width} px wide on a {screen} px screen"


# Notices are long: the pictures show the top of a vacancy page, header facts and contents.
TOP_OF_A_PAGE = {"x": 0, "y": 0, "width": 1280, "height": 1700}
TOP_OF_A_PHONE_PAGE = {"x": 0, "y": 0, "width": 360, "height": 2400}


@pytest.mark.parametrize(
    "url, name",
    [("/en/", "list-phone-en"), ("/fr/", None), ("/fr/?grade=XYZ&deadline_before=nope", None)],
)
def test_the_list_fits_a_phone(live_server, board, phone_page, screenshot, url, name):
    phone_page.goto(live_server.url + url)
    expect(phone_page.locator("h1")).to_be_in_viewport()
    _fits_the_screen(phone_page)
    if name:
        expect(phone_page.locator(".vacancy-list h3 a").first).to_be_in_viewport()
        screenshot(phone_page, name, full_page=True)
    open_filters(phone_page)
    _fits_the_screen(phone_page)


@pytest.mark.parametrize(
    "url, name",
    [("/fr/postes/260063/", "detail-phone-fr"), ("/en/vacancies/260280/", None)],
)
def test_the_detail_page_fits_a_phone(live_server, board, phone_page, screenshot, url, name):
    phone_page.goto(live_server.url + url)
    expect(phone_page.locator("h1")).to_be_in_viewport()
    expect(phone_page.locator(".facts-large")).to_be_visible()
    _fits_the_screen(phone_page)
    if name:
        screenshot(phone_page, name, full_page=True, clip=TOP_OF_A_PHONE_PAGE)


@pytest.mark.parametrize("url", ["/en/api/", "/fr/api/"])
def test_the_api_page_fits_a_phone_without_axe_violations(
    live_server, board, phone_page, axe_violations, url
):
    phone_page.goto(live_server.url + url)
    expect(phone_page.locator("h1")).to_be_in_viewport()
    _fits_the_screen(phone_page)
    assert axe_violations(phone_page) == []


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("path", ["/en/vacancies/{}/", "/fr/postes/{}/"])
def test_every_sample_vacancy_wraps_its_text_on_the_narrowest_phones(
    live_server, board, browser, width, path
):
    """Long addresses and words in a notice wrap: no page scrolls sideways, not even one
    whose text holds an address longer than the screen."""
    long_address = "https://recruitment.example.org/" + "careersection" * 8 + "/notice.html"
    vacancy = board["260063"]
    vacancy.sections_en = [{"heading": "SUMMARY", "text": f"Apply at {long_address} now."}]
    vacancy.sections_fr = [{"heading": "RÉSUMÉ", "text": f"Postulez sur {long_address}."}]
    vacancy.save()
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True)
    page = context.new_page()
    for reference in board:
        page.goto(live_server.url + path.format(reference))
        _fits_the_screen(page)
    context.close()


@pytest.mark.parametrize(
    "language, detail, title",
    [
        ("en", "/en/vacancies/260063/", "Head, Comprehensive Assistance Package Section"),
        ("fr", "/fr/postes/260063/", "Chef de la Section CAP"),
    ],
)
def test_screenshots_of_the_list_and_a_vacancy(
    live_server, board, page, screenshot, language, detail, title
):
    page.goto(f"{live_server.url}/{language}/")
    assert listed(page) == OPEN
    screenshot(page, f"list-{language}", full_page=True)
    page.goto(live_server.url + detail)
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("[data-local-time]")).to_be_visible()
    screenshot(page, f"detail-{language}", full_page=True, clip=TOP_OF_A_PAGE)


# --------------------------------------------------------------------- the deadline, locally


def test_the_deadline_is_also_shown_in_the_candidates_time_zone(live_server, board, browser):
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(error))
        page.goto(f"{live_server.url}/en/vacancies/260063/")
        deadline = Vacancy.objects.get(reference="260063").deadline
        local = deadline.astimezone(ZoneInfo("America/New_York"))
        local_time = page.locator("[data-local-time]")
        expect(local_time).to_be_visible()
        expect(local_time).to_contain_text("Your time:")
        expect(local_time).to_contain_text(f"{local:%B} {local.day}, {local.year}")
        expect(local_time).to_contain_text(local.strftime("%I:%M").lstrip("0"))
        expect(local_time).to_contain_text(local.tzname())  # EST or EDT
        expect(page.locator("[data-countdown]")).to_have_text("closes in 3 days")
        assert errors == []
    finally:
        context.close()
