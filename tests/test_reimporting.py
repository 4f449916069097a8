"""Importing fast: a file imported before is known unchanged by its text's digest, without
being read as a notice; search reads each notice's own sections, not the standard ones."""

import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import translation

from vacancies.importing import Outcome, import_notice_files
from vacancies.models import Vacancy
from vacancies.services import OnImport

NOTICES = Path(__file__).resolve().parent.parent / "fixtures" / "notices"
SAMPLE = NOTICES / "000_0f606890594e4ec3.txt"

pytestmark = pytest.mark.django_db


def run_import(*paths, **options):
    """Run import_notices; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_notices", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def not_parsed():
    return mock.patch(
        "vacancies.importing.read_notice", side_effect=AssertionError("the notice was parsed")
    )


def test_an_unchanged_file_is_known_without_parsing_and_adds_no_version():
    run_import(NOTICES)
    vacancy = Vacancy.objects.get(reference="260063")
    with not_parsed():
        out, err = run_import(NOTICES)
    assert "0 created, 0 updated, 5 unchanged, 0 failed." in out
    assert err == ""
    assert vacancy.history.count() == 1
    assert Vacancy.objects.get(pk=vacancy.pk).updated_at == vacancy.updated_at


def test_the_same_reference_with_one_character_changed_is_imported_again(tmp_path):
    run_import(SAMPLE)
    changed = tmp_path / "changed.txt"
    changed.write_text(SAMPLE.read_text(encoding="utf-8").replace("Full-time", "Full time", 1))
    out, _ = run_import(changed, verbosity=2)
    assert f"{changed}: updated 260063" in out
    vacancy = Vacancy.objects.get()
    assert vacancy.schedule_en == "Full time"
    assert vacancy.history.first().history_change_reason == "Imported from changed.txt"
    assert vacancy.history.count() == 2


def test_an_unchanged_file_with_warnings_tells_them_again(tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(
        SAMPLE.read_text(encoding="utf-8").replace("26-févr.-2026, 00:59:00", "bientôt")
    )
    run_import(notice)
    out, err = run_import(notice)
    assert "0 created, 0 updated, 1 unchanged, 0 failed." in out
    assert err.strip() == f"{notice}: warning: French text: cannot read the deadline 'bientôt'"
    assert Vacancy.objects.get().history.count() == 1


def test_publishing_an_unchanged_draft_still_publishes_it():
    list(import_notice_files([SAMPLE], on_import=OnImport.DRAFT))
    [result] = import_notice_files([SAMPLE], on_import=OnImport.PUBLISH)
    assert result.outcome == Outcome.UNCHANGED
    vacancy = Vacancy.objects.get()
    assert vacancy.status == Vacancy.Status.PUBLISHED
    assert vacancy.history.first().history_change_reason == "Published"
    with not_parsed():
        [again] = import_notice_files([SAMPLE], on_import=OnImport.PUBLISH)
    assert again.outcome == Outcome.UNCHANGED
    assert vacancy.history.count() == 2


def test_a_stored_text_under_another_reference_is_not_taken_for_this_notice():
    list(import_notice_files([SAMPLE]))
    Vacancy.objects.update(reference="RENAMED-1")
    [result] = import_notice_files([SAMPLE])
    assert (result.outcome, result.reference) == (Outcome.CREATED, "260063")
    assert Vacancy.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_unchanged_import_with_several_workers_gives_the_same_result(tmp_path):
    for path in NOTICES.glob("*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    run_import(tmp_path, jobs=2)
    (tmp_path / "zz_changed.txt").write_text(
        SAMPLE.read_text(encoding="utf-8").replace("260063", "260064")
    )
    out, err = run_import(tmp_path, jobs=2, verbosity=2)
    assert "6 file(s): 1 created, 0 updated, 5 unchanged, 0 failed." in out
    assert f"{tmp_path / SAMPLE.name}: unchanged 260063" in out
    assert err == ""
    assert Vacancy.objects.count() == 6


def found(client, words, language):
    """Does a candidate's search for ``words`` on the ``language`` list find 260063?"""
    # The page activates its language; the tests after this one keep theirs.
    with translation.override(None):
        response = client.get(f"/{language}/", {"q": words}, secure=True)
    path = "vacancies" if language == "en" else "postes"
    return f'href="/{language}/{path}/260063/"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "standard_heading"),
    [
        ("en", "ADDITIONAL INFORMATION"),
        ("en", "Useful information regarding application and recruitment process"),
        ("fr", "INFORMATIONS COMPLEMENTAIRES"),
        ("fr", "Informations utiles concernant la procédure de candidature"),
    ],
)
def test_search_finds_a_notices_own_words_not_its_standard_paragraphs(
    client, language, standard_heading
):
    list(import_notice_files([SAMPLE]))
    Vacancy.objects.update(
        deadline=None,  # open, so that the list shows it
        **{
            f"sections_{language}": [
                {"heading": "SUMMARY", "text": "Zanzibarite surveys."},
                {"heading": standard_heading, "text": "Quokkaology applies."},
            ]
        },
    )
    assert found(client, "zanzibarite", language)
    assert not found(client, "quokkaology", language)
