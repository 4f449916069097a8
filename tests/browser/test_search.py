"""Search in the browser as candidates use it: a place by another name, a word without its
accents, a misspelling corrected by following the suggestion, values that name nothing;
axe-core finds no WCAG 2.1 A/AA violation on what these pages add, on a phone and a desktop,
in both languages."""

import json

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE


@pytest.mark.parametrize(
    "language, typed, first_title",
    [
        ("en", "Kiev", "Senior Regional Security Officer, NRU"),
        ("fr", "Kyïv securite", "Officier de sécurité régional(e) principal(e), NRU"),
    ],
)
def test_a_place_by_another_name_and_words_without_accents_are_found(
    live_server, board, page, language, typed, first_title
):
    page.goto(f"{live_server.url}/{language}/")
    page.locator("#id_q").fill(typed)
    page.locator("#id_q").press("Enter")
    expect(page.locator(".vacancy-list h3").first).to_have_text(first_title)
    if "securite" in typed:  # the words' extract; a place shows as the duty station
        expect(page.locator(".vacancy-list .extract mark").first).to_have_text("sécurité")


@pytest.mark.parametrize("language, said", [("en", "Did you mean"), ("fr", "Vouliez-vous dire")])
def test_a_misspelled_search_is_corrected_by_following_the_suggestion(
    live_server, board, page, language, said
):
    page.goto(f"{live_server.url}/{language}/?q=Comprehensve")
    suggestion = page.locator(".suggestion")
    expect(suggestion).to_contain_text(said)
    # Spoken with the count, once the page has loaded.
    expect(page.locator("[data-results-status]")).to_contain_text(said)
    suggestion.get_by_role("link").click()
    expect(page.locator("#id_q")).to_have_value("comprehensive")
    expect(page.locator(".vacancy-list li")).to_have_count(3)


SEARCH_PAGES = [
    "/{language}/?q=Kiev",
    "/{language}/?q=Comprehensve",
    "/{language}/?q=securite&country=Atlantis&organisation=Foo&clearance=XYZ&location=9999",
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_violation_on_search_pages(
    live_server, board, page, axe_violations, language, viewport
):
    found = {}
    for address in SEARCH_PAGES:
        url = address.format(language=language)
        page.goto(live_server.url + url)
        found[url] = axe_violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], url
    found = {url: violations for url, violations in found.items() if violations}
    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)
