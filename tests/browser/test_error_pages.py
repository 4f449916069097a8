"""The pages a visitor meets when something is wrong (an address that does not exist, one
that cannot be read, a database that is down) read well in both languages, on a phone and
on a desktop, with no accessibility violation."""

import pytest
from django.db import OperationalError
from django.db.backends import utils

PAGES = {
    "not found": ("/{language}/{vacancies}/999999/", 404),
    "bad request": ("/{language}/?q=a%00b", 400),
    "unavailable": ("/{language}/{vacancies}/260063/", 503),
}
HEADINGS = {
    ("not found", "en"): "Page not found",
    ("not found", "fr"): "Page introuvable",
    ("bad request", "en"): "Bad request",
    ("bad request", "fr"): "Requête incorrecte",
    ("unavailable", "en"): "Temporarily unavailable",
    ("unavailable", "fr"): "Momentanément indisponible",
}


@pytest.fixture
def database_down(monkeypatch):
    """Every query of the served site fails as when the database cannot be reached."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused (the test stopped the database)")

    def stop():
        monkeypatch.setattr(utils.CursorWrapper, "execute", refuse)

    return stop


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_error_pages_read_well_and_pass_axe(
    request, live_server, board, axe_violations, screenshot, database_down, name, language, device
):
    page = request.getfixturevalue("phone_page" if device == "phone" else "page")
    path, status = PAGES[name]
    if status == 503:
        database_down()
    vacancies = "postes" if language == "fr" else "vacancies"
    response = page.goto(live_server.url + path.format(language=language, vacancies=vacancies))
    assert response.status == status
    assert page.locator("h1").inner_text() == HEADINGS[name, language]
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "the page scrolls sideways"
    screenshot(page, f"error-{name.replace(' ', '-')}-{language}-{device}")
