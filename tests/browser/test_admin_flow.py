"""An HR editor's whole round in a real browser: log in, upload a notice, check the preview,
publish, see the vacancy on the public site in both languages, archive it, see it gone."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

NOTICE = Path(settings.BASE_DIR) / "fixtures" / "notices" / "001_fdb992f5b67e8e86.txt"
PASSWORD = "a long editor password"


@pytest.fixture
def hr_editor(live_server, monkeypatch):
    # Tests that empty the database between them take the group its migration made: make it
    # again, by that migration.
    # (Forward again for every app: those that depend on vacancies were taken back too.)
    call_command("migrate", "vacancies", "0006", verbosity=0)
    call_command("migrate", verbosity=0)
    monkeypatch.setenv("HR_EDITOR_PASSWORD", PASSWORD)
    call_command("create_hr_editor", "amelie", stdout=io.StringIO())
    return "amelie"


@pytest.fixture
def open_notice(tmp_path):
    """The project manager notice (260066), still open: its deadline moved a year on."""
    text = NOTICE.read_text(encoding="utf-8")
    text = text.replace("03-Mar-2026", "03-Mar-2099").replace("03-mars-2026", "03-mars-2099")
    path = tmp_path / "260066.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_hr_editor_imports_publishes_and_archives_a_notice(
    page, live_server, hr_editor, open_notice
):
    page.goto(f"{live_server.url}/{settings.ADMIN_URL}")
    page.get_by_label("Username").fill(hr_editor)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.goto(f"{live_server.url}/{settings.ADMIN_URL}vacancies/vacancy/")
    page.get_by_role("link", name="Import notices").click()
    page.get_by_label("Notice files").set_input_files(open_notice)
    page.get_by_role("button", name="Preview").click()

    preview = page.locator(".notice-preview")
    expect(preview).to_contain_text("260066")
    expect(preview).to_contain_text("new vacancy")
    expect(preview).to_contain_text("Gestionnaire de projet CAP")
    expect(preview).to_contain_text("G17")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("created (published)")

    page.goto(f"{live_server.url}/en/")
    expect(page.locator(".vacancy-list")).to_contain_text(
        "Comprehensive Assistance Package Project Manager"
    )
    page.goto(f"{live_server.url}/fr/")
    expect(page.locator(".vacancy-list")).to_contain_text("Gestionnaire de projet CAP")

    page.goto(f"{live_server.url}/{settings.ADMIN_URL}vacancies/vacancy/")
    page.get_by_role("row").filter(has_text="260066").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("archive")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Archived 1 vacancy")

    page.goto(f"{live_server.url}/en/")
    expect(page.locator("main")).not_to_contain_text("Comprehensive Assistance Package")
    response = page.goto(f"{live_server.url}/en/vacancies/260066/")
    assert response.status == 404


@pytest.mark.parametrize(
    "locale, log_in, desk",
    [("en", "Log in", "HR desk — International Staff job board"),
     ("fr", "Connexion", "Bureau RH — Offres d’emploi du Secrétariat international")],
)  # fmt: skip
def test_the_hr_desk_names_itself_and_what_needs_attention_without_axe_violations(
    page, live_server, hr_editor, board, axe_violations, locale, log_in, desk
):
    page.goto(f"{live_server.url}/{settings.ADMIN_URL}")
    page.locator("#id_username").fill(hr_editor)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=log_in).click()
    expect(page.get_by_role("link", name=desk)).to_be_visible()
    expect(page.locator(".desk-attention li")).to_have_count(9)  # four to do, five imports
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/{settings.ADMIN_URL}vacancies/placename/")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/{settings.ADMIN_URL}")
    page.locator("#user-tools a").first.click()  # "View site": the public board
    expect(page).to_have_url(f"{live_server.url}/{locale}/")
