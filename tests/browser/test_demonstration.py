"""Demonstration vacancies in the browser: the banner and badges are seen, on a phone and a
desktop, in both languages, with no axe-core violation."""

import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from vacancies.models import Vacancy

from .conftest import DESKTOP, PHONE


@pytest.fixture
def demonstration_board():
    with override_settings(DEBUG=True):
        call_command("generate_vacancies", "--if-none-open", "--count=12", "--seed=3", "--jobs=1")
    return Vacancy.objects.filter(source_name="generated").published().open().first()


@pytest.mark.parametrize(
    "language, words",
    [("en", "Demonstration"), ("fr", "Démonstration")],
)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_demonstration_vacancies_are_marked_wherever_they_show(
    live_server, demonstration_board, page, axe_violations, language, words, viewport
):
    found = {}
    page.goto(f"{live_server.url}/{language}/")
    expect(page.locator(".notice-demonstration")).to_be_visible()
    expect(page.locator(".badge-demonstration").first).to_have_text(words)
    found["list"] = axe_violations(page)
    page.locator(".vacancy-list h3 a").first.click()
    expect(page.locator(".notice-demonstration")).to_contain_text(words)
    found["vacancy"] = axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    found = {name: violations for name, violations in found.items() if violations}
    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)
