"""The HR editors' admin: who may do what, importing with a preview, checks, history and
edits that never silently overwrite each other."""

import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pdf_files import decompression_bomb, many_pages, notice_pdf

from vacancies.models import ImportPreview, Location, Vacancy

pytestmark = pytest.mark.django_db

NOTICES = Path(settings.BASE_DIR) / "fixtures" / "notices"
PROJECT_MANAGER = NOTICES / "001_fdb992f5b67e8e86.txt"  # 260066, G17, Kyiv


def notice_text(path=PROJECT_MANAGER):
    return path.read_text(encoding="utf-8")


class _FormReader(HTMLParser):
    """The fields of a page's form, as a browser would submit them unchanged."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def form_data(html, form_id="vacancy_form", **changes):
    """What submitting the page's vacancy form gives, with ``changes`` typed in."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data = {name: values if len(values) != 1 else values[0] for name, values in reader.data.items()}
    # A textarea's first newline is not part of its value.
    data = {k: v[1:] if isinstance(v, str) and v.startswith("\n") else v for k, v in data.items()}
    return {**data, **changes, "_save": "Save"}


def change_form(client, vacancy, **changes):
    """The vacancy's change form as opened in the admin, with ``changes`` typed in."""
    response = client.get(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]))
    return form_data(response.content.decode(), **changes)


def imported(reference="260066"):
    from vacancies.importing import vacancy_upsert_from_notice

    vacancy_upsert_from_notice(text=notice_text(), source_name="001.txt")
    return Vacancy.objects.get(reference=reference)


# ----------------------------------------------------------------------- who may do what

ALLOWED, REFUSED, LOGIN = 200, 403, 302


def _pages(vacancy):
    return {
        "vacancy list": reverse("admin:vacancies_vacancy_changelist"),
        "new vacancy": reverse("admin:vacancies_vacancy_add"),
        "vacancy": reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]),
        "vacancy history": reverse("admin:vacancies_vacancy_history", args=[vacancy.pk]),
        "preview in English": reverse("admin:vacancies_vacancy_preview", args=[vacancy.pk, "en"]),
        "preview in French": reverse("admin:vacancies_vacancy_preview", args=[vacancy.pk, "fr"]),
        "original notice": reverse("admin:vacancies_vacancy_original", args=[vacancy.pk]),
        "delete vacancy": reverse("admin:vacancies_vacancy_delete", args=[vacancy.pk]),
        "import": reverse("admin:vacancies_vacancy_import"),
        "locations": reverse("admin:vacancies_location_changelist"),
        "place names": reverse("admin:vacancies_placename_changelist"),
        "new place name": reverse("admin:vacancies_placename_add"),
        "desk": reverse("admin:index"),
        "users": reverse("admin:auth_user_changelist"),
        "groups": reverse("admin:auth_group_changelist"),
        "new user": reverse("admin:auth_user_add"),
    }


