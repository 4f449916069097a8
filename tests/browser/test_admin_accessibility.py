"""The HR desk as everyone meets it: each page free of the WCAG 2.2 A and AA failures that
axe-core detects, in English and in French, on a desktop screen and on a phone; a whole
import done with the keyboard alone; the vacancy's English and French fields side by side."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from vacancies.models import PlaceName

from . import test_admin_flow
from .conftest import DESKTOP, PHONE

# The editor's account and an open notice, as the admin's round trip makes them.
hr_editor = test_admin_flow.hr_editor
open_notice = test_admin_flow.open_notice
PASSWORD = test_admin_flow.PASSWORD

NOTICE = Path(settings.BASE_DIR) / "fixtures" / "notices" / "002_0713b456fdec9bde.txt"
# The words of the buttons, as each language shows them.
WORDS = {
    "en": {"preview": "Preview", "publish": "Save and publish", "created": "created (published)"},
    "fr": {"preview": "Aperçu", "publish": "Enregistrer et publier", "created": "créé (publié)"},
}


@pytest.fixture(params=["desktop", "phone"])
def screen(request):
    """The page, on a 1280 px wide screen and then on a 360 px wide phone."""
    return request.getfixturevalue("page" if request.param == "desktop" else "phone_page")


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('admin:index')}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator("#user-tools")).to_be_visible()


def tab_to(page, target, *, backwards=False, most=80):
    """Press Tab (or Shift+Tab) until ``target`` has the focus, as a keyboard user does."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(most):
        if target.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {target}")


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_login_page_has_no_accessibility_violations(
    screen, live_server, axe_violations, locale
):
    screen.goto(f"{live_server.url}{reverse('admin:index')}")
    expect(screen.locator("#id_username")).to_be_visible()
    assert axe_violations(screen) == []


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_page_of_the_hr_desk_has_no_accessibility_violations(
    screen, live_server, hr_editor, board, axe_violations, locale
):
    vacancy = board["260066"]
    version = vacancy.history.order_by("history_id").first()
    location = vacancy.primary_location
    place_name = PlaceName.objects.first() or PlaceName.objects.create(name="Kiev", place="Kyiv")
    pages = {
        "index": reverse("admin:index"),
        "vacancy list": reverse("admin:vacancies_vacancy_changelist"),
        "vacancy list, filtered and sorted": reverse("admin:vacancies_vacancy_changelist")
        + "?status__exact=published&_facets=True&o=2.-1",
        "vacancy list, searched": reverse("admin:vacancies_vacancy_changelist") + "?q=Kyiv",
        "vacancy": reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]),
        "vacancy history": reverse("admin:vacancies_vacancy_history", args=[vacancy.pk]),
        "vacancy version": reverse(
            "admin:vacancies_vacancy_simple_history", args=[vacancy.pk, version.history_id]
        ),
        "import": reverse("admin:vacancies_vacancy_import"),
        "location list": reverse("admin:vacancies_location_changelist"),
        "location": reverse("admin:vacancies_location_change", args=[location.pk]),
        "place name list": reverse("admin:vacancies_placename_changelist"),
        "place name": reverse("admin:vacancies_placename_change", args=[place_name.pk]),
        "original notice": reverse("admin:vacancies_vacancy_original", args=[vacancy.pk]),
    }
    log_in(screen, live_server, hr_editor)
    violations = {}
    for name, path in pages.items():
        screen.goto(f"{live_server.url}{path}")
        violations[name] = axe_violations(screen)

    screen.goto(f"{live_server.url}{pages['import']}")
    screen.locator("#id_text").fill(NOTICE.read_text(encoding="utf-8"))
    screen.get_by_role("button", name=WORDS[locale]["preview"]).click()
    expect(screen.locator(".notice-preview")).to_contain_text("240655")
    violations["import preview"] = axe_violations(screen)

    assert {name: found for name, found in violations.items() if found} == {}


