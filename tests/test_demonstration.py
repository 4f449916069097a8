"""A first `make run` has something to browse: when no vacancy is open, generated ones are
added, marked as demonstration data wherever they show, and removed with one command."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args) -> str:
    out = io.StringIO()
    call_command("generate_vacancies", *map(str, args), stdout=out)
    return out.getvalue()


def demonstration():
    return Vacancy.objects.filter(source_name="generated")


@override_settings(DEBUG=True)
def test_a_board_with_nothing_open_gets_demonstration_vacancies_and_the_way_to_remove_them():
    said = run("--if-none-open", "--count", 30, "--seed", 1, "--jobs", 1)
    assert demonstration().count() == 30
    assert demonstration().published().open().exists()
    assert "python manage.py generate_vacancies --delete" in said
    run("--delete")
    assert not demonstration().exists()


@override_settings(DEBUG=True)
def test_a_board_with_open_vacancies_gets_none(board):
    said = run("--if-none-open", "--count", 30, "--seed", 1, "--jobs", 1)
    assert "no demonstration vacancies added" in said
    assert not demonstration().exists()


def test_adding_and_removing_at_once_is_refused():
    with pytest.raises(CommandError, match="one or the other"):
        run("--if-none-open", "--delete")


@override_settings(DEBUG=False)
def test_a_production_board_never_gets_them():
    with pytest.raises(CommandError, match="development board only"):
        run("--if-none-open", "--count", 30, "--jobs", 1)
    assert not demonstration().exists()


@pytest.mark.parametrize(
    "path, said",
    [
        ("/en/vacancies/{}/", "this vacancy was generated to show how the board works"),
        ("/fr/postes/{}/", "ce poste a été généré pour montrer le fonctionnement du site"),
    ],
)
@override_settings(DEBUG=True)
def test_a_demonstration_vacancys_page_says_what_it_is(client, path, said):
    run("--if-none-open", "--count", 10, "--seed", 1, "--jobs", 1)
    reference = demonstration().published().first().reference
    assert said in client.get(path.format(reference)).content.decode()


def test_a_real_vacancys_page_says_nothing_of_the_kind(client, board):
    assert "generated to show" not in client.get("/en/vacancies/260063/").content.decode()


@override_settings(DEBUG=True)
def test_the_admin_labels_demonstration_vacancies(admin_client):
    run("--if-none-open", "--count", 10, "--seed", 1, "--jobs", 1)
    html = admin_client.get("/admin/vacancies/vacancy/").content.decode()
    assert re.search(r'<th[^>]*class="column-is_demonstration', html)
    assert html.count('class="field-is_demonstration"><img src="/static/admin/img/icon-yes') == 10


@pytest.mark.parametrize(
    "path, banner, badge",
    [
        ("/en/", "were generated to show how the board works", ">Demonstration</span>"),
        ("/fr/", "ont été générés pour montrer le fonctionnement du site", ">Démonstration</span>"),
    ],
)
@override_settings(DEBUG=True)
def test_the_list_marks_demonstration_vacancies(client, path, banner, badge):
    run("--if-none-open", "--count", 10, "--seed", 1, "--jobs", 1)
    html = client.get(path).content.decode()
    assert banner in html
    shown = len(re.findall(r'class="vacancy-card"', html))
    assert shown and html.count(badge) == shown


def test_a_list_of_real_vacancies_has_no_such_banner(client, board):
    html = client.get("/en/").content.decode()
    assert "generated to show" not in html and "badge-demonstration" not in html