@pytest.mark.parametrize(
    "page, anonymous, hr_editor, superuser",
    [
        ("vacancy list", LOGIN, ALLOWED, ALLOWED),
        ("new vacancy", LOGIN, ALLOWED, ALLOWED),
        ("vacancy", LOGIN, ALLOWED, ALLOWED),
        ("vacancy history", LOGIN, ALLOWED, ALLOWED),
        ("preview in English", LOGIN, ALLOWED, ALLOWED),
        ("preview in French", LOGIN, ALLOWED, ALLOWED),
        ("original notice", LOGIN, ALLOWED, ALLOWED),
        ("delete vacancy", LOGIN, REFUSED, ALLOWED),
        ("import", LOGIN, ALLOWED, ALLOWED),
        ("locations", LOGIN, ALLOWED, ALLOWED),
        ("place names", LOGIN, ALLOWED, ALLOWED),
        ("new place name", LOGIN, ALLOWED, ALLOWED),
        ("desk", LOGIN, ALLOWED, ALLOWED),
        ("users", LOGIN, REFUSED, ALLOWED),
        ("groups", LOGIN, REFUSED, ALLOWED),
        ("new user", LOGIN, REFUSED, ALLOWED),
    ],
)
def test_who_may_open_each_admin_page(
    client, editor, admin_user, page, anonymous, hr_editor, superuser
):
    url = _pages(imported())[page]
    assert client.get(url).status_code == anonymous
    client.force_login(editor)
    assert client.get(url).status_code == hr_editor
    client.force_login(admin_user)
    assert client.get(url).status_code == superuser
    # Staff without the HR editors' permissions open none of them.
    staff = User.objects.create_user("staff", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code in {REFUSED, 200 if page == "desk" else REFUSED}


def test_hr_editors_do_not_see_users_groups_or_permissions_on_the_admin_home(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "Vacancies" in html and "Locations" in html
    assert "Users" not in html and "Groups" not in html


@pytest.mark.parametrize(
    "user, offered",
    [
        ("editor", {"publish", "archive"}),
        ("superuser", {"publish", "archive", "delete_selected"}),
    ],
)
def test_bulk_actions_offered(client, editor, admin_user, user, offered):
    imported()
    client.force_login(editor if user == "editor" else admin_user)
    html = client.get(reverse("admin:vacancies_vacancy_changelist")).content.decode()
    actions = set(re.findall(r'<option value="(\w+)">', html)) & {
        "publish",
        "archive",
        "delete_selected",
    }
    assert actions == offered


def test_an_hr_editor_cannot_delete_even_by_posting_the_action(editor_client):
    vacancy = imported()
    editor_client.post(
        reverse("admin:vacancies_vacancy_changelist"),
        {"action": "delete_selected", "_selected_action": [vacancy.pk], "post": "yes"},
    )
    assert Vacancy.objects.filter(pk=vacancy.pk).exists()


def test_anonymous_visitors_cannot_publish(client):
    vacancy = imported()
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.DRAFT)
    client.post(
        reverse("admin:vacancies_vacancy_changelist"),
        {"action": "publish", "_selected_action": [vacancy.pk]},
    )
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.DRAFT


def test_the_hr_editors_group_holds_only_vacancy_location_and_place_name_permissions():
    codenames = set(
        Group.objects.get(name="HR editors").permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_vacancy",
        "add_vacancy",
        "change_vacancy",
        "view_location",
        "add_location",
        "change_location",
        # Another name for a place is only a word: one typed wrongly may go.
        "view_placename",
        "add_placename",
        "change_placename",
        "delete_placename",
    }


# ----------------------------------------------------------------------- publish and archive


def test_publishing_and_archiving_in_bulk(editor_client, client):
    vacancy = imported()
    changelist = reverse("admin:vacancies_vacancy_changelist")
    editor_client.post(changelist, {"action": "archive", "_selected_action": [vacancy.pk]})
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.ARCHIVED
    assert client.get(f"/en/vacancies/{vacancy.reference}/").status_code == 404
    assert editor_client.get(changelist).content.decode().count(vacancy.reference) >= 1

    editor_client.post(changelist, {"action": "publish", "_selected_action": [vacancy.pk]})
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED
    assert client.get(f"/en/vacancies/{vacancy.reference}/").status_code == 200


def test_the_list_can_be_searched_by_reference_and_french_title(editor_client):
    imported()
    changelist = reverse("admin:vacancies_vacancy_changelist")
    assert "260066" in editor_client.get(changelist, {"q": "260066"}).content.decode()
    html = editor_client.get(changelist, {"q": "Gestionnaire"}).content.decode()
    assert "260066" in html
    assert "260066" not in editor_client.get(changelist, {"q": "astronaut"}).content.decode()


def test_the_change_form_sets_english_and_french_side_by_side(editor_client):
    vacancy = imported()
    html = editor_client.get(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
    ).content.decode()
    title_en, title_fr = html.index('name="title_en"'), html.index('name="title_fr"')
    between = html[title_en:title_fr]
    assert "form-row" not in between  # one row holds both
    assert "## " in html  # sections as editable text
    assert "Gestionnaire de projet CAP" in html
    assert 'class="notice-source"' in html  # the original, read-only


def test_editing_sections_changes_the_public_page(editor_client, client):
    vacancy = imported()
    data = change_form(editor_client, vacancy)
    data["sections_en"] = data["sections_en"].replace("## ", "## Revised: ", 1)  # the first heading
    response = editor_client.post(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    vacancy.refresh_from_db()
    assert any(s["heading"].startswith("Revised: ") for s in vacancy.sections_en)
    assert "Revised: " in client.get(f"/en/vacancies/{vacancy.reference}/").content.decode()


def test_french_location_names_are_edited_in_the_location_table(editor_client, client):
    imported()
    kyiv = Location.objects.get(city="Kyiv")
    listed = editor_client.get(reverse("admin:vacancies_location_changelist")).content.decode()
    assert 'name="form-0-city_fr"' in listed
    assert 'aria-label="City (French), Kyiv, Ukraine"' in listed
    editor_client.post(
        reverse("admin:vacancies_location_change", args=[kyiv.pk]),
        {"country": "Ukraine", "city": "Kyiv", "country_fr": "Ukraine", "city_fr": "Kyiv"},
    )
    assert (
        "Kyiv, Ukraine"
        in client.get("/fr/vacancies/260066/".replace("vacancies", "postes")).content.decode()
    )


# ----------------------------------------------------------------------- importing


def _upload(name, content):
    return SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())


def _import(client, **data):
    return client.post(reverse("admin:vacancies_vacancy_import"), data)


def test_the_preview_shows_what_was_read_and_saves_nothing(editor_client):
    response = _import(editor_client, files=[_upload("notice.txt", notice_text())])
    html = response.content.decode()
    assert "260066" in html and "new vacancy" in html
    assert "Comprehensive Assistance Package Project Manager" in html
    assert "Gestionnaire de projet CAP" in html
    assert "G17" in html and "Kyiv, Ukraine" in html and "Brussels, Belgium" in html
    assert not Vacancy.objects.exists()


def _confirm(client, preview_response, choice):
    token = re.search(r'name="token" value="([^"]+)"', preview_response.content.decode())[1]
    return client.post(
        reverse("admin:vacancies_vacancy_import"), {"token": token, "confirm": choice}
    )


@pytest.mark.parametrize(
    "choice, status", [("publish", Vacancy.Status.PUBLISHED), ("draft", Vacancy.Status.DRAFT)]
)
def test_after_the_preview_the_editor_saves_a_draft_or_publishes(editor_client, choice, status):
    preview = _import(editor_client, text=notice_text())
    response = _confirm(editor_client, preview, choice)
    vacancy = Vacancy.objects.get(reference="260066")
    assert vacancy.status == status
    assert response.url == reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])


