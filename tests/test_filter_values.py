"""Filter values typed into the address that name nothing on the board are named on the
page and left out; the other filters still apply."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r'href="/(?:en/vacancies|fr/postes)/(\d+)/"', response.content.decode())


def errors(client, url):
    html = client.get(url).content.decode()
    box = re.search(r'<div class="notice notice-error"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>|[ \t\n]+", " ", box[1]).strip() if box else ""


@pytest.mark.parametrize(
    "query, said",
    [
        ("country=Atlantis", "Country : no vacancy is in a country called “Atlantis”."),
        (
            "organisation=Foo",
            "Organisation : no vacancy is offered by an organisation called “Foo”.",
        ),
        ("clearance=XYZ", "Clearance : no vacancy asks for a clearance called “XYZ”."),
        ("location=9999", "Duty station : there is no duty station number 9999."),
    ],
)
def test_a_value_that_names_nothing_is_named_and_left_out(client, board, query, said):
    assert said in errors(client, f"/en/?{query}")
    assert listed(client, f"/en/?{query}") == listed(client, "/en/")


def test_the_other_filters_still_apply(client, board):
    assert listed(client, "/en/?country=Atlantis&risk=none") == ["240655"]
    assert listed(client, "/en/?country=Atlantis&organisation=Foo&q=assistant") == listed(
        client, "/en/?q=assistant"
    )
    assert "Atlantis" in errors(client, "/en/?country=Atlantis&organisation=Foo")
    assert "Foo" in errors(client, "/en/?country=Atlantis&organisation=Foo")


@pytest.mark.parametrize("query", ["country=Belgique", "country=belgium", "country=Ukraine"])
def test_a_country_the_board_knows_is_used_in_either_language_and_any_case(client, board, query):
    assert errors(client, f"/fr/?{query}") == ""


def test_a_known_value_that_the_other_filters_leave_empty_is_kept(client, board):
    # Capellen's one post is closed: the country is known, the list is rightly empty.
    assert listed(client, "/en/?country=Luxembourg") == []
    assert errors(client, "/en/?country=Luxembourg") == ""
    assert listed(client, "/en/?country=Luxembourg&deadline=all") == ["260280"]


def test_the_explanations_are_in_french_on_the_french_page(client, board):
    assert "aucun poste n’est situé dans un pays nommé «\u00a0Atlantis\u00a0»" in errors(
        client, "/fr/?country=Atlantis"
    )


def test_choosing_from_the_page_costs_no_query_more(client, board, django_assert_max_num_queries):
    client.get("/en/?country=Ukraine")
    with django_assert_max_num_queries(2):  # cached: the page's rows and their other locations
        client.get("/en/?country=Ukraine")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["country", "organisation", "clearance", "location"]),
    value=st.text(min_size=1, max_size=40),
)
def test_any_value_gives_a_page(client, board, name, value):
    # A NUL is refused before any filter reads it, with the 400 page.
    expected = 400 if "\x00" in value else 200
    assert client.get("/en/", {name: value}).status_code == expected
