"""The public list page, as a candidate sees it."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from vacancies.importing import vacancy_upsert_from_notice
from vacancies.models import Vacancy

NOTICES = Path(__file__).resolve().parent.parent / "fixtures" / "notices"

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    for path in sorted(NOTICES.glob("*.txt")):
        vacancy_upsert_from_notice(text=path.read_text(encoding="utf-8"), source_name=path.name)
    return Vacancy.objects.all()


def rows(html):
    return re.findall(r"<tr>\s*<td>(.*?)</td>", html, re.S)


def test_list_page_shows_every_imported_notice_with_its_key_facts(client, imported):
    html = client.get("/").content.decode()
    assert len(rows(html)) == 5
    assert "Head, Comprehensive Assistance Package Section" in html
    assert "260063" in html and "G20" in html and "Kyiv, Ukraine" in html
    assert "26 February 2026, 00:59" in html
    assert html.count("<h1>") == 1


def test_open_vacancies_come_first_closing_soonest(client, imported):
    soon, later = Vacancy.objects.filter(reference__in=["260063", "260885"]).order_by("reference")
    Vacancy.objects.filter(pk=soon.pk).update(deadline=timezone.now() + timedelta(days=2))
    Vacancy.objects.filter(pk=later.pk).update(deadline=timezone.now() + timedelta(days=9))
    html = client.get("/").content.decode()
    open_part, closed_part = html.split('<h2 id="closed">')
    assert rows(open_part) == [soon.title_en, later.title_en]
    assert len(rows(closed_part)) == 3


def test_drafts_and_archived_vacancies_are_not_listed(client, imported):
    Vacancy.objects.filter(reference="260063").update(status=Vacancy.Status.DRAFT)
    Vacancy.objects.filter(reference="260066").update(status=Vacancy.Status.ARCHIVED)
    html = client.get("/").content.decode()
    assert "260063" not in html and "260066" not in html
    assert len(rows(html)) == 3


def test_empty_board_says_so(client):
    html = client.get("/").content.decode()
    assert "There are no open vacancies at the moment." in html


def test_no_migrations_are_missing():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