def test_several_files_at_once(editor_client):
    files = [_upload(path.name, path.read_bytes()) for path in sorted(NOTICES.glob("*.txt"))]
    preview = _import(editor_client, files=files)
    _confirm(editor_client, preview, "draft")
    assert Vacancy.objects.filter(status=Vacancy.Status.DRAFT).count() == 5


def test_a_notice_printed_to_pdf_imports_as_its_text_does(editor_client):
    """The same notice, as a text file and as HR's PDF: one vacancy, and importing the PDF
    over the text changes nothing a candidate reads."""
    stem = "004_d8a025862e95de10"  # without Markdown marks, which only a text file has
    text_file = (NOTICES / f"{stem}.txt").read_bytes()
    _confirm(
        editor_client, _import(editor_client, files=[_upload(f"{stem}.txt", text_file)]), "publish"
    )
    from_text = Vacancy.objects.get()
    printed = (Path(settings.BASE_DIR) / "fixtures" / "pdf" / f"{stem}.pdf").read_bytes()
    pdf_preview = _import(editor_client, files=[_upload(f"{stem}.pdf", printed)])
    html = pdf_preview.content.decode()
    assert "updates an existing vacancy" in html and "What would change" not in html
    _confirm(editor_client, pdf_preview, "publish")
    from_pdf = Vacancy.objects.get()
    assert from_pdf.pk == from_text.pk and from_pdf.source_name == f"{stem}.pdf"
    assert (from_pdf.title_en, from_pdf.sections_en, from_pdf.sections_fr) == (
        from_text.title_en,
        from_text.sections_en,
        from_text.sections_fr,
    )


