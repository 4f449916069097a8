"""The JSON API under /api/v1/, as a program calling it sees it: the public list's vacancies
in the same order, each vacancy in full in both languages, errors that name what is wrong,
open to other sites for reading only."""

import json
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import Http404, QueryDict
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from vacancies import api as api_module
from vacancies.models import Location, Vacancy
from vacancies.selectors import vacancy_list_page

pytestmark = pytest.mark.django_db

LIST = "/api/v1/vacancies/"
OPEN_IN_CLOSING_ORDER = ["260885", "260066", "260063", "240655"]


def references(response):
    assert response.status_code == 200, response.content
    return [vacancy["reference"] for vacancy in response.json()["results"]]


def add_vacancies(count, *, title="Analyst"):
    for number in range(count):
        Vacancy.objects.create(
            reference=f"5{number:05}",
            title_en=f"{title} {number}",
            status=Vacancy.Status.PUBLISHED,
            deadline=timezone.now() + timedelta(days=30 + number),
            source_text="",
            source_sha256="",
        )


# --------------------------------------------------------------------- the list


@pytest.mark.parametrize(
    "query",
    [
        "",
        "grade=17",
        "grade_min=18",
        "grade_max=10",
        "country=Ukraine",
        "country=Belgique",
        "country=Belgium&other_locations=on",
        "risk=extreme",
        "risk=none",
        "deadline=closed",
        "deadline=all&sort=grade_desc",
        "deadline=week",
        "clearance=NS",
        "organisation=NATO International Staff (NATO IS)",
        "sort=grade_asc",
        "sort=recent",
        "q=security",
        "q=regional security officer",
        "q=2600&deadline=all",
        "q=astronaut",
        "unknown=1&risk=extreme",
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_lists_what_the_public_list_shows_in_the_same_order(client, board, query, language):
    page = client.get(f"/{language}/", QueryDict(query)).context["page"]
    response = client.get(LIST, QueryDict(f"{query}&lang={language}"))
    assert references(response) == [vacancy.reference for vacancy in page.object_list]
    assert response.json()["count"] == page.paginator.count


def test_a_french_search_finds_what_the_french_list_finds(client, board):
    with override("fr"):
        listing = vacancy_list_page(QueryDict("q=gestionnaire de projet"), language="fr")
    found = references(client.get(LIST, {"q": "gestionnaire de projet", "lang": "fr"}))
    assert found == [vacancy.reference for vacancy in listing.page.object_list]
    assert found[0] == "260066"


def test_open_vacancies_come_closing_soonest_first_by_default(client, board):
    assert references(client.get(LIST)) == OPEN_IN_CLOSING_ORDER


def test_drafts_and_archived_vacancies_are_never_listed(client, board):
    Vacancy.objects.filter(reference="260063").update(status=Vacancy.Status.DRAFT)
    Vacancy.objects.filter(reference="260066").update(status=Vacancy.Status.ARCHIVED)
    assert references(client.get(LIST, {"deadline": "all"})) == ["260280", "260885", "240655"]


def test_each_vacancy_of_the_list_gives_the_facts_a_candidate_compares(client, board):
    vacancy = client.get(LIST).json()["results"][2]
    deadline = datetime.fromisoformat(vacancy.pop("deadline"))
    assert deadline.utcoffset() is not None
    assert deadline == Vacancy.objects.get(reference="260063").deadline.replace(microsecond=0)
    assert datetime.fromisoformat(vacancy.pop("published_at")).utcoffset() is not None
    assert vacancy == {
        "reference": "260063",
        "language": "en",
        "title": "Head, Comprehensive Assistance Package Section",
        "organisation": "NATO International Staff (NATO IS)",
        "grade": {"label": "G20", "min": 20, "max": 20},
        "duty_station": {"city": "Kyiv", "country": "Ukraine"},
        "other_locations": [{"city": "Brussels", "country": "Belgium"}],
        "deadline_ongoing": False,
        "salary": {"amount": "9784.44", "currency": "EUR", "period": "monthly"},
        "risk_level": "extreme",
        "risk_label": "Extreme risk",
        "clearance": None,
        "unaccompanied": True,
        "pending_budget_approval": False,
        "demonstration": False,
        "url": "http://testserver/en/vacancies/260063/",
        "api_url": "http://testserver/api/v1/vacancies/260063/",
    }


def test_in_french_titles_places_and_addresses_are_french(client, board):
    response = client.get(LIST, {"lang": "fr"})
    vacancy = response.json()["results"][2]
    assert response["Content-Language"] == "fr"
    assert vacancy["language"] == "fr"
    assert vacancy["title"] == "Chef de la Section CAP"
    assert vacancy["organisation"] == "OTAN SI"
    assert vacancy["duty_station"] == {"city": "Kiev", "country": "Ukraine"}
    assert vacancy["other_locations"] == [{"city": "Bruxelles", "country": "Belgique"}]
    assert vacancy["risk_label"] == "Risque extrême"
    assert vacancy["url"] == "http://testserver/fr/postes/260063/"
    assert vacancy["api_url"] == "http://testserver/api/v1/vacancies/260063/"


def test_a_notice_without_french_text_is_given_in_english_and_says_so(client, board):
    Vacancy.objects.filter(reference="260063").update(title_fr="", sections_fr=[], risk_note_fr="")
    vacancy = client.get(LIST, {"lang": "fr"}).json()["results"][2]
    assert vacancy["language"] == "en"
    assert vacancy["title"] == "Head, Comprehensive Assistance Package Section"
    assert vacancy["url"] == "http://testserver/fr/postes/260063/"


def test_deadlines_are_given_in_the_boards_time_zone_with_their_offset(client, board):
    Vacancy.objects.filter(reference="260063").update(
        deadline=timezone.make_aware(datetime(2099, 7, 1, 23, 59))
    )
    vacancy = client.get(LIST, {"deadline": "all", "q": "260063"}).json()["results"][0]
    assert vacancy["deadline"] == "2099-07-01T23:59:00+02:00"


def test_a_post_without_deadline_says_whether_it_is_ongoing(client, board):
    Vacancy.objects.filter(reference="260885").update(deadline=None, deadline_ongoing=True)
    vacancy = client.get(LIST).json()["results"][-1]
    assert (vacancy["reference"], vacancy["deadline"], vacancy["deadline_ongoing"]) == (
        "260885",
        None,
        True,
    )


def test_pages_link_to_their_neighbours_keeping_the_filters(client, board):
    add_vacancies(45)
    first = client.get(LIST, {"q": "analyst", "lang": "fr"}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (45, 20, None)
    assert first["next"] == "http://testserver/api/v1/vacancies/?q=analyst&lang=fr&page=2"
    second = client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/v1/vacancies/?q=analyst&lang=fr"
    third = client.get(second["next"]).json()
    assert (len(third["results"]), third["next"]) == (5, None)
    every = first["results"] + second["results"] + third["results"]
    assert len({vacancy["reference"] for vacancy in every}) == 45


def test_the_last_page_of_an_empty_list_is_its_first(client, board):
    page = client.get(LIST, {"q": "astronaut"}).json()
    assert page == {"count": 0, "next": None, "previous": None, "results": []}


# --------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "query, errors",
    [
        ("grade_min=abc", {"grade_min": ["Enter a whole number."]}),
        ("grade_max=99", {"grade_max": ["Ensure this value is less than or equal to 30."]}),
        ("deadline_before=not-a-date", {"deadline_before": ["Enter a valid date."]}),
        ("location=abc", {"location": ["Enter a number."]}),
        ("q=" + "x" * 500, {"q": ["Ensure this value has at most 200 characters (it has 500)."]}),
        ("lang=de", {"lang": ["Choose “en” or “fr”."]}),
        ("page=abc", {"page": ["Enter a whole number, 1 or more."]}),
        ("page=0", {"page": ["Enter a whole number, 1 or more."]}),
        ("page=2", {"page": ["There is no page 2: the last page is 1."]}),
        ("page=" + "9" * 30, {"page": [f"There is no page {'9' * 30}: the last page is 1."]}),
        ("country=Atlantis", {"country": ["no vacancy is in a country called “Atlantis”."]}),
        ("location=999999", {"location": ["there is no duty station number 999999."]}),
        (
            "organisation=ACME",
            {"organisation": ["no vacancy is offered by an organisation called “ACME”."]},
        ),
        (
            "grade_min=20&grade_max=10",
            {
                "grade_max": [
                    "G10 is below the lowest grade asked for, G20: a range runs from low to high."
                ]
            },
        ),
        ("grade=XYZ", {"grade": ["Enter a whole number."]}),
    ],
)
def test_a_value_that_cannot_be_used_is_a_400_naming_the_parameter_and_why(
    client, board, query, errors
):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"errors": errors}


def test_sort_and_choice_errors_name_the_value_given(client, board):
    errors = client.get(LIST, {"sort": "sideways", "deadline": "tomorrow"}).json()["errors"]
    assert errors["sort"] == [
        "Select a valid choice. sideways is not one of the available choices."
    ]
    assert errors["deadline"] == [
        "Select a valid choice. tomorrow is not one of the available choices."
    ]


def test_every_unusable_parameter_is_named_at_once(client, board):
    response = client.get(LIST, {"grade_min": "x", "risk": "mild", "lang": "xx", "page": "-1"})
    assert sorted(response.json()["errors"]) == ["grade_min", "lang", "page", "risk"]


def test_error_messages_follow_the_language_asked_for(client, board):
    errors = client.get(LIST, {"grade_min": "abc", "lang": "fr"}).json()["errors"]
    assert errors == {"grade_min": ["Saisissez un nombre entier."]}


def test_unknown_parameters_are_ignored_as_on_the_public_list(client, board):
    response = client.get(LIST, {"colour": "blue", "format": "xml", "utm_source": "mail"})
    assert references(response) == OPEN_IN_CLOSING_ORDER


def test_repeated_parameters_take_their_last_value_as_the_public_list_does(client, board):
    response = client.get(f"{LIST}?risk=none&risk=extreme&grade=9&grade=17")
    html_page = client.get("/en/?risk=none&risk=extreme&grade=9&grade=17").context["page"]
    assert references(response) == [vacancy.reference for vacancy in html_page.object_list]


def test_a_nul_character_in_the_query_string_is_a_bad_request(client, board):
    assert client.get(LIST, QUERY_STRING="q=a%00b").status_code == 400


@pytest.mark.parametrize("reference", ["999999", "260063x", "-260063", "x" * 17, "a b"])
def test_an_unknown_reference_is_a_json_404_saying_so(client, board, reference):
    response = client.get(f"{LIST}{reference}/")
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {"detail": f"No published vacancy has the reference “{reference}”."}


@pytest.mark.parametrize("status", [Vacancy.Status.DRAFT, Vacancy.Status.ARCHIVED])
def test_a_vacancy_not_published_is_a_404(client, board, status):
    Vacancy.objects.filter(reference="260063").update(status=status)
    response = client.get(f"{LIST}260063/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published vacancy has the reference “260063”."}


def test_addresses_outside_the_api_operations_get_json_errors_from_the_handlers():
    factory = RequestFactory()
    missing = api_module.page_not_found(factory.get("/api/v1/jobs/"), Http404())
    assert (missing.status_code, json.loads(missing.content)["detail"]) == (
        404,
        "There is nothing at this address: see /api/v1/openapi.json.",
    )
    refused = api_module.bad_request(factory.get("/api/v1/vacancies/"), ValueError())
    assert refused.status_code == 400 and "detail" in json.loads(refused.content)
    assert refused["Access-Control-Allow-Origin"] == "*"


def test_the_sites_own_pages_keep_their_error_pages():
    page = api_module.page_not_found(RequestFactory().get("/en/nothing/"), Http404())
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


# --------------------------------------------------------------------- a vacancy in full


def test_a_vacancy_is_given_in_full_in_both_languages(client, board):
    response = client.get(f"{LIST}260063/")
    assert response.status_code == 200
    vacancy = response.json()
    assert vacancy["title_en"] == "Head, Comprehensive Assistance Package Section"
    assert vacancy["title_fr"] == "Chef de la Section CAP"
    assert (vacancy["organisation_en"], vacancy["organisation_fr"]) == (
        "NATO International Staff (NATO IS)",
        "OTAN SI",
    )
    assert (vacancy["schedule_en"], vacancy["schedule_fr"]) == ("Full-time", "Temps plein")
    assert vacancy["duty_station"] == {
        "city_en": "Kyiv",
        "country_en": "Ukraine",
        "city_fr": "Kiev",
        "country_fr": "Ukraine",
    }
    assert vacancy["other_locations"][0]["city_fr"] == "Bruxelles"
    assert vacancy["sections_en"][0]["heading"] == "SUMMARY"
    assert vacancy["sections_fr"][0]["heading"] == "RÉSUMÉ"
    assert all(set(section) == {"heading", "text"} for section in vacancy["sections_en"])
    assert vacancy["risk_note_en"].startswith("Important Note")
    assert vacancy["risk_note_fr"].startswith("Note importante")
    assert (vacancy["has_french"], vacancy["open"], vacancy["unaccompanied"]) == (True, True, True)
    assert vacancy["salary"] == {"amount": "9784.44", "currency": "EUR", "period": "monthly"}
    assert vacancy["links"]["page_en"] == "http://testserver/en/vacancies/260063/"
    assert vacancy["links"]["page_fr"] == "http://testserver/fr/postes/260063/"
    assert vacancy["links"]["api"] == "http://testserver/api/v1/vacancies/260063/"
    assert "260063" in vacancy["links"]["apply"]


def test_a_closed_vacancy_is_still_given_in_full(client, board):
    vacancy = client.get(f"{LIST}260280/").json()
    assert (vacancy["reference"], vacancy["open"]) == ("260280", False)


def test_a_vacancy_without_french_text_says_so(client, board):
    Vacancy.objects.filter(reference="260063").update(title_fr="", sections_fr=[], risk_note_fr="")
    vacancy = client.get(f"{LIST}260063/").json()
    assert (vacancy["has_french"], vacancy["title_fr"], vacancy["sections_fr"]) == (
        False,
        None,
        [],
    )


# --------------------------------------------------------------------- open to other sites


@pytest.mark.parametrize(
    "url", [LIST, f"{LIST}?grade_min=abc", f"{LIST}260063/", f"{LIST}0/", "/api/v1/openapi.json"]
)
def test_every_answer_to_get_may_be_read_by_any_site(client, board, url):
    response = client.get(url, HTTP_ORIGIN="https://example.com")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_browsers_preflight_is_answered_for_get_only(client):
    response = client.options(
        LIST,
        HTTP_ORIGIN="https://example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET"
    assert response["Access-Control-Allow-Headers"] == "*"
    assert int(response["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [LIST, f"{LIST}260063/", "/api/v1/openapi.json"])
def test_the_api_only_reads(board, method, url):
    # A browser's session and CSRF token do not matter: nothing is ever written.
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(url, HTTP_ORIGIN="https://example.com")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {"detail": "This API only reads: use GET."}
    assert "Access-Control-Allow-Origin" not in response
    assert Vacancy.objects.filter(reference="260063", status=Vacancy.Status.PUBLISHED).exists()


def test_head_is_answered_as_get_without_a_body(client, board):
    response = client.head(f"{LIST}260063/")
    assert response.status_code == 200
    assert response.content == b""
    assert int(response["Content-Length"]) == len(client.get(f"{LIST}260063/").content)


def test_the_apis_root_says_where_its_parts_are(client):
    response = client.get("/api/v1/")
    assert response.json() == {
        "vacancies": "http://testserver/api/v1/vacancies/",
        "openapi": "http://testserver/api/v1/openapi.json",
        "documentation": "http://testserver/en/api/",
    }


# --------------------------------------------------------------------- speed


@pytest.mark.parametrize(
    "query",
    [
        "",
        "grade=17&country=Ukraine&other_locations=on&risk=extreme&sort=recent",
        "q=security&grade=17&country=Ukraine&other_locations=on&risk=extreme",
        "country=Atlantis",
    ],
)
def test_the_list_costs_no_more_queries_than_the_public_list(client, board, query):
    location = Location.objects.get(city="Kyiv")
    add_vacancies(30, title="Security analyst")
    Vacancy.objects.filter(reference__startswith="5").update(
        grade_label="G17", grade_min=17, grade_max=17, risk_level="extreme",
        primary_location=location,
    )  # fmt: skip
    cache.clear()
    with CaptureQueriesContext(connection) as html:
        client.get(f"/en/?{query}")
    cache.clear()
    with CaptureQueriesContext(connection) as api:
        client.get(f"{LIST}?{query}")
    assert len(api) <= len(html)


def test_a_vacancy_costs_two_queries(client, board, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(f"{LIST}260063/").status_code == 200