SUMMARY = {
    "en": {"files": "Notice files", "draft": "Save as draft", "status": "Created: 2.",
           "preview": "Preview", "other": "Français", "banner": "Preview for HR editors"},
    "fr": {"files": "Fichiers d’avis de vacance", "draft": "Enregistrer comme brouillon",
           "status": "Créées\u00a0: 2.", "preview": "Aperçu", "other": "English",
           "banner": "Aperçu pour les RH"},
}  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_an_editor_imports_several_notices_and_previews_a_draft_without_accessibility_violations(
    screen, live_server, hr_editor, axe_violations, locale
):
    words = SUMMARY[locale]
    notices = sorted((Path(settings.BASE_DIR) / "fixtures" / "notices").glob("*.txt"))[:2]
    log_in(screen, live_server, hr_editor)
    screen.goto(f"{live_server.url}{reverse('admin:vacancies_vacancy_import')}")
    screen.get_by_label(words["files"]).set_input_files(notices)
    screen.get_by_role("button", name=WORDS[locale]["preview"]).click()
    screen.get_by_role("button", name=words["draft"]).click()

    expect(screen.get_by_role("status")).to_contain_text(words["status"])
    violations = {"summary": axe_violations(screen)}
    screen.get_by_role("link", name=words["preview"], exact=True).first.click()
    expect(screen.locator(".notice-preview")).to_contain_text(words["banner"])
    violations["preview"] = axe_violations(screen)
    screen.get_by_role("link", name=words["other"]).click()  # the other language's preview
    expect(screen.locator("html")).to_have_attribute("lang", "fr" if locale == "en" else "en")
    expect(screen.locator(".notice-preview")).to_be_visible()
    violations["preview in the other language"] = axe_violations(screen)
    assert {name: found for name, found in violations.items() if found} == {}


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_vacancy_form_explains_its_errors_without_accessibility_violations(
    screen, live_server, hr_editor, board, axe_violations, locale
):
    log_in(screen, live_server, hr_editor)
    screen.goto(
        f"{live_server.url}{reverse('admin:vacancies_vacancy_change', args=[board['260066'].pk])}"
    )
    screen.locator("#id_title_en").fill("")
    screen.locator("#id_deadline_0").fill("not a date")
    screen.locator("input[name=_continue]").click()
    expect(screen.locator(".errornote")).to_be_visible()
    assert axe_violations(screen) == []


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_deadline_date_and_time_are_each_named(page, live_server, hr_editor, board, locale):
    log_in(page, live_server, hr_editor)
    page.goto(
        f"{live_server.url}{reverse('admin:vacancies_vacancy_change', args=[board['260066'].pk])}"
    )
    date, time = {"en": ("Date:", "Time:"), "fr": ("Date :", "Heure :")}[locale]
    expect(page.get_by_label(date, exact=True)).to_have_id("id_deadline_0")
    expect(page.get_by_label(time, exact=True)).to_have_id("id_deadline_1")


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_an_hr_editor_imports_and_publishes_a_notice_with_the_keyboard_alone(
    page, live_server, hr_editor, open_notice, locale
):
    words = WORDS[locale]
    page.goto(f"{live_server.url}{reverse('admin:index')}")
    tab_to(page, page.locator("#id_username"))
    page.keyboard.type(hr_editor)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    import_link = page.locator(f'#content a[href="{reverse("admin:vacancies_vacancy_import")}"]')
    tab_to(page, import_link.first)
    page.keyboard.press("Enter")

    tab_to(page, page.locator("#id_text"))
    page.keyboard.insert_text(open_notice.read_text(encoding="utf-8"))  # as pasted
    tab_to(page, page.get_by_role("button", name=words["preview"]))
    page.keyboard.press("Space")

    expect(page.locator(".notice-preview")).to_contain_text("260066")
    # From the end of the page, back up to the button.
    tab_to(page, page.get_by_role("button", name=words["publish"]), backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text(words["created"])


@pytest.mark.parametrize(
    "viewport, side_by_side",
    [(DESKTOP, True), (PHONE, False)],
    ids=["desktop", "phone"],
)
def test_the_english_and_french_fields_sit_side_by_side_on_a_wide_screen_stacked_on_a_phone(
    page, live_server, hr_editor, board, viewport, side_by_side
):
    log_in(page, live_server, hr_editor)
    page.goto(
        f"{live_server.url}{reverse('admin:vacancies_vacancy_change', args=[board['260066'].pk])}"
    )
    row = page.locator(".form-row.field-title_en").bounding_box()
    for field in ("title", "organisation", "schedule", "risk_note", "sections"):
        english = page.locator(f"#id_{field}_en").bounding_box()
        french = page.locator(f"#id_{field}_fr").bounding_box()
        if side_by_side:
            assert english["y"] == french["y"], field
            assert english["x"] + english["width"] < french["x"], field
            assert english["width"] == pytest.approx(french["width"], abs=1), field
            # Together they fill the form's width, less the gap between them.
            assert english["width"] + french["width"] > row["width"] - 60, field
        else:
            assert english["y"] + english["height"] < french["y"], field
            assert english["x"] == french["x"], field
        assert french["x"] + french["width"] <= viewport["width"], field
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
