"""The board's identity in a real browser: the header (logo, names, language toggle) and the
footer (contact, pages about the site, the organisation's site) on every kind of page, and
the accessibility statement and privacy notice themselves, in both languages, on phones and
on a desktop.

Every test gets the `board` of tests/browser/conftest.py where it shows vacancies.
"""

import json

import pytest
from playwright.sync_api import expect

# (address, main heading) of each kind of page, in each language.
PAGES = {
    "en": [
        ("/en/", "Vacancies"),
        ("/en/vacancies/260063/", "Head, Comprehensive Assistance Package Section"),
        ("/en/accessibility/", "Accessibility statement"),
        ("/en/privacy/", "Privacy notice"),
    ],
    "fr": [
        ("/fr/", "Postes vacants"),
        ("/fr/postes/260063/", "Chef de la Section CAP"),
        ("/fr/accessibilite/", "Déclaration d’accessibilité"),
        ("/fr/confidentialite/", "Politique de confidentialité"),
    ],
}
# Names and an address as long as an organisation may give them, for the narrowest screens.
LONG_IDENTITY = {
    "BOARD_NAME": {
        "en": "Recruitment of the International Staff of the Organisation",
        "fr": "Recrutement du personnel international de l’Organisation",
    },
    "ORGANISATION_NAME": {
        "en": "International Organisation for Intergovernmental Cooperation",
        "fr": "Organisation internationale pour la coopération intergouvernementale",
    },
    "CONTACT_EMAIL": "international-staff-recruitment-questions@recruitment.example.org",
}

# What has focus, and whether a focus indicator is drawn around it.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    text: element.textContent.trim().replace(/\\s+/g, " "),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
  };
}"""


def _fits_the_screen(page):
    width, screen = (
        page.evaluate("document.documentElement.scrollWidth"),
        page.viewport_size["width"],
    )
    assert width <= screen, f"{page.url} is {width} px wide on a {screen} px screen"


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_header_footer_and_pages_about_the_site_pass_axe(
    request, live_server, board, axe_violations, screenshot, language, device
):
    page = request.getfixturevalue("phone_page" if device == "phone" else "page")
    found = {}
    for path, heading in PAGES[language]:
        response = page.goto(live_server.url + path)
        assert response.ok, path
        expect(page.locator("h1")).to_have_text(heading)
        found[path] = axe_violations(page)
        _fits_the_screen(page)
        screenshot(page, f"identity{path.rstrip('/').replace('/', '-')}-{device}", full_page=True)
    found = {path: violations for path, violations in found.items() if violations}
    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("identity", ["default", "long"])
def test_nothing_scrolls_sideways_on_the_narrowest_phones(
    live_server, board, browser, settings, width, language, identity
):
    if identity == "long":
        for name, value in LONG_IDENTITY.items():
            setattr(settings, name, value)
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        for path, _heading in PAGES[language]:
            page.goto(live_server.url + path)
            expect(page.locator(".site-name")).to_be_in_viewport()
            _fits_the_screen(page)
    finally:
        context.close()


def test_the_header_shows_the_logo_and_names_the_board_once(live_server, page):
    page.goto(f"{live_server.url}/en/privacy/")

    logo = page.locator("header img")
    assert logo.evaluate("image => image.complete && image.naturalWidth > 0"), "logo not shown"
    assert logo.evaluate("image => image.getBoundingClientRect().height") == 48
    home = page.get_by_role("banner").get_by_role("link").first
    expect(home).to_have_accessible_name("International Staff job board International Organisation")
    expect(home).to_have_attribute("href", "/en/")


def test_the_header_and_footer_can_be_used_with_the_keyboard(live_server, page):
    page.goto(f"{live_server.url}/fr/confidentialite/")
    seen = []
    for _ in range(4):  # skip link, the board's name, English, then into the page
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    assert [focused["text"] for focused in seen[:3]] == [
        "Aller au contenu",
        "Offres d’emploi du Secrétariat international Organisation internationale",
        "English",
    ]
    assert all(focused["outline"] for focused in seen), seen

    page.get_by_role("contentinfo").get_by_role("link", name="Accessibilité").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/fr/accessibilite/")
    expect(page.locator("h1")).to_have_text("Déclaration d’accessibilité")


@pytest.mark.parametrize(
    "english, french, heading_en, heading_fr",
    [
        ("/en/accessibility/", "/fr/accessibilite/",
         "Accessibility statement", "Déclaration d’accessibilité"),
        ("/en/privacy/", "/fr/confidentialite/",
         "Privacy notice", "Politique de confidentialité"),
    ],
)  # fmt: skip
def test_the_toggle_leads_to_the_same_page_in_the_other_language_both_ways(
    live_server, page, english, french, heading_en, heading_fr
):
    page.goto(live_server.url + english)
    page.get_by_role("link", name="français", exact=True).click()
    page.wait_for_url(live_server.url + french)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text(heading_fr)

    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(live_server.url + english)
    expect(page.locator("h1")).to_have_text(heading_en)


def test_the_footer_leads_to_the_pages_about_the_site_and_gives_the_contact(
    live_server, board, page
):
    page.goto(f"{live_server.url}/fr/postes/260063/")
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name="recruitment@example.org")).to_have_attribute(
        "href", "mailto:recruitment@example.org"
    )
    expect(footer.get_by_role("link", name="Organisation internationale")).to_have_attribute(
        "href", "https://www.example.org/"
    )

    footer.get_by_role("link", name="Politique de confidentialité").click()
    page.wait_for_url(f"{live_server.url}/fr/confidentialite/")
    expect(footer.get_by_role("link", name="Politique de confidentialité")).to_have_attribute(
        "aria-current", "page"
    )
    footer.get_by_role("link", name="Accessibilité").click()
    page.wait_for_url(f"{live_server.url}/fr/accessibilite/")
    # The statement says where to report a problem.
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="recruitment@example.org")).to_be_visible()


def test_reading_the_board_sets_no_cookie_as_the_privacy_notice_says(live_server, board, page):
    for language in ("en", "fr"):
        for path, _heading in PAGES[language]:
            page.goto(live_server.url + path)
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(f"{live_server.url}/en/privacy/")
    page.goto(f"{live_server.url}/en/")
    page.get_by_label("Search", exact=True).fill("security")
    page.get_by_label("Search", exact=True).press("Enter")
    page.wait_for_url(lambda url: "q=security" in url)

    assert page.context.cookies() == []
