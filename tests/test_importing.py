"""Importing notices: what HR sees when files go in, and what never happens to the data."""

import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.db.models import QuerySet
from pdf_files import many_pages, notice_pdf

from vacancies.importing import Outcome, source_digest, vacancy_upsert_from_notice
from vacancies.models import Location, Vacancy
from vacancies.notices import NoticeParseError
from vacancies.services import OnImport

NOTICES = Path(__file__).resolve().parent.parent / "fixtures" / "notices"
SAMPLE = NOTICES / "000_0f606890594e4ec3.txt"

pytestmark = pytest.mark.django_db


def failing_link_writes():
    """The disk fills up while the vacancy's locations are being linked: after its row."""
    return mock.patch.object(QuerySet, "bulk_create", side_effect=DatabaseError("disk full"))


def import_text(text, **options):
    return vacancy_upsert_from_notice(text=text, source_name="notice.txt", **options)


def run_import(*paths, **options):
    """Run import_notices; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("import_notices", *map(str, paths), stdout=out, stderr=err, **options)
    except SystemExit as exit:
        status = exit.code
    return status, out.getvalue(), err.getvalue()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_importing_a_notice_stores_every_field_in_both_languages():
    result = import_text(SAMPLE.read_text(encoding="utf-8"))
    vacancy = Vacancy.objects.get(reference="260063")
    assert result.outcome == Outcome.CREATED
    assert vacancy.title_en == "Head, Comprehensive Assistance Package Section"
    assert vacancy.title_fr == "Chef de la Section CAP"
    assert (vacancy.grade_label, vacancy.grade_min, vacancy.grade_max) == ("G20", 20, 20)
    assert vacancy.deadline.isoformat() == "2026-02-25T23:59:00+00:00"
    assert str(vacancy.salary_amount) == "9784.44" and vacancy.salary_currency == "EUR"
    assert vacancy.risk_level == Vacancy.RiskLevel.EXTREME
    assert vacancy.unaccompanied
    assert vacancy.primary_location.city_fr == "Kiev"
    assert [str(loc) for loc in vacancy.other_locations.all()] == ["Brussels, Belgium"]
    assert [s["heading"] for s in vacancy.sections_fr][:2] == [
        "RÉSUMÉ",
        "QUALIFICATIONS ET EXPÉRIENCE",
    ]
    assert vacancy.risk_note_fr.startswith("Note importante")


def test_original_text_is_kept_verbatim_with_its_sha256():
    text = SAMPLE.read_text(encoding="utf-8")
    vacancy = import_text(text).vacancy
    vacancy.refresh_from_db()
    assert vacancy.source_text == text
    assert vacancy.source_sha256 == source_digest(text)
    assert len(vacancy.source_sha256) == 64


def test_imported_vacancies_are_published_unless_draft_is_asked():
    assert import_text(SAMPLE.read_text(encoding="utf-8")).vacancy.status == "published"
    other = (NOTICES / "002_0713b456fdec9bde.txt").read_text(encoding="utf-8")
    draft = import_text(other, on_import=OnImport.DRAFT).vacancy
    assert draft.status == "draft" and draft.published_at is None


@pytest.mark.parametrize(
    ("on_import", "status"),
    [
        (OnImport.DRAFT, "archived"),
        (OnImport.PUBLISH_NEW, "archived"),
        (OnImport.PUBLISH, "published"),
    ],
)
def test_reimporting_keeps_the_status_unless_publishing_is_asked(on_import, status):
    text = SAMPLE.read_text(encoding="utf-8")
    vacancy = import_text(text).vacancy
    vacancy.archive()
    vacancy.save()
    changed = text.replace("Full-time", "Full time", 1)
    assert import_text(changed, on_import=on_import).vacancy.status == status
    assert import_text(changed, on_import=on_import).outcome == Outcome.UNCHANGED
    versions = list(vacancy.history.values_list("status", flat=True))
    assert versions == [status, "archived", "published"], "one version per change, none empty"


def test_publishing_an_unchanged_draft_publishes_it_in_one_version():
    text = SAMPLE.read_text(encoding="utf-8")
    draft = import_text(text, on_import=OnImport.DRAFT).vacancy
    result = import_text(text, on_import=OnImport.PUBLISH)
    assert (result.outcome, result.vacancy.status) == (Outcome.UNCHANGED, "published")
    assert draft.history.first().history_change_reason == "Published"
    assert draft.history.count() == 2


def test_reimporting_the_same_text_changes_nothing():
    text = SAMPLE.read_text(encoding="utf-8")
    first = import_text(text).vacancy
    second = import_text(text)
    assert second.outcome == Outcome.UNCHANGED
    assert Vacancy.objects.count() == 1
    assert Vacancy.objects.get().updated_at == first.updated_at


def test_reimporting_a_changed_notice_updates_the_same_vacancy_and_keeps_its_status():
    text = SAMPLE.read_text(encoding="utf-8")
    vacancy = import_text(text).vacancy
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.ARCHIVED)
    result = import_text(text.replace("NATO Grade G20", "NATO Grade G21", 1))
    assert result.outcome == Outcome.UPDATED
    assert result.vacancy.pk == vacancy.pk
    vacancy.refresh_from_db()
    assert vacancy.grade_label == "G21"
    assert vacancy.status == Vacancy.Status.ARCHIVED
    assert Vacancy.objects.count() == 1


def test_locations_are_shared_between_vacancies():
    for path in sorted(NOTICES.glob("*.txt")):
        import_text(path.read_text(encoding="utf-8"))
    assert Location.objects.filter(country="Ukraine", city="Kyiv").count() == 1
    kyiv = Location.objects.get(city="Kyiv")
    assert kyiv.primary_vacancies.count() == 3


def test_french_names_corrected_by_an_editor_survive_a_reimport():
    text = SAMPLE.read_text(encoding="utf-8")
    import_text(text)
    Location.objects.filter(city="Kyiv").update(city_fr="Kyïv")
    import_text(text.replace("G20", "G21", 1))
    assert Location.objects.get(city="Kyiv").city_fr == "Kyïv"


def test_a_file_that_is_not_a_notice_writes_nothing():
    with pytest.raises(NoticeParseError):
        import_text("Minutes of the staff association meeting.\n")
    assert Vacancy.objects.count() == 0
    assert Location.objects.count() == 0


def test_a_failure_half_way_through_saving_leaves_no_half_written_rows():
    text = SAMPLE.read_text(encoding="utf-8")
    with (
        failing_link_writes(),
        pytest.raises(DatabaseError),
    ):
        import_text(text)
    assert Vacancy.objects.count() == 0
    assert Location.objects.count() == 0


def test_a_failed_update_keeps_the_previous_version_whole():
    text = SAMPLE.read_text(encoding="utf-8")
    import_text(text)
    with (
        failing_link_writes(),
        pytest.raises(DatabaseError),
    ):
        changed = text.replace("NATO Grade G20", "NATO Grade G21", 1)
        import_text(
            changed.replace("Other Location: Belgium-Brussels", "Other Location: Belgium-Mons")
        )
    vacancy = Vacancy.objects.get()
    assert vacancy.grade_label == "G20"
    assert vacancy.source_sha256 == source_digest(text)
    assert [str(location) for location in vacancy.other_locations.all()] == ["Brussels, Belgium"]
    assert not Location.objects.filter(city="Mons").exists()


# --------------------------------------------------------------------- import_notices


def test_import_notices_imports_a_folder_and_prints_a_summary():
    status, out, err = run_import(NOTICES)
    assert status == 0
    assert "5 file(s): 5 created, 0 updated, 0 unchanged, 0 failed." in out
    assert err == ""
    assert Vacancy.objects.published().count() == 5


def test_import_notices_twice_reports_unchanged():
    run_import(NOTICES)
    status, out, _ = run_import(NOTICES)
    assert status == 0
    assert "0 created, 0 updated, 5 unchanged, 0 failed." in out
    assert Vacancy.objects.count() == 5


def test_import_notices_with_draft_keeps_new_vacancies_unpublished():
    run_import(SAMPLE, draft=True)
    assert Vacancy.objects.get().status == Vacancy.Status.DRAFT


def test_a_bad_file_among_good_ones_is_reported_and_skipped(tmp_path):
    (tmp_path / "a_good.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "d_good.txt").write_bytes((NOTICES / "003_1022b2eb9dceedfc.txt").read_bytes())
    status, out, err = run_import(tmp_path, tmp_path / "missing.txt")
    assert status == 1
    assert "2 created, 0 updated, 0 unchanged, 3 failed." in out
    assert f"{tmp_path / 'b_empty.txt'}: the file is empty" in err
    assert f"{tmp_path / 'c_binary.txt'}: the file is binary, not text" in err
    assert f"{tmp_path / 'missing.txt'}: no such file or folder" in err
    assert sorted(Vacancy.objects.values_list("reference", flat=True)) == ["260063", "260885"]


def test_import_notices_reads_pdf_files_through_the_same_door_as_the_admin(tmp_path):
    (tmp_path / "a.pdf").write_bytes(notice_pdf(SAMPLE.read_text(encoding="utf-8")))
    (tmp_path / "b.pdf").write_bytes(many_pages(98_000))
    (tmp_path / "c.txt").write_bytes((NOTICES / "003_1022b2eb9dceedfc.txt").read_bytes())
    status, out, err = run_import(tmp_path)
    assert status == 1
    assert "3 file(s): 2 created, 0 updated, 0 unchanged, 1 failed." in out
    assert f"{tmp_path / 'b.pdf'}: the PDF has 98,000 pages, more than the 50" in err
    assert Vacancy.objects.get(source_name="a.pdf").reference == "260063"


@pytest.mark.django_db(transaction=True)
def test_import_with_several_workers_gives_the_same_result(tmp_path):
    for path in NOTICES.glob("*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "zz_not_a_notice.txt").write_text("Lunch menu\n")
    status, out, err = run_import(tmp_path, jobs=2)
    assert status == 1
    assert "6 file(s): 5 created, 0 updated, 0 unchanged, 1 failed." in out
    assert err.strip() == f"{tmp_path / 'zz_not_a_notice.txt'}: " + (
        "not a vacancy notice: no title with a reference and no header fields found"
    )
    assert Vacancy.objects.published().count() == 5
    assert Location.objects.filter(city="Kyiv").count() == 1


def test_import_notices_refuses_a_number_of_workers_below_one():
    with pytest.raises(CommandError, match="--jobs"):
        call_command("import_notices", str(SAMPLE), jobs=0)


def test_a_long_import_on_a_terminal_shows_a_progress_bar(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    for number in range(25):
        (tmp_path / f"{number:02}.txt").write_text(text.replace("260063", f"9000{number:02}"))
    terminal = Terminal()
    with mock.patch("sys.stderr", terminal):
        status, out, _ = run_import(tmp_path)
    assert status == 0
    assert "25 created" in out
    assert "25/25" in terminal.getvalue()


def test_a_short_import_shows_no_progress_bar():
    terminal = Terminal()
    with mock.patch("sys.stderr", terminal):
        run_import(SAMPLE)
    assert terminal.getvalue() == ""


def test_a_notice_with_an_unreadable_french_value_is_imported_with_a_warning(tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(
        SAMPLE.read_text(encoding="utf-8").replace("26-févr.-2026, 00:59:00", "bientôt")
    )
    status, out, err = run_import(notice)
    assert status == 0
    assert "1 created" in out
    assert err.strip() == f"{notice}: warning: French text: cannot read the deadline 'bientôt'"
    assert Vacancy.objects.get().deadline is not None