def test_reimporting_shows_what_would_change_field_by_field(editor_client):
    vacancy = imported()
    changed = notice_text().replace("8,419.86Euro", "8,500.00Euro", 1)
    changed = changed.replace("Package Project Manager", "Package Programme Manager", 1)
    preview = _import(editor_client, text=changed)
    html = preview.content.decode()
    assert "updates an existing vacancy" in html
    assert re.search(r"Salary</th><td>8,419.86</td><td>8,500.00</td>", html)
    assert re.search(r"Title \(english\)</th><td>Comprehensive[^<]*Project Manager", html, re.I)
    vacancy.refresh_from_db()
    assert "Project Manager" in vacancy.title_en  # not yet

    _confirm(editor_client, preview, "publish")
    vacancy.refresh_from_db()
    assert "Programme Manager" in vacancy.title_en


@pytest.mark.parametrize(
    "upload, message",
    [
        (("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00"), "neither a text (.txt) nor a PDF file"),
        (("notes.txt", "Shopping list: milk, eggs"), "notes.txt: not a vacancy notice"),
        (("empty.txt", ""), "empty.txt: the file is empty"),
        (("broken.pdf", b"%PDF-1.4 this is not really a PDF"), "broken.pdf: the PDF"),
        (("binary.txt", b"\x00\x01\x02\x03" * 100), "binary.txt: the file is binary"),
    ],
)
def test_a_file_that_is_not_a_notice_is_refused_with_its_reason(editor_client, upload, message):
    response = _import(editor_client, files=[_upload(*upload), _upload("ok.txt", notice_text())])
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Vacancy.objects.exists()


def test_uploads_have_a_size_limit(editor_client):
    huge = _upload("huge.txt", notice_text().encode() * 200)  # over 5 MB
    response = _import(editor_client, files=[huge])
    assert "larger than the 5 MB a notice may be" in response.content.decode()
    assert not Vacancy.objects.exists()


def test_nothing_to_import(editor_client):
    response = _import(editor_client)
    assert "Choose a notice file or paste a notice" in response.content.decode()


def test_an_altered_preview_is_refused(editor_client):
    preview = _import(editor_client, text=notice_text())
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())[1]
    response = editor_client.post(
        reverse("admin:vacancies_vacancy_import"),
        {"token": token[:-3] + "abc", "confirm": "publish"},
        follow=True,
    )
    assert "expired or was altered" in response.content.decode()
    assert not Vacancy.objects.exists()


def test_a_pdf_notice_is_read_like_its_text(editor_client):
    preview = _import(editor_client, files=[_upload("notice.pdf", notice_pdf(notice_text()))])
    html = preview.content.decode()
    assert "260066" in html and "Gestionnaire de projet CAP" in html and "G17" in html
    _confirm(editor_client, preview, "draft")
    vacancy = Vacancy.objects.get(reference="260066")
    assert vacancy.primary_location.city == "Kyiv"
    assert vacancy.salary_amount == Decimal("8419.86")


def test_a_notice_as_large_as_the_upload_limit_previews_and_saves(editor_client):
    long_paragraph = (
        "A long paragraph of the summary, repeated to fill the file. " * 40 + "\n"
    ) * 1950
    text = notice_text().replace("SUMMARY", "SUMMARY\n\n" + long_paragraph, 1)
    assert 4_700_000 < len(text.encode()) < 5_000_000
    preview = _import(editor_client, files=[_upload("large.txt", text)])
    assert preview.status_code == 200 and "260066" in preview.content.decode()
    response = _confirm(editor_client, preview, "draft")
    assert response.status_code == 302
    assert len(Vacancy.objects.get(reference="260066").source_text) == len(text)


