"""The API keeps the promises of its own OpenAPI description, and no request breaks it.

The description is OpenAPI 3.1 and names every parameter of the list. Requests generated from
it by Schemathesis, valid and invalid, are answered by the site's WSGI application in this
process, over the sample board, never with a server error, and always as described (status,
content type, JSON body). Query strings and references generated as for the site's pages
(tests/test_fuzz_urls.py) get vacancies or an error naming what is wrong.
"""

from urllib.parse import quote_from_bytes

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_fuzz_urls import PARAMETERS, fuzzed, query_string, values

from jobboard.wsgi import application
from vacancies.filters import VacancyFilter

pytestmark = pytest.mark.django_db

LIST = "/api/v1/vacancies/"
LIST_PARAMETERS = {*VacancyFilter.base_filters, "page", "lang", "grade"}
DESCRIPTION = "/api/v1/openapi.json"
# A NUL is refused by the site before any view, as a bad request (jobboard/middleware.py):
# generated values go without them, and tests/test_api.py covers that refusal.
VALID = {"generation": {"mode": "positive", "allow-x00": False}}
INVALID = {"generation": {"mode": "negative", "allow-x00": False}}
examples = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def in_the_tests_transaction():
    """Requests made straight to the WSGI application keep the test's database connection
    (and so its transaction), as the test client's do."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def described(config):
    # Loaded as the tests are collected: the description needs no database.
    return schemathesis.openapi.from_wsgi(
        DESCRIPTION, application, config=schemathesis.Config.from_dict(config)
    )


valid = described(VALID)
invalid = described(INVALID)


@valid.parametrize()
@examples
def test_valid_requests_get_the_answers_the_description_promises(
    board, in_the_tests_transaction, case
):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )


@invalid.parametrize()
@examples
def test_invalid_requests_get_a_described_error_never_a_server_error(
    board, in_the_tests_transaction, case
):
    response = case.call()
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance],
    )
    # Negative testing also tries other methods: only reading, and the browsers' preflight
    # for it, are answered.
    expected = {"GET": (200, 400, 404), "OPTIONS": (204,)}.get(case.method.upper(), (405,))
    assert response.status_code in expected, (case.method, response.status_code)


# --------------------------------------------------------------------- any query string

API_PARAMETERS = [*PARAMETERS, "lang", "grade"]


@fuzzed
@given(pairs=st.lists(st.tuples(st.sampled_from(API_PARAMETERS), values), min_size=1, max_size=6))
def test_any_query_string_gets_vacancies_or_a_400_naming_known_parameters(board, pairs):
    client = Client(raise_request_exception=False)
    response = client.get(LIST, QUERY_STRING=query_string(pairs))
    if any(b"\x00" in value for _name, value in pairs):
        assert response.status_code == 400
        return
    assert response.status_code in (200, 400), response.status_code
    body = response.json()
    if response.status_code == 400:
        assert body["errors"] and set(body["errors"]) <= LIST_PARAMETERS
    else:
        assert len(body["results"]) <= 20


@fuzzed
@given(reference=values)
def test_any_reference_gets_a_vacancy_or_a_404(board, reference):
    client = Client(raise_request_exception=False)
    response = client.get(f"{LIST}{quote_from_bytes(reference, safe='')}/")
    assert response.status_code in (200, 301, 404), response.status_code


# --------------------------------------------------------------------- its description


@pytest.fixture
def openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_description_is_openapi_3_1_with_meaningful_titles(openapi):
    assert openapi["openapi"].startswith("3.1")
    assert "vacancies" in openapi["info"]["title"].casefold()
    operations = [
        openapi["paths"]["/api/v1/vacancies/"]["get"],
        openapi["paths"]["/api/v1/vacancies/{reference}/"]["get"],
    ]
    for operation in operations:
        assert operation["summary"] and operation["description"]
        assert "400" in operation["responses"] or "404" in operation["responses"]


def test_the_description_lists_every_parameter_of_the_list(openapi):
    parameters = openapi["paths"]["/api/v1/vacancies/"]["get"]["parameters"]
    assert {parameter["name"] for parameter in parameters} == LIST_PARAMETERS
    assert len(parameters) == len(LIST_PARAMETERS)
    for parameter in parameters:
        assert parameter["in"] == "query" and parameter["description"], parameter


def test_the_parameters_are_described_as_the_list_checks_them(openapi):
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in openapi["paths"]["/api/v1/vacancies/"]["get"]["parameters"]
    }
    assert parameters["grade_min"] == {"type": "integer", "minimum": 1, "maximum": 30}
    assert parameters["risk"] == {"type": "string", "enum": ["extreme", "high", "none"]}
    assert parameters["deadline"]["enum"] == ["open", "week", "closed", "all"]
    assert parameters["deadline_before"] == {"type": "string", "format": "date"}
    assert parameters["q"] == {"type": "string", "maxLength": 200}
    assert parameters["lang"]["enum"] == ["en", "fr"]


def test_the_description_names_the_reference_pattern(openapi):
    (reference,) = openapi["paths"]["/api/v1/vacancies/{reference}/"]["get"]["parameters"]
    assert reference["schema"]["pattern"] == "^[0-9A-Za-z][0-9A-Za-z-]{0,15}$"


# --------------------------------------------------------------------- the page for people


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_page_explains_every_parameter_and_links_the_description(client, board, language):
    response = client.get(f"/{language}/api/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert '<a href="/api/v1/openapi.json">' in html
    for name in LIST_PARAMETERS - {"grade"}:
        assert f"<code>{name}</code>" in html
    assert "curl &#x27;http://testserver/api/v1/vacancies/" in html or (
        "curl 'http://testserver/api/v1/vacancies/" in html
    )


def test_the_api_page_shows_the_filters_labels_in_the_pages_language(client, board):
    html = client.get("/fr/api/").content.decode()
    assert "Risque extrême" in html
