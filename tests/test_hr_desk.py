"""The HR desk (the admin) says what it is, leads to the public board, points to what needs
attention, and finds vacancies by grade range, deadline, organisation and duty station."""

import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from vacancies.importing import notice_warnings, read_notice, vacancy_upsert_from_notice
from vacancies.models import Location, Vacancy

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/vacancies/vacancy/"


def listed(client, query=""):
    html = client.get(CHANGELIST + query).content.decode()
    return sorted(re.findall(r'<th class="field-reference"><a href="[^"]+">(\d+)</a>', html))


@pytest.mark.parametrize(
    "language, header, title, site",
    [
        ("en", "HR desk — International Staff job board", "What needs attention", "/en/"),
        ("fr", "Bureau RH — Offres d’emploi du Secrétariat international",
         "Ce qui demande votre attention", "/fr/"),
    ],
)  # fmt: skip
def test_the_desk_says_what_it_is_and_leads_to_the_public_board(
    editor_client, language, header, title, site
):
    html = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<a href="/admin/">{header}</a>' in html
    assert f"<title>{title} | {header}</title>" in html
    assert f'<a href="{site}">' in html
    assert "Django" not in html


def test_the_desk_points_to_drafts_and_to_vacancies_closing_this_week(editor_client, board):
    Vacancy.objects.filter(reference="240655").update(status=Vacancy.Status.DRAFT)
    html = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/admin/vacancies/vacancy/?status__exact=draft">1 draft waiting' in html
    # Three published posts close within the week (the board closes them in 1 to 4 days).
    week = '?status__exact=published&amp;deadline=week">3 published vacancies closing within'
    assert week in html
    assert listed(editor_client, "?status__exact=published&deadline=week") == [
        "260063", "260066", "260885"
    ]  # fmt: skip
    assert html.count('href="/admin/vacancies/vacancy/') >= 5  # the last changed, linked


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?grades=16-20", ["260063", "260066", "260885"]),
        ("?grades=6-10", ["240655"]),
        ("?grades=26-30", []),
        ("?grades=nonsense", ["240655", "260063", "260066", "260280", "260885"]),
        ("?deadline=closed", ["260280"]),
        ("?deadline=open", ["240655", "260063", "260066", "260885"]),
        ("?q=Capellen", ["260280"]),
        ("?q=Kiev", ["260063", "260066", "260885"]),  # the duty station's French name
    ],
)
def test_editors_find_vacancies_by_grade_range_deadline_and_duty_station(
    editor_client, board, query, expected
):
    assert listed(editor_client, query) == expected


def test_grade_ranges_are_offered_in_numeric_order(editor_client, board):
    html = editor_client.get(CHANGELIST).content.decode()
    ranges = re.findall(r'\?grades=(\d+)-\d+"', html)
    assert ranges == ["1", "6", "11", "16", "21", "26"]


def test_editors_filter_by_organisation(editor_client, board):
    organisation = Vacancy.objects.get(reference="260280").organisation_en
    query = "?" + "organisation_en__exact=" + organisation.replace(" ", "+")
    html = editor_client.get(CHANGELIST + query).content.decode()
    assert "260280" in html


def test_the_deadline_filter_follows_the_public_lists_rules(editor_client, board):
    Vacancy.objects.filter(reference="260885").update(deadline=timezone.now() + timedelta(days=8))
    assert "260885" not in listed(editor_client, "?deadline=week")
    assert reverse("admin:index") == "/admin/"
    assert Location.objects.filter(city="Kyiv").exists()


# ------------------------------------------------------------- warnings and recent imports


@pytest.fixture
def disagreeing(board):
    """The project manager notice (260066) imported again, its French half paying more."""
    text = Vacancy.objects.get(reference="260066").source_text
    changed = text.replace("8 419,86Euro", "8 500,00Euro")
    vacancy_upsert_from_notice(text=changed, source_name="260066-corrected.txt")
    return Vacancy.objects.get(reference="260066")


def test_each_vacancy_counts_the_warnings_its_notice_gave_at_import(disagreeing):
    for vacancy in Vacancy.objects.all():
        assert vacancy.warning_count == len(notice_warnings(read_notice(vacancy.source_text)))
    assert disagreeing.warning_count == 1
    assert Vacancy.objects.filter(warning_count=0).count() == 4


def test_the_desk_counts_and_lists_the_vacancies_with_warnings_to_check(editor_client, disagreeing):
    with_warnings = sorted(
        Vacancy.objects.filter(warning_count__gt=0).values_list("reference", flat=True)
    )
    html = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert with_warnings == ["260066"]
    assert '?warnings=yes">1 vacancy whose notice has warnings to check' in html
    assert listed(editor_client, "?warnings=yes") == with_warnings
    assert set(listed(editor_client, "?warnings=no")).isdisjoint(with_warnings)


def test_the_desk_lists_the_last_imports_with_their_file_and_editor(editor_client, board):
    html = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    recent = html[html.index("Recent imports") :]
    # The board imports the samples in file order: the last five, newest first.
    files = re.findall(r"\d{3}_[0-9a-f]{16}\.txt", recent)
    assert files == sorted(files, reverse=True) and len(files) == 5
    vacancy = Vacancy.objects.get(source_name=files[0])
    assert reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]) in recent
    assert "(Brussels time)" in recent


def test_the_desk_says_when_nothing_has_been_imported_yet(editor_client):
    html = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Aucune offre n’a encore été importée." in html


def test_vacancies_stored_before_warnings_were_counted_are_counted_once(disagreeing):
    counts = dict(Vacancy.objects.values_list("reference", "warning_count"))
    Vacancy.objects.update(warning_count=0)
    counting = import_module("vacancies.migrations.0013_warnings_to_check")
    counting.count_warnings(django_apps, schema_editor=None)
    assert dict(Vacancy.objects.values_list("reference", "warning_count")) == counts