def test_a_saved_preview_cannot_be_saved_twice_nor_by_another_editor(
    editor_client, client, django_user_model
):
    preview = _import(editor_client, text=notice_text())
    other = django_user_model.objects.create_user("other", password="another long password")
    other.is_staff = True
    other.save()
    other.groups.add(Group.objects.get(name="HR editors"))
    client.force_login(other)
    refused = _confirm(client, preview, "publish")
    assert refused.url == reverse("admin:vacancies_vacancy_import")
    assert not Vacancy.objects.exists()
    client.force_login(User.objects.get(username="editor"))
    _confirm(client, preview, "publish")
    assert Vacancy.objects.count() == 1
    again = _confirm(client, preview, "publish")
    assert again.url == reverse("admin:vacancies_vacancy_import")


def test_one_import_takes_twenty_files_and_says_so(editor_client):
    page = editor_client.get(reverse("admin:vacancies_vacancy_import")).content.decode()
    assert "up to 5 MB each and 20 at a time" in page
    files = [_upload(f"n{i}.txt", notice_text()) for i in range(21)]
    html = _import(editor_client, files=files).content.decode()
    assert "One import takes at most 20 files: you chose 21." in html


def test_more_files_than_the_server_reads_get_the_forms_own_error(editor_client):
    files = [_upload(f"n{i}.txt", "x") for i in range(101)]
    response = _import(editor_client, files=files)
    assert response.status_code == 200
    assert "Too much was sent at once: one import takes at most 20 files" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: many_pages(98_000), "has 98,000 pages, more than the 50"),
        (lambda: decompression_bomb(200), "holds far more than any notice"),
    ],
)
def test_a_hostile_pdf_is_named_with_its_reason_and_nothing_is_saved(editor_client, make, reason):
    files = [_upload("bomb.pdf", make()), _upload("ok.txt", notice_text())]
    html = _import(editor_client, files=files).content.decode()
    assert f"bomb.pdf: the PDF {reason}" in html
    assert not Vacancy.objects.exists() and not ImportPreview.objects.exists()


