"""Vacancies reach candidates outside the board: a feed for every search, the deadline in
their calendar, what search engines and link previews read, the sitemap and robots.txt; in
both languages."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _atom(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


# ------------------------------------------------------------------------------- feeds


@pytest.mark.parametrize(
    "address, language, title",
    [("/en/feed/", "en", "Senior Regional Security Officer, NRU"),
     ("/fr/flux/", "fr", "Officier de sécurité régional(e) principal(e), NRU")],
)  # fmt: skip
def test_the_feed_is_valid_atom_in_the_pages_language_newest_first(
    client, board, address, language, title
):
    feed = _atom(client.get(address))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    for required in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert (feed.findtext(ATOM + required) or "").strip(), required
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 4  # the open ones, as the list shows by default
    published = [entry.findtext(ATOM + "published") for entry in entries]
    assert published == sorted(published, reverse=True)
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(ATOM + required), required
        assert entry.find(ATOM + "link").get("href").startswith(f"http://testserver/{language}/")
    newest = Vacancy.objects.published().open().order_by("-published_at").first()
    assert (
        entries[0].findtext(ATOM + "title")
        == title
        == (newest.title_en if language == "en" else newest.title_fr)
    )


def test_each_entry_gives_the_reference_grade_duty_station_and_deadline(client, board):
    entries = _atom(client.get("/en/feed/")).findall(ATOM + "entry")
    summary = {
        entry.findtext(ATOM + "title"): entry.findtext(ATOM + "summary") for entry in entries
    }
    line = summary["Comprehensive Assistance Package Project Manager (+ Reserve list)"]
    assert line.startswith("Reference 260066 · Grade G17 · Kyiv, Ukraine · Deadline: ")
    assert line.endswith("(Brussels time)")


def test_the_feed_follows_the_search_of_the_list(client, board):
    feed = _atom(client.get("/en/feed/", {"grade_min": "18", "deadline": "all"}))
    titles = [entry.findtext(ATOM + "title") for entry in feed.findall(ATOM + "entry")]
    assert titles and all("Head" in title for title in titles)  # G20 and G22 only
    assert "Grade from 18" in feed.findtext(ATOM + "title")
    self_link = [link for link in feed.findall(ATOM + "link") if link.get("rel") == "self"][0]
    assert "grade_min=18" in self_link.get("href")


def test_the_list_announces_the_feed_of_its_search(client, board):
    html = client.get("/fr/", {"grade_min": "15", "page": "1", "sort": "grade_asc"}).content
    html = html.decode()
    link = re.search(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', html)
    assert link and link[1] == "/fr/flux/?grade_min=15"
    assert (
        '<a href="/fr/flux/?grade_min=15" type="application/atom+xml">Suivre cette recherche'
        in html
    )


@pytest.mark.parametrize("query", ["grade_min=abc", "page=-4", "sort=nonsense", "q=" + "é" * 3000])
def test_a_feed_of_an_odd_search_is_still_a_feed(client, board, query):
    _atom(client.get("/en/feed/?" + query))


# ---------------------------------------------------------------------------- calendar


@pytest.mark.parametrize(
    "address, summary",
    [("/en/vacancies/260066/deadline.ics",
      "Deadline to apply: Comprehensive Assistance Package Project Manager (+ Reserve list)"
      " (260066)"),
     ("/fr/postes/260066/date-limite.ics",
      "Date limite de candidature\u00a0: Gestionnaire de projet CAP (260066)")],
)  # fmt: skip
def test_the_deadline_goes_into_a_calendar_in_brussels_time_with_a_reminder(
    client, board, address, summary
):
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="deadline-260066.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    zones = calendar.walk("VTIMEZONE")
    assert [zone["TZID"] for zone in zones] == ["Europe/Brussels"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == summary
    start = event.decoded("DTSTART")
    assert start == board["260066"].deadline.replace(microsecond=0)
    assert b"DTSTART;TZID=Europe/Brussels:" in response.content
    assert str(event["URL"]).endswith(("/en/vacancies/260066/", "/fr/postes/260066/"))
    assert "260066" in str(event["DESCRIPTION"])
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(days=3)


def test_a_deadline_far_ahead_keeps_its_summer_time(client, board):
    summer = timezone.datetime(2099, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    Vacancy.objects.filter(reference="260066").update(deadline=summer)
    content = client.get("/en/vacancies/260066/deadline.ics").content
    assert b"DTSTART;TZID=Europe/Brussels:20990701T120000" in content
    assert b"TZOFFSETTO:+0200" in content


def test_the_vacancy_page_links_its_deadlines_calendar_while_it_is_open(client, board):
    html = client.get("/en/vacancies/260066/").content.decode()
    assert (
        '<a class="add-to-calendar" href="/en/vacancies/260066/deadline.ics" type="text/calendar">'
        in html
    )
    closed = client.get("/en/vacancies/260280/").content.decode()
    assert "deadline.ics" not in closed


def test_a_post_without_deadline_or_not_published_has_no_calendar(client, board):
    Vacancy.objects.filter(reference="260066").update(deadline=None, deadline_ongoing=True)
    assert client.get("/en/vacancies/260066/deadline.ics").status_code == 404
    Vacancy.objects.filter(reference="260063").update(status=Vacancy.Status.DRAFT)
    assert client.get("/en/vacancies/260063/deadline.ics").status_code == 404


# ---------------------------------------------------------------------- search engines


def _job_posting(html):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD"
    return json.loads(found[1])


@pytest.mark.parametrize(
    "address, language, title",
    [("/en/vacancies/260066/", "en", "Comprehensive Assistance Package Project Manager"),
     ("/fr/postes/260066/", "fr", "Gestionnaire de projet CAP")],
)  # fmt: skip
def test_a_vacancy_page_carries_a_job_posting_for_search_engines(
    client, board, address, language, title
):
    posting = _job_posting(client.get(address).content.decode())
    # What schema.org and search engines require of a job posting…
    assert posting["@context"] == "https://schema.org" and posting["@type"] == "JobPosting"
    assert posting["title"].startswith(title)
    assert "<h2>" in posting["description"] and len(posting["description"]) > 1000
    assert posting["datePosted"]
    assert posting["hiringOrganization"]["@type"] == "Organization"
    assert posting["hiringOrganization"]["name"] and posting["hiringOrganization"]["logo"]
    city = {"en": "Kyiv", "fr": "Kiev"}[language]
    assert posting["jobLocation"][0]["address"]["addressLocality"] == city
    assert posting["jobLocation"][0]["address"]["@type"] == "PostalAddress"
    # … and recommend.
    assert posting["validThrough"] == board["260066"].deadline.isoformat()
    assert posting["employmentType"] == "FULL_TIME"
    assert posting["identifier"] == {
        "@type": "PropertyValue",
        "name": posting["identifier"]["name"],
        "value": "260066",
    }
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "value": 8419.86, "unitText": "MONTH"},
    }
    who = {"en": "nationals of NATO member countries", "fr": "ressortissant(e)s de pays de l’OTAN"}
    assert who[language] in posting["eligibilityToWorkRequirement"]
    assert posting["url"] == f"http://testserver{address}"


def test_a_closed_post_tells_search_engines_it_has_closed(client, board):
    posting = _job_posting(client.get("/en/vacancies/260280/").content.decode())
    assert posting["validThrough"] < timezone.now().isoformat()


def test_nothing_in_a_notice_can_break_out_of_the_job_posting(client, board):
    Vacancy.objects.filter(reference="260066").update(
        title_en="</script><script>alert(1)</script> & <!--"
    )
    html = client.get("/en/vacancies/260066/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert "<" not in block and "&" not in block.replace("\\u0026", "")
    assert _job_posting(html)["title"] == "</script><script>alert(1)</script> & <!--"


@pytest.mark.parametrize("address", ["/en/", "/fr/", "/en/vacancies/260066/", "/fr/postes/260066/"])
def test_every_page_has_a_canonical_address_a_description_and_link_previews(client, board, address):
    html = client.get(address).content.decode()
    assert f'<link rel="canonical" href="http://testserver{address}">' in html
    description = re.search(r'<meta name="description" content="([^"]+)">', html)[1]
    assert 20 < len(description) <= 170
    for tag in ("og:title", "og:description", "og:url", "og:type", "og:site_name", "og:locale"):
        assert f'<meta property="{tag}" content="' in html, tag
    assert '<meta name="twitter:card" content="summary">' in html
    assert 'hreflang="en"' in html and 'hreflang="fr"' in html


def test_the_sitemap_lists_the_board_and_every_published_vacancy_in_both_languages(client, board):
    Vacancy.objects.filter(reference="260063").update(status=Vacancy.Status.DRAFT)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(SITEMAP + "loc")]
    assert sections == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-vacancies.xml",
    ]
    urls = ET.fromstring(client.get("/sitemap-vacancies.xml").content)
    entries = {url.findtext(SITEMAP + "loc"): url for url in urls.findall(SITEMAP + "url")}
    published = Vacancy.objects.published()
    assert len(entries) == 2 * published.count() == 8
    assert "http://testserver/en/vacancies/260063/" not in entries  # a draft
    entry = entries["http://testserver/fr/postes/260066/"]
    assert (
        entry.findtext(SITEMAP + "lastmod")
        == timezone.localdate(board["260066"].updated_at).isoformat()
    )
    alternates = {link.get("hreflang"): link.get("href") for link in entry.iter(XHTML + "link")}
    assert alternates == {
        "en": "http://testserver/en/vacancies/260066/",
        "fr": "http://testserver/fr/postes/260066/",
    }
    pages = ET.fromstring(client.get("/sitemap-pages.xml").content)
    listed = {url.findtext(SITEMAP + "loc") for url in pages.findall(SITEMAP + "url")}
    assert {"http://testserver/en/", "http://testserver/fr/"} <= listed


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# ------------------------------------------------------------------ conditional requests


@pytest.mark.parametrize(
    "address",
    ["/en/vacancies/260066/", "/fr/postes/260066/date-limite.ics", "/en/feed/", "/fr/",
     "/sitemap.xml", "/sitemap-vacancies.xml", "/robots.txt"],
)  # fmt: skip
def test_a_client_that_has_the_page_already_is_told_it_has_not_changed(client, board, address):
    first = client.get(address)
    assert first.status_code == 200 and first["ETag"]
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=60"
    again = client.get(address, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    if first.has_header("Last-Modified"):
        since = client.get(address, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304


def test_a_vacancy_page_changes_when_the_vacancy_is_saved(client, board):
    first = client.get("/en/vacancies/260066/")
    assert first.has_header("Last-Modified")
    vacancy = Vacancy.objects.get(reference="260066")
    vacancy.title_en = "Project Lead"
    vacancy.save()
    again = client.get("/en/vacancies/260066/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and b"Project Lead" in again.content
    assert again["ETag"] != first["ETag"]


def test_renaming_a_place_changes_the_pages_of_the_vacancies_there(client, editor_client, board):
    # Saved a minute ago: Last-Modified counts whole seconds.
    Vacancy.objects.update(updated_at=timezone.now() - timedelta(minutes=1))
    first = client.get("/fr/postes/260066/")
    kyiv = board["260066"].primary_location
    data = {"country": kyiv.country, "city": kyiv.city, "country_fr": "Ukraine", "city_fr": "Kyïv"}
    editor_client.post(f"/admin/vacancies/location/{kyiv.pk}/change/", data)
    for conditions in ({"HTTP_IF_NONE_MATCH": first["ETag"]},
                       {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]}):  # fmt: skip
        again = client.get("/fr/postes/260066/", **conditions)
        assert again.status_code == 200 and "Kyïv, Ukraine" in again.content.decode()


def test_the_english_and_french_pages_of_a_vacancy_are_versions_of_their_own(client, board):
    english = client.get("/en/vacancies/260066/")
    french = client.get("/fr/postes/260066/", HTTP_IF_NONE_MATCH=english["ETag"])
    assert french.status_code == 200 and french["ETag"] != english["ETag"]


def test_a_page_that_is_not_there_is_not_answered_not_modified(client, board):
    response = client.get("/en/vacancies/999999/", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 404


@pytest.mark.parametrize("address", ["/api/v1/vacancies/", "/api/v1/vacancies/260066/"])
def test_the_api_answers_a_client_that_has_its_answer_already_not_modified(client, board, address):
    first = client.get(address)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert client.get(address, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    since = client.get(address, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert since["Access-Control-Allow-Origin"] == "*"
