"""What HR editors see on the desk's pages: values written as on the public pages and in
their language, the public page of a draft before candidates see it, the original notice
beside the form, choices rather than free text, and a summary after importing several
notices."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from test_admin import PROJECT_MANAGER, change_form, imported, notice_text

from vacancies import display
from vacancies.models import ImportPreview, Location, Vacancy

pytestmark = pytest.mark.django_db

NOTICES = Path(settings.BASE_DIR) / "fixtures" / "notices"
IMPORT = "/admin/vacancies/vacancy/import/"


def _preview(client, language="en", **data):
    return client.post(IMPORT, data, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def _confirm(client, preview_html, choice="publish", language="en"):
    token = re.search(r'name="token" value="([^"]+)"', preview_html)[1]
    return client.post(IMPORT, {"token": token, "confirm": choice}, HTTP_ACCEPT_LANGUAGE=language)


# ------------------------------------------------------------------ one way to show a value


@pytest.mark.parametrize(
    "language, salary, risk, moment",
    [
        ("en", "€8,419.86 per month", "Extreme risk", "17 March 2099, 00:59 (Brussels time)"),
        ("fr", "8\u00a0419,86\u00a0€ par mois", "Risque extrême",
         "17 mars 2099, 00 h 59 (heure de Bruxelles)"),
    ],
)  # fmt: skip
def test_values_read_the_same_everywhere_in_the_readers_language(language, salary, risk, moment):
    from datetime import UTC, datetime

    with translation.override(language):
        assert display.salary(Decimal("8419.86"), "EUR", "monthly") == salary
        assert display.risk_level("extreme") == risk
        assert display.site_time(datetime(2099, 3, 16, 23, 59, tzinfo=UTC)) == moment
        assert display.vacancy_value("risk_level", "extreme") == risk
        assert display.vacancy_value("deadline_ongoing", False) in {"no", "non"}
        assert display.vacancy_value("deadline", None) == ""


def test_an_unknown_currency_or_period_is_written_as_given():
    with translation.override("en"):
        assert display.salary(Decimal("100"), "NOK", "weekly") == "100.00 NOK"
        assert display.salary(None, "EUR", "monthly") == ""
        assert display.money(Decimal("5"), None) == "5.00"


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", ["€8,419.86 per month", "Extreme risk", "Kyiv, Ukraine", "(Brussels time)",
                "Sections (English)"]),
        ("fr", ["8\u00a0419,86\u00a0€ par mois", "Risque extrême", "Kiev, Ukraine",
                "(heure de Bruxelles)", "Sections (anglais)"]),
    ],
)  # fmt: skip
def test_the_import_preview_shows_values_as_candidates_read_them(editor_client, language, expected):
    html = _preview(editor_client, language, text=notice_text())
    for words in expected:
        assert words in html
    assert "monthly" not in html and ">extreme<" not in html


def test_the_import_page_gives_the_size_limit_in_the_editors_language(editor_client):
    english = editor_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = editor_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "up to 5 MB each" in english
    assert "5\u00a0Mo" in french and "5 MB" not in french


def test_a_reimport_compares_values_as_the_public_pages_write_them(editor_client):
    imported()
    changed = notice_text().replace("Monthly", "Yearly", 1).replace("Mensuelle", "Annuelle", 1)
    changed = changed.replace("03-Mar-2026", "17-Mar-2026").replace("03-mars-2026", "17-mars-2026")
    html = _preview(editor_client, "en", text=changed)
    assert "Salary period</th><td>monthly</td><td>yearly</td>" in html
    assert (
        "Application deadline</th><td>3 March 2026, 00:59 (Brussels time)</td>"
        "<td>17 March 2026, 00:59 (Brussels time)</td>"
    ) in html


def test_the_history_names_places_and_levels_as_the_public_pages_do(editor_client):
    vacancy = imported()
    data = change_form(editor_client, vacancy, risk_level="high", salary_period="yearly")
    editor_client.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data)
    history = editor_client.get(
        reverse("admin:vacancies_vacancy_history", args=[vacancy.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "High risk" in history and "yearly" in history


def test_the_vacancy_list_gives_deadlines_in_the_sites_named_zone(editor_client):
    imported()
    html = editor_client.get(
        "/admin/vacancies/vacancy/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "(heure de Bruxelles)" in html


# ------------------------------------------------------------------------------ editing


def test_currency_period_and_schedule_are_picked_from_choices(editor_client):
    vacancy = imported()
    html = editor_client.get(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
    ).content.decode()
    for name, value in [
        ("salary_currency", "EUR"),
        ("salary_period", "monthly"),
        ("schedule_en", "Full-time"),
        ("schedule_fr", "Temps plein"),
    ]:
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
        assert select, name
        assert f'<option value="{value}" selected>' in select[1]
    assert 'name="title_fr"' in html and re.search(r'name="title_fr"[^>]*lang="fr"', html)


def test_a_value_outside_the_choices_is_kept_when_the_form_is_saved(editor_client):
    vacancy = imported()
    Vacancy.objects.filter(pk=vacancy.pk).update(salary_currency="NOK", schedule_en="Shifts")
    data = change_form(editor_client, vacancy, title_en="Project Lead")
    assert data["salary_currency"] == "NOK" and data["schedule_en"] == "Shifts"
    response = editor_client.post(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data
    )
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.salary_currency, vacancy.schedule_en) == ("NOK", "Shifts")


def test_a_currency_that_is_not_offered_cannot_be_typed_in(editor_client):
    vacancy = imported()
    data = change_form(editor_client, vacancy, salary_currency="<b>XYZ</b>")
    response = editor_client.post(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    vacancy.refresh_from_db()
    assert vacancy.salary_currency == "EUR"


# ------------------------------------------------------------- the public page, before it is


def test_a_draft_offers_its_page_as_a_preview_in_both_languages(editor_client):
    vacancy = imported()
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.DRAFT)
    html = editor_client.get(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
    ).content.decode()
    for language in ("en", "fr"):
        assert reverse("admin:vacancies_vacancy_preview", args=[vacancy.pk, language]) in html
    assert "View on site" not in html  # candidates cannot open it yet


def test_a_published_vacancy_links_to_its_public_page_in_both_languages(editor_client):
    vacancy = imported()
    html = editor_client.get(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
    ).content.decode()
    assert 'href="/en/vacancies/260066/"' in html and 'href="/fr/postes/260066/"' in html
    assert "/preview/" not in html


@pytest.mark.parametrize(
    "language, title, banner",
    [
        ("en", "Comprehensive Assistance Package Project Manager",
         "this draft is not published: candidates do not see this page."),
        ("fr", "Gestionnaire de projet CAP",
         "ce brouillon n’est pas publié : les candidats ne voient pas cette page."),
    ],
)  # fmt: skip
def test_the_preview_is_the_public_page_in_the_language_chosen(
    editor_client, client, language, title, banner
):
    vacancy = imported()
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.DRAFT)
    url = reverse("admin:vacancies_vacancy_preview", args=[vacancy.pk, language])
    html = editor_client.get(url).content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{title}" in html
    assert banner.replace("\u00a0", " ") in html.replace("\u00a0", " ")
    # Its language links lead to the other preview, not to a public page that is not there.
    other = "fr" if language == "en" else "en"
    assert reverse("admin:vacancies_vacancy_preview", args=[vacancy.pk, other]) in html
    assert client.get(f"/{language}/").status_code == 200  # the public list
    assert "260066" not in client.get(f"/{language}/").content.decode()


@pytest.mark.parametrize("address", ["de", "EN", "e", "<script>"])
def test_a_preview_in_no_language_of_the_site_is_not_found(editor_client, address):
    vacancy = imported()
    url = reverse("admin:vacancies_vacancy_preview", args=[vacancy.pk, "en"])
    assert editor_client.get(url.replace("/en/", f"/{address}/")).status_code == 404


@pytest.mark.parametrize("key", ["999999", "0", "99999999999999999999", "x", "-1"])
def test_pages_of_a_vacancy_that_is_not_there_are_not_found(editor_client, key):
    for name, args in [("preview", [key, "en"]), ("original", [key])]:
        url = reverse(f"admin:vacancies_vacancy_{name}", args=args)
        assert editor_client.get(url).status_code == 404


def test_the_original_notice_opens_beside_the_form_as_plain_words(editor_client):
    vacancy = imported()
    Vacancy.objects.filter(pk=vacancy.pk).update(
        source_text=vacancy.source_text + "\n<script>alert(1)</script>"
    )
    change = editor_client.get(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
    ).content.decode()
    original_url = reverse("admin:vacancies_vacancy_original", args=[vacancy.pk])
    assert re.search(rf'<a href="{original_url}" target="_blank">', change)
    html = editor_client.get(original_url).content.decode()
    assert "Comprehensive Assistance Package Project Manager" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "As imported from 001.txt" in html


# ----------------------------------------------------------------------------- bulk work


def _upload(path, text=None):
    content = (text if text is not None else path.read_text(encoding="utf-8")).encode()
    return SimpleUploadedFile(path.name, content)


def test_after_importing_several_notices_a_summary_says_what_became_of_each(editor_client):
    imported()  # 260066, as it is
    paths = sorted(NOTICES.glob("*.txt"))
    changed = PROJECT_MANAGER.read_text(encoding="utf-8").replace("Manager", "Lead", 1)
    files = [_upload(path) for path in paths if path != PROJECT_MANAGER]
    preview = _preview(editor_client, files=[*files, _upload(PROJECT_MANAGER, changed)])
    # A notice spoilt on the server between the preview and the saving is refused alone.
    kept = ImportPreview.objects.get()
    kept.sources = [*kept.sources, ["broken.txt", "no notice here"]]
    kept.save()
    response = _confirm(editor_client, preview, "draft")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Created: 4. Updated: 1. Unchanged: 0. Refused: 1." in html
    for vacancy in Vacancy.objects.all():
        assert reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]) in html
    new = Vacancy.objects.exclude(reference="260066").first()
    assert new.status == Vacancy.Status.DRAFT
    assert reverse("admin:vacancies_vacancy_preview", args=[new.pk, "en"]) in html
    assert 'href="/en/vacancies/260066/"' in html  # published before: still published
    assert "broken.txt" in html
    assert not ImportPreview.objects.exists()


def test_importing_the_same_notices_again_is_summed_up_as_unchanged(editor_client):
    files = [_upload(path) for path in sorted(NOTICES.glob("*.txt"))[:2]]
    _confirm(editor_client, _preview(editor_client, files=files), "publish")
    again = [_upload(path) for path in sorted(NOTICES.glob("*.txt"))[:2]]
    html = _confirm(editor_client, _preview(editor_client, files=again)).content.decode()
    assert "Created: 0. Updated: 0. Unchanged: 2. Refused: 0." in html


def test_the_summary_reads_in_french_for_a_french_editor(editor_client):
    files = [_upload(path) for path in sorted(NOTICES.glob("*.txt"))[:2]]
    preview = _preview(editor_client, "fr", files=files)
    html = _confirm(editor_client, preview, "draft", "fr").content.decode()
    assert "Créées\u00a0: 2." in html and "/fr/" not in html.split("Créées")[0][-200:]
    assert "Aperçu" in html


def test_the_history_says_why_each_version_was_saved_in_the_editors_language(editor_client):
    vacancy = imported()
    data = change_form(editor_client, vacancy, title_en="Project Lead")
    editor_client.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data)
    url = reverse("admin:vacancies_vacancy_history", args=[vacancy.pk])
    french = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Importé depuis 001.txt" in french and "Modifié dans l’administration" in french
    english = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Imported from 001.txt" in english and "Changed in the admin" in english


def test_the_history_names_the_places_a_change_moved_a_vacancy_to(editor_client):
    vacancy = imported()
    brussels = Location.objects.get(city="Brussels")
    data = change_form(editor_client, vacancy, primary_location=str(brussels.pk))
    data["other_locations"] = []
    editor_client.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data)
    url = reverse("admin:vacancies_vacancy_history", args=[vacancy.pk])
    french = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert re.search(r"Kiev, Ukraine\s*&nbsp;&rarr;&nbsp;&nbsp;Bruxelles, Belgique", french)


def test_a_title_pasted_over_several_lines_is_saved_as_one(editor_client):
    vacancy = imported()
    data = change_form(
        editor_client, vacancy, title_en="Project\r\n  Lead ", title_fr="Chef\nde projet"
    )
    editor_client.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data)
    vacancy.refresh_from_db()
    assert (vacancy.title_en, vacancy.title_fr) == ("Project Lead", "Chef de projet")