def test_a_french_speaking_editor_reads_why_a_file_is_refused_in_french(editor_client):
    files = [_upload("bomb.pdf", many_pages(98_000))]
    response = editor_client.post(
        reverse("admin:vacancies_vacancy_import"), {"files": files}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "le PDF compte 98\u00a0000 pages, plus que les 50 qu’un avis peut avoir" in (
        response.content.decode()
    )


def test_a_notice_too_slow_to_read_is_refused_saying_so(editor_client, settings):
    settings.NOTICE_PARSE_SECONDS = 0
    html = _import(editor_client, files=[_upload("slow.txt", notice_text())]).content.decode()
    assert "slow.txt: reading the notice took longer than 0 seconds" in html


# ----------------------------------------------------------------------- consistency checks


def _disagreeing_notice():
    """The French half says G18 and another deadline, where the English says G17."""
    text = notice_text()
    french = text.index("Gestionnaire de projet CAP -260066")
    french_half = (
        text[french:]
        .replace("Grade: NATO Grade G17", "Grade: NATO Grade G18", 1)
        .replace("03-mars-2026", "10-mars-2026", 1)
        .replace("8 419,86Euro", "8 491,86Euro", 1)
    )
    return text[:french] + french_half


def test_the_preview_warns_where_english_and_french_disagree(editor_client):
    html = _import(editor_client, text=_disagreeing_notice()).content.decode()
    assert "To check before publishing" in html
    assert "Grade: the English text says “G17”, the French text “G18”." in html
    assert "Deadline: the English text says “2026-03-03”, the French text “2026-03-10”." in html
    assert "Salary: the English text says “8,419.86”, the French text “8,491.86”." in html


def test_a_notice_whose_halves_agree_has_nothing_to_check(editor_client):
    html = _import(editor_client, text=notice_text()).content.decode()
    assert "To check before publishing" not in html


def test_the_warning_stays_on_the_vacancy_page_after_publishing_anyway(editor_client):
    preview = _import(editor_client, text=_disagreeing_notice())
    _confirm(editor_client, preview, "publish")
    vacancy = Vacancy.objects.get(reference="260066")
    assert vacancy.status == Vacancy.Status.PUBLISHED
    html = editor_client.get(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
    ).content.decode()
    assert "Grade: the English text says “G17”, the French text “G18”." in html

    # Fixed by importing the corrected notice.
    _confirm(editor_client, _import(editor_client, text=notice_text()), "publish")
    html = editor_client.get(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
    ).content.decode()
    assert "the French text “G18”" not in html
    assert "Nothing: the English and French texts agree." in html


def test_a_french_duty_station_unlike_the_known_one_is_flagged(editor_client):
    imported()  # Kyiv is known in French as Kiev
    text = notice_text().replace(
        "Emplacement principal: Ukraine-Kiev", "Emplacement principal: Ukraine-Lviv"
    )
    html = _import(editor_client, text=text).content.decode()
    assert (
        "Duty station: the English text says “Ukraine-Kyiv”, the French text “Ukraine-Lviv”."
        in html
    )


def test_missing_facts_are_flagged(editor_client):
    text = notice_text().replace("Grade: NATO Grade G17", "", 2)
    html = _import(editor_client, text=text).content.decode()
    assert "The notice gives no grade." in html


# ----------------------------------------------------------------------- history


def test_every_path_records_who_changed_what(editor_client, editor):
    vacancy = imported()
    assert vacancy.history.first().history_change_reason == "Imported from 001.txt"

    data = change_form(editor_client, vacancy, title_en="Project Lead")
    editor_client.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data)
    latest = vacancy.history.first()
    assert (latest.history_user, latest.title_en) == (editor, "Project Lead")

    editor_client.post(
        reverse("admin:vacancies_vacancy_changelist"),
        {"action": "archive", "_selected_action": [vacancy.pk]},
    )
    latest = vacancy.history.first()
    assert (latest.history_user, latest.status, latest.history_change_reason) == (
        editor,
        Vacancy.Status.ARCHIVED,
        "Archived",
    )
    assert vacancy.history.count() == 3


def test_an_earlier_version_can_be_viewed_and_restored(editor_client):
    vacancy = imported()
    original = vacancy.history.first()
    data = change_form(editor_client, vacancy, title_en="A wrong title")
    editor_client.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data)
    assert Vacancy.objects.get(pk=vacancy.pk).title_en == "A wrong title"

    history = editor_client.get(reverse("admin:vacancies_vacancy_history", args=[vacancy.pk]))
    assert "Imported from 001.txt" in history.content.decode()
    restore_url = reverse(
        "admin:vacancies_vacancy_simple_history", args=[vacancy.pk, original.history_id]
    )
    page = editor_client.get(restore_url)
    assert "Package Project Manager" in page.content.decode()
    response = editor_client.post(
        restore_url, form_data(page.content.decode(), form_id="historicalvacancy_form")
    )
    assert response.status_code == 302
    restored = Vacancy.objects.get(pk=vacancy.pk)
    assert restored.title_en == original.title_en
    # The original notice is the last one imported, whatever version is restored.
    assert (restored.source_text, restored.source_sha256) == (
        vacancy.source_text,
        vacancy.source_sha256,
    )


def _history_page(client, vacancy):
    url = reverse("admin:vacancies_vacancy_history", args=[vacancy.pk])
    return client.get(url).content.decode()


