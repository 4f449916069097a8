"""The public pages, as a candidate sees them in either language."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from vacancies.facets import search_uses_the_index
from vacancies.filters import VacancyFilter
from vacancies.models import Location, Vacancy

NOTICES = Path(__file__).resolve().parent.parent / "fixtures" / "notices"

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r'href="/(?:en/vacancies|fr/postes)/(\d+)/"', _html(response))


# --------------------------------------------------------------------- languages and URLs


@pytest.mark.parametrize(
    "accept_language, target", [("fr-BE,fr;q=0.9", "/fr/"), ("en-GB", "/en/"), ("de-DE", "/en/")]
)
def test_home_redirects_to_the_browsers_language(client, accept_language, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == target


def test_pages_say_their_language_and_link_their_twin(client, board):
    html = _html(client.get("/fr/?grade=17&sort=recent"))
    assert '<html lang="fr">' in html
    assert 'hreflang="en" href="http://testserver/en/?grade=17&amp;sort=recent"' in html
    assert '<a href="/en/?grade=17&amp;sort=recent" hreflang="en" lang="en">English</a>' in html


def test_language_toggle_on_a_vacancy_leads_to_the_same_vacancy(client, board):
    english = _html(client.get("/en/vacancies/260063/"))
    assert 'href="/fr/postes/260063/" hreflang="fr" lang="fr">français</a>' in english
    french = _html(client.get("/fr/postes/260063/"))
    assert 'href="/en/vacancies/260063/" hreflang="en" lang="en">English</a>' in french


def test_french_pages_show_the_french_text(client, board):
    html = _html(client.get("/fr/postes/260063/"))
    assert "<h1>Chef de la Section CAP</h1>" in html
    assert "RESPONSABILITÉS PRINCIPALES" in html
    assert "Kiev, Ukraine" in html
    assert "Postuler" in html or "Candidatures closes" in html


def test_a_notice_without_french_shows_its_english_text_marked_as_such(client, board):
    Vacancy.objects.filter(reference="260063").update(title_fr="", sections_fr=[], risk_note_fr="")
    html = _html(client.get("/fr/postes/260063/"))
    assert '<article class="vacancy" lang="en">' in html
    assert "<h1>Head, Comprehensive Assistance Package Section</h1>" in html
    assert "Cet avis de vacance n’existe qu’en anglais." in html
    listing = _html(client.get("/fr/"))
    assert 'lang="en">' in listing and "En anglais seulement" in listing


def test_dates_and_amounts_are_written_the_french_way(client, board):
    Vacancy.objects.filter(reference="260063").update(
        deadline=timezone.make_aware(timezone.datetime(2030, 2, 26, 0, 59))
    )
    french = _html(client.get("/fr/postes/260063/"))
    assert "26 février 2030, 00 h 59" in french
    assert "9\u00a0784,44\u00a0€ par mois" in french
    english = _html(client.get("/en/vacancies/260063/"))
    assert "26 February 2030, 00:59" in english
    assert "€9,784.44 per month" in english


# --------------------------------------------------------------------- the list


def test_list_shows_open_published_vacancies_closing_soonest_first(client, board):
    assert listed(client, "/en/") == ["260885", "260066", "260063", "240655"]


def test_each_row_shows_the_facts_a_candidate_compares(client, board):
    html = _html(client.get("/en/"))
    assert "Head, Comprehensive Assistance Package Section" in html
    assert "G20" in html and "Kyiv, Ukraine" in html and "also Brussels, Belgium" in html
    assert "Closes in 3 days" in html
    assert "Extreme risk" in html and "Unaccompanied post" in html


def test_drafts_and_archived_vacancies_are_never_listed(client, board):
    Vacancy.objects.filter(reference="260063").update(status=Vacancy.Status.DRAFT)
    Vacancy.objects.filter(reference="260066").update(status=Vacancy.Status.ARCHIVED)
    assert listed(client, "/en/?deadline=all") == ["260280", "260885", "240655"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("grade=17", ["260885", "260066"]),
        ("grade=9", ["240655"]),  # G8-G10 contains G9
        ("grade_min=18", ["260063"]),
        ("grade_max=10", ["240655"]),
        ("country=Ukraine", ["260885", "260066", "260063"]),
        ("country=Belgique", ["240655"]),
        ("country=Belgium&other_locations=on", ["260885", "260066", "260063", "240655"]),
        ("risk=extreme", ["260885", "260066", "260063"]),
        ("risk=none", ["240655"]),
        ("deadline=closed", ["260280"]),
        ("deadline=all&sort=grade_desc", ["260280", "260063", "260885", "260066", "240655"]),
        ("deadline=week", ["260885", "260066", "260063", "240655"]),
        ("clearance=NS", ["240655"]),
        ("sort=grade_asc", ["240655", "260885", "260066", "260063"]),
    ],
)
def test_filters_narrow_the_list(client, board, query, expected):
    assert listed(client, f"/en/?{query}") == expected


def test_a_post_without_deadline_is_open_but_neither_closing_this_week_nor_closed(client, board):
    Vacancy.objects.filter(reference="260885").update(deadline=None, deadline_ongoing=True)

    assert listed(client, "/en/")[-1] == "260885"  # closes last: never
    assert "260885" not in listed(client, "/en/?deadline=week")
    assert "260885" not in listed(client, "/en/?deadline=closed")
    html = client.get("/en/?deadline=all").content.decode()
    assert '<option value="week">Closing within 7 days (3)</option>' in html
    assert '<option value="closed">Closed (1)</option>' in html


def test_facet_choices_are_escaped(client, board):
    Vacancy.objects.filter(reference="260885").update(organisation_en='R&D <"Lab">')

    html = client.get("/en/").content.decode()
    assert (
        '<option value="R&amp;D &lt;&quot;Lab&quot;&gt;">R&amp;D &lt;&quot;Lab&quot;&gt; (1)'
        in html
    )


def test_location_filter_uses_the_duty_station_unless_other_locations_are_asked(client, board):
    brussels = Location.objects.get(city="Brussels").pk
    assert listed(client, f"/en/?location={brussels}") == ["240655"]
    assert len(listed(client, f"/en/?location={brussels}&other_locations=on")) == 4


def test_closing_before_a_date(client, board):
    day = (timezone.localtime() + timedelta(days=2)).date().isoformat()
    assert listed(client, f"/en/?deadline_before={day}") == ["260885", "260066"]


def test_recently_published_first(client, board):
    now = timezone.now()
    for hours, reference in enumerate(["260063", "240655", "260885", "260066"]):
        Vacancy.objects.filter(reference=reference).update(
            published_at=now - timedelta(hours=hours)
        )
    assert listed(client, "/en/?sort=recent") == ["260063", "240655", "260885", "260066"]


def test_search_finds_words_in_the_pages_language(client, board):
    assert listed(client, "/en/?q=regional security officer")[0] == "260885"
    assert listed(client, "/fr/?q=officier sécurité régional")[0] == "260885"


def test_a_french_word_finds_a_post_on_the_french_page(client, board):
    assert listed(client, "/fr/?q=gestionnaire de projet")[0] == "260066"


@pytest.mark.parametrize(
    "typed", ["260280", " 260280 ", "#260280", "IS 260280", "is-260280", "ref. 260280"]
)
@pytest.mark.parametrize(
    "language, page", [("en", "/en/vacancies/260280/"), ("fr", "/fr/postes/260280/")]
)
def test_a_reference_searched_opens_that_vacancy_even_when_closed(
    client, board, typed, language, page
):
    response = client.get(f"/{language}/", {"q": typed})
    assert (response.status_code, response.url) == (302, page)
    assert client.get(response.url).status_code == 200


def test_a_reference_of_a_vacancy_not_published_opens_nothing(client, board):
    Vacancy.objects.filter(reference="260280").update(status=Vacancy.Status.DRAFT)
    response = client.get("/en/", {"q": "260280", "deadline": "all"})
    assert response.status_code == 200
    assert "260280" not in listed(client, "/en/?q=260280&deadline=all")


@pytest.mark.parametrize(
    "typed, expected",
    [("2600", ["260063", "260066"]), ("#26088", ["260885"]), ("ref. 2406", ["240655"])],
)
def test_the_start_of_a_reference_lists_the_vacancies_whose_reference_starts_so(
    client, board, typed, expected
):
    found = listed(client, f"/en/?deadline=all&sort=grade_desc&q={typed.replace('#', '%23')}")
    assert found == expected


def test_search_falls_back_to_the_other_language(client, board):
    Vacancy.objects.filter(reference="260066").update(title_fr="", sections_fr=[])
    assert listed(client, "/fr/?q=Comprehensive Assistance Package Project Manager")[0] == "260066"


def test_search_ranks_title_matches_first(client, board):
    assert listed(client, "/en/?q=security")[0] == "260885"


def test_facets_count_what_each_choice_would_give(client, board):
    html = _html(client.get("/en/?risk=extreme"))
    assert re.search(r'<option value="extreme" selected>Extreme risk \(3\)</option>', html)
    assert re.search(r'<option value="none">No risk rating \(1\)</option>', html)
    # Grades are ends of a range: a count beside one would not say what a range gives.
    assert re.search(r'<option value="17">G17</option>', html)
    assert re.search(r'<option value="Ukraine">Ukraine \(3\)</option>', html)
    assert re.search(r'<option value="closed">Closed \(0\)</option>', html)


def test_with_other_locations_each_post_counts_once_per_place_and_country(client, board):
    brussels = Location.objects.get(city="Brussels")
    # A notice naming its duty station again among the other locations.
    Vacancy.objects.get(reference="240655").other_locations.add(brussels)
    html = _html(client.get("/en/?other_locations=on"))
    assert re.search(rf'<option value="{brussels.pk}">Brussels, Belgium \(4\)</option>', html)
    assert re.search(r'<option value="Belgium">Belgium \(4\)</option>', html)


def test_french_facets_use_french_names(client, board):
    html = _html(client.get("/fr/"))
    assert re.search(r'<option value="Belgium">Belgique \(1\)</option>', html)
    assert "Risque extrême (3)" in html


def test_when_nothing_open_matches_the_closed_matches_are_offered(client, board):
    html = _html(client.get("/en/?country=Luxembourg"))
    assert "No open vacancies match; 1 closed one does." in html
    assert 'href="?country=Luxembourg&amp;deadline=closed">Show it</a>' in html


def test_nothing_at_all_matches(client, board):
    html = _html(client.get("/en/?q=astronaut"))
    assert "No vacancies match these filters." in html


def test_pages_of_twenty(client, board):
    for number in range(45):
        Vacancy.objects.create(
            reference=f"5{number:05}",
            title_en=f"Analyst {number}",
            status=Vacancy.Status.PUBLISHED,
            deadline=timezone.now() + timedelta(days=30 + number),
            source_text="",
            source_sha256="",
        )
    first = _html(client.get("/en/?q=analyst"))
    assert "Page 1 of 3" in first and 'rel="next"' in first
    third = listed(client, "/en/?q=analyst&page=3")
    assert len(third) == 5


@pytest.mark.parametrize(
    "query, message",
    [
        ("grade=XYZ", "Grade from</a>: Enter a whole number."),
        ("grade=99", "Grade from</a>: Ensure this value is less than or equal to 30."),
        ("deadline_before=not-a-date", "Closing before</a>: Enter a valid date."),
        ("sort=sideways", "Sort by</a>: Select a valid choice."),
        ("deadline=tomorrow", "Deadline</a>: Select a valid choice."),
        ("location=abc", "Duty station</a>: Enter a number."),
        ("q=" + "x" * 500, "Search</a>: Ensure this value has at most 200 characters"),
    ],
)
def test_invalid_filters_are_explained_and_the_rest_still_applies(client, board, query, message):
    response = client.get(f"/en/?{query}&risk=extreme")
    html = _html(response)
    assert response.status_code == 200
    assert message in html
    assert 'role="alert"' in html
    assert listed(client, f"/en/?{query}&risk=extreme") == ["260885", "260066", "260063"]


@pytest.mark.parametrize(
    "page, message",
    [
        ("999999", "There is no page 999999: showing the last page, 1."),
        ("9" * 30, "There is no page " + "9" * 30 + ": showing the last page, 1."),
        ("abc", "“abc” is not a page number: showing the first page."),
        ("0", "Pages start at 1: showing the first page."),
    ],
)
def test_a_page_that_does_not_exist_shows_the_nearest_one(client, board, page, message):
    response = client.get(f"/en/?page={page}")
    assert response.status_code == 200
    assert message in _html(response)
    assert len(listed(client, f"/en/?page={page}")) == 4


def test_an_inverted_grade_range_is_explained_and_its_lower_end_kept(client, board):
    html = _html(client.get("/en/?grade_min=20&grade_max=10"))
    assert "G10 is below the lowest grade asked for, G20: a range runs from low to high." in html
    assert listed(client, "/en/?grade_min=20&grade_max=10") == ["260063"]
    french = _html(client.get("/fr/?grade_min=20&grade_max=10"))
    assert "G10 est en dessous du grade le plus bas demandé, G20" in french


def test_without_a_search_the_list_is_sorted_closing_soonest_first_under_one_name(client, board):
    html = _html(client.get("/en/"))
    sort = re.search(r'<select name="sort"[^>]*>(.*?)</select>', html, re.S)[1]
    assert re.findall(r"<option[^>]*>([^<]*)</option>", sort)[0] == "Closing soonest"
    assert sort.count("Closing soonest") == 1
    assert "Best match" not in sort
    assert listed(client, "/en/?sort=closing") == listed(client, "/en/")
    assert "could not be used" not in _html(client.get("/en/?sort=closing"))


def test_with_a_search_the_best_matches_come_first(client, board):
    html = _html(client.get("/en/?q=security"))
    sort = re.search(r'<select name="sort"[^>]*>(.*?)</select>', html, re.S)[1]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", sort)
    assert options[:2] == ["Best match, then closing soonest", "Closing soonest"]


def test_repeated_and_huge_parameters_do_not_break_the_page(client, board):
    response = client.get("/en/?grade=17&grade=20&risk=extreme&risk=high&" + "junk=x" * 2000)
    assert response.status_code == 200


def test_french_error_messages(client, board):
    html = _html(client.get("/fr/?grade=XYZ"))
    assert "Certains filtres n’ont pas pu être utilisés" in html


@pytest.mark.parametrize(
    "query, most",
    [
        # Counts with the page's choice, the page's rows, their other locations, and when
        # time alone next changes the page (how long it may be kept rendered).
        ("", 4),
        ("grade=17&country=Ukraine&other_locations=on&risk=extreme&sort=recent", 4),
        # Inside a transaction, as here, a search is counted in the database: it also sets
        # its plan (savepoint, SET, release), and reads the places (two queries), once
        # after each change of the board.
        ("q=security&grade=17&country=Ukraine&other_locations=on&risk=extreme", 9),
    ],
)
def test_list_page_runs_a_fixed_number_of_queries(
    client, board, django_assert_max_num_queries, query, most
):
    for number in range(30):  # more vacancies than a page holds: the count stays the same
        Vacancy.objects.create(
            reference=f"7{number:05}",
            title_en=f"Security analyst {number}",
            grade_label="G17",
            grade_min=17,
            grade_max=17,
            risk_level="extreme",
            primary_location=Location.objects.get(city="Kyiv"),
            status=Vacancy.Status.PUBLISHED,
            deadline=timezone.now() + timedelta(days=5),
            source_text="",
            source_sha256="",
        )
    with django_assert_max_num_queries(most):
        response = client.get(f"/en/?{query}")
    assert response.status_code == 200


# --------------------------------------------------------------------- the detail page


def test_detail_page_shows_the_header_facts(client, board):
    html = _html(client.get("/en/vacancies/260063/"))
    assert "<h1>Head, Comprehensive Assistance Package Section</h1>" in html
    for fact in ("G20", "per month", "(Brussels time)", "Kyiv, Ukraine", "Brussels, Belgium",
                 "Full-time", "NATO International Staff (NATO IS)"):  # fmt: skip
        assert fact in html
    assert "closes in 3 days" in html


def test_detail_page_summarises_the_contract_in_the_pages_language(client, board):
    english = _html(client.get("/en/vacancies/240655/"))
    assert "Contract to be offered to the successful applicant (if non-seconded)" in english
    french = _html(client.get("/fr/postes/240655/"))
    assert "Contrat proposé (hors détachement)" in french


def test_risk_note_and_unaccompanied_status_stand_out(client, board):
    html = _html(client.get("/en/vacancies/260063/"))
    assert re.search(r'<aside class="notice notice-warning"[^>]*>\s*<h2 id="risk-heading"', html)
    assert "Extreme risk · Unaccompanied post" in html
    assert "rated as an extreme risk location" in html


def test_sections_have_a_table_of_contents(client, board):
    html = _html(client.get("/en/vacancies/260063/"))
    assert '<a href="#section-1">SUMMARY</a>' in html
    assert '<h2 id="section-1-heading">SUMMARY</h2>' in html


def test_open_vacancy_links_to_the_recruitment_site(client, board):
    html = _html(client.get("/en/vacancies/260063/"))
    assert 'class="button button-primary" href="https://' in html
    assert "260063" in re.search(r'button-primary" href="([^"]+)"', html)[1]


def test_closed_vacancy_stays_at_its_address_marked_closed(client, board):
    response = client.get("/en/vacancies/260280/")
    html = _html(response)
    assert response.status_code == 200
    assert "the deadline for applications has passed" in html
    assert 'aria-disabled="true">Applications closed' in html
    assert "button-primary" not in html


def test_pending_budget_approval_is_announced(client, board):
    assert "Pending budget approval:" in _html(client.get("/en/vacancies/240655/"))


def test_notice_text_is_escaped_and_light_markdown_rendered(client, board):
    Vacancy.objects.filter(reference="260063").update(
        sections_en=[
            {
                "heading": "SUMMARY",
                "text": '<script>alert("x")</script> **bold** and [click here](#) '
                "[a real link](https://example.org/x?a=1&b=2)\n\n- one\n- two",
            }
        ]
    )
    html = _html(client.get("/en/vacancies/260063/"))
    assert "<script>alert" not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in html
    assert "<strong>bold</strong> and click here" in html
    assert '<a href="https://example.org/x?a=1&amp;b=2">a real link</a>' in html
    assert "<ul><li>one</li><li>two</li></ul>" in html


@pytest.mark.parametrize("url", ["/en/vacancies/999999/", "/fr/postes/999999/"])
def test_missing_vacancy_is_a_404_in_the_right_language(client, board, url):
    response = client.get(url)
    assert response.status_code == 404
    html = _html(response)
    assert ("Page not found" in html) if url.startswith("/en/") else ("Page introuvable" in html)


def test_unpublished_vacancy_is_a_404(client, board):
    Vacancy.objects.filter(reference="260063").update(status=Vacancy.Status.DRAFT)
    assert client.get("/en/vacancies/260063/").status_code == 404
    Vacancy.objects.filter(reference="260063").update(status=Vacancy.Status.ARCHIVED)
    assert client.get("/fr/postes/260063/").status_code == 404


def test_detail_page_runs_at_most_four_queries(client, board, django_assert_max_num_queries):
    # When it last changed, the vacancy, its other locations, and when time alone next
    # changes it (how long it may be kept rendered).
    with django_assert_max_num_queries(4):
        client.get("/fr/postes/260063/")


@pytest.mark.parametrize(
    "url",
    ["/en/", "/fr/", "/en/?deadline=closed", "/en/?q=nothing-matches-this",
     "/en/vacancies/260063/", "/fr/postes/260063/", "/en/vacancies/000000/"],
)  # fmt: skip
def test_every_public_page_has_one_h1(client, board, url):
    assert _html(client.get(url)).count("<h1") == 1


def test_no_migrations_are_missing():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_search_finds_its_matches_through_the_gin_indexes(board):
    vacancy_filter = VacancyFilter(QueryDict("q=security"), queryset=Vacancy.objects.published())
    vacancy_filter.is_valid()
    listed_sql, params = vacancy_filter.qs.query.sql_with_params()
    with search_uses_the_index(vacancy_filter), connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + listed_sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on vacancy_search_en" in plan
    assert "Bitmap Index Scan on vacancy_search_fr" in plan
    assert "DISTINCT" not in listed_sql.upper()


@pytest.mark.parametrize(
    ("period", "url", "words"),
    [
        ("yearly", "/en/vacancies/260063/", "per year"),
        ("hourly", "/en/vacancies/260063/", "per hour"),
        ("yearly", "/fr/postes/260063/", "par an"),
        ("monthly", "/fr/postes/260063/", "par mois"),
    ],
)
def test_the_salary_is_shown_for_the_period_the_notice_pays_it(client, board, period, url, words):
    Vacancy.objects.filter(reference="260063").update(salary_period=period)
    assert words in _html(client.get(url))