# The HR editors' group comes from a migration: restored after this test empties the tables.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("who", ["hr editor", "superuser"])
def test_restoring_a_version_works_through_the_history_page_as_on_the_server(
    client, editor, admin_user, who
):
    # No test transaction around this one: the restore runs as it does under gunicorn.
    client.force_login(editor if who == "hr editor" else admin_user)
    vacancy = imported()
    original = vacancy.history.first()
    data = change_form(client, vacancy, title_en="A wrong title")
    client.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data)
    history = _history_page(client, vacancy)
    version_url = reverse(
        "admin:vacancies_vacancy_simple_history", args=[vacancy.pk, original.history_id]
    )
    assert f'href="{version_url}"' in history
    page = client.get(version_url).content.decode()
    response = client.post(version_url, form_data(page, form_id="historicalvacancy_form"))
    assert response.status_code == 302
    assert Vacancy.objects.get(pk=vacancy.pk).title_en == original.title_en
    assert vacancy.history.first().history_change_reason.startswith("Restored the version of ")


def test_the_history_reads_as_a_person_expects(editor_client, client, admin_user):
    vacancy = imported()
    data = change_form(editor_client, vacancy, title_en="Project Lead", deadline_0="2099-03-17")
    editor_client.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), data)
    html = _history_page(editor_client, vacancy)
    assert "{#" not in html and "#}" not in html and "inline style" not in html
    assert "Changed in the admin" in html and "None" not in html
    assert re.search(r"\d{1,2} \w+ \d{4}, \d\d:\d\d \(Brussels time\)", html)  # the zone, named
    assert not re.search(r"\d\d:\d\d:\d\d\.\d+", html)  # no microseconds
    # HR editors may not open user pages: the name is not a link for them.
    assert "/admin/auth/user/" not in html and "editor" in html
    client.force_login(admin_user)
    assert "/admin/auth/user/" in _history_page(client, vacancy)


def test_saving_or_archiving_without_a_change_adds_no_empty_version(editor_client):
    vacancy = imported()
    editor_client.post(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]),
        change_form(editor_client, vacancy),
    )
    assert vacancy.history.count() == 1
    for _ in range(2):
        response = editor_client.post(
            reverse("admin:vacancies_vacancy_changelist"),
            {"action": "archive", "_selected_action": [vacancy.pk]},
            follow=True,
        )
    assert vacancy.history.count() == 2
    assert "Archived 0 vacancies. 1 was already so." in response.content.decode()


def test_import_notices_is_recorded_too():
    from django.core.management import call_command

    call_command("import_notices", str(PROJECT_MANAGER), stdout=io.StringIO())
    vacancy = Vacancy.objects.get(reference="260066")
    assert vacancy.history.first().history_change_reason == f"Imported from {PROJECT_MANAGER.name}"


# ----------------------------------------------------------------------- two editors


def test_a_second_editor_saving_is_told_the_vacancy_changed_meanwhile(
    editor_client, admin_user, client
):
    vacancy = imported()
    mine = change_form(editor_client, vacancy, title_en="My title")

    other = type(client)()
    other.force_login(admin_user)
    theirs = change_form(other, vacancy, title_en="Their title")
    other.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), theirs)

    response = editor_client.post(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), mine
    )
    assert response.status_code == 200
    assert "saved this vacancy at" in response.content.decode()
    assert admin_user.username in response.content.decode()
    assert Vacancy.objects.get(pk=vacancy.pk).title_en == "Their title"

    # Having read the warning, saving again replaces their version with this one.
    again = form_data(response.content.decode())
    editor_client.post(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), again)
    assert Vacancy.objects.get(pk=vacancy.pk).title_en == "My title"


# ----------------------------------------------------------------------- accounts


def test_create_hr_editor_joins_the_group_and_refuses_weak_passwords(monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("HR_EDITOR_PASSWORD", "a long editor password")
    call_command("create_hr_editor", "amelie", stdout=io.StringIO())
    user = User.objects.get(username="amelie")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["HR editors"]
    assert user.check_password("a long editor password")

    monkeypatch.setenv("HR_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_hr_editor", "bruno", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_hr_editor", "amelie", stdout=io.StringIO())
    assert not User.objects.filter(username="bruno").exists()
