"""No address, no query string and no upload, however odd, makes the site fail: every filter
parameter, every path that carries a value and the import's files and text get an answer (a
page, a message or a 404), never a 5xx.

The values are generated: NUL bytes, lone surrogates and overlong UTF-8 sent as raw
percent-encoded bytes, 10 kB values, repeated parameters, huge and negative numbers.
"""

import os
from urllib.parse import quote_from_bytes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vacancies.filters import VacancyFilter
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

ODD_BYTES = [
    b"\x00",
    b"%00",
    b"\xed\xa0\x80",  # a lone surrogate, encoded as UTF-8
    b"\xc0\xae",  # an overlong '.'
    b"\xff\xfe",
    b"\xe2\x80\xae",  # right-to-left override
    b"'",
    b'"',
    b"<",
    b"\\",
    b"..",
    b"/",
    b"&",
    b"=",
    b"+",
    b"#",
    b" ",
    b"\n",
    "é".encode(),
    "😀".encode(),
]
NUMBERS = [b"0", b"-1", b"1e309", b"99999999999999999999999999", b"NaN", b"inf", b"2**63", b"0x1f"]
values = st.one_of(
    st.lists(st.sampled_from(ODD_BYTES + NUMBERS), max_size=8).map(b"".join),
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.sampled_from(ODD_BYTES + NUMBERS).map(lambda value: value * 10_000),  # 10 kB and more
)
PARAMETERS = [*VacancyFilter.base_filters, "page", "other_locations", "unknown"]
ADMIN_PARAMETERS = ["q", "o", "p", "e", "status__exact", "grade_label", "risk_level__exact"]
ADMIN_PARAMETERS += ["primary_location__id__exact", "deadline", "grades", "deadline__year"]
ADMIN_PARAMETERS += ["organisation_en__exact", "_to_field", "warnings"]
fuzzed = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def query_string(pairs: list[tuple[str, bytes]]) -> str:
    # WSGI carries the query string as latin-1 text of the raw bytes.
    return "&".join(f"{name}={quote_from_bytes(value)}" for name, value in pairs)


def assert_answers(response):
    assert response.status_code < 500, response.status_code


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@fuzzed
@given(pairs=st.lists(st.tuples(st.sampled_from(PARAMETERS), values), min_size=1, max_size=6))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_any_query_string_gets_the_list_page(anonymous, language, pairs):
    response = anonymous.get(f"/{language}/", QUERY_STRING=query_string(pairs))
    # A NUL can be in no value: such a query string is a bad request, said so in a page.
    has_nul = any(b"\x00" in value for _name, value in pairs)
    assert response.status_code == (400 if has_nul else 200)


@fuzzed
@given(reference=values)
@pytest.mark.parametrize("path", ["/en/vacancies/{}/", "/fr/postes/{}/"])
def test_any_vacancy_address_is_a_page_or_a_404(anonymous, path, reference):
    response = anonymous.get(path.format(quote_from_bytes(reference, safe="")))
    assert_answers(response)
    assert response.status_code in (200, 301, 302, 404)


@pytest.mark.parametrize(
    "url", ["/en/vacancies/%00/", "/fr/postes/260063%00/", "/en/vacancies/%ED%A0%80/"]
)
def test_the_reported_addresses_are_404s(anonymous, url):
    response = anonymous.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() or "Page introuvable" in (
        response.content.decode()
    )


@pytest.mark.parametrize("language, words", [("en", "Bad request"), ("fr", "Requête incorrecte")])
def test_a_nul_in_the_query_string_is_a_bad_request_in_the_visitors_language(
    anonymous, language, words
):
    response = anonymous.get(f"/{language}/", QUERY_STRING="q=a%00b")
    assert response.status_code == 400
    assert words in response.content.decode()


@pytest.fixture
def editor_browsing(editor):
    """An HR editor's browser: the answer to every request, whatever went wrong."""
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    return client


@fuzzed
@given(pairs=st.lists(st.tuples(st.sampled_from(ADMIN_PARAMETERS), values), min_size=1, max_size=4))
@pytest.mark.parametrize(
    "path",
    ["/admin/vacancies/vacancy/", "/admin/vacancies/location/", "/admin/vacancies/placename/",
     "/admin/"],
)  # fmt: skip
def test_any_query_string_gets_an_answer_from_the_admin(editor_browsing, path, pairs):
    assert_answers(editor_browsing.get(path, QUERY_STRING=query_string(pairs)))


@pytest.mark.parametrize("year", ["2200000000", "99999999999999999999", "-1", "٣"])
def test_an_impossible_year_in_the_admin_list_shows_it_unfiltered(editor_browsing, year):
    response = editor_browsing.get("/admin/vacancies/vacancy/", {"deadline__year": year})
    assert (response.status_code, response["Location"]) == (302, "/admin/vacancies/vacancy/?e=1")


@fuzzed
@given(value=values)
@pytest.mark.parametrize(
    "path",
    [
        "/admin/vacancies/vacancy/{}/change/",
        "/admin/vacancies/vacancy/{}/history/",
        "/admin/vacancies/vacancy/1/history/{}/",
        "/admin/vacancies/vacancy/{}/preview/en/",
        "/admin/vacancies/vacancy/1/preview/{}/",
        "/admin/vacancies/vacancy/{}/original/",
        "/admin/vacancies/location/{}/change/",
        "/admin/vacancies/placename/{}/change/",
    ],
)
def test_any_admin_address_gets_an_answer(editor_browsing, path, value):
    assert_answers(editor_browsing.get(path.format(quote_from_bytes(value, safe=""))))


@fuzzed
@given(name=st.text(max_size=120), place=st.text(max_size=120))
def test_any_place_name_typed_in_the_admin_gets_an_answer(editor_browsing, name, place):
    response = editor_browsing.post(
        "/admin/vacancies/placename/add/", {"name": name, "place": place}
    )
    assert_answers(response)
    # Saved only when it names a place the board knows, and then its search still answers.
    if response.status_code == 302:
        assert_answers(editor_browsing.get("/en/", {"q": name}))


def _buildable(name: str) -> str:
    """A name the test client can put on a file: it refuses names without a last part
    ('/', '..'), which browsers do not send and Django would drop before any view."""
    return name + "x" if os.path.basename(name) in ("", ".", "..") else name


@fuzzed
@given(
    files=st.lists(
        st.tuples(
            st.text(max_size=80).map(lambda name: name + ".txt")
            | st.text(max_size=80).map(lambda name: name + ".pdf")
            | st.text(max_size=80),
            st.binary(max_size=400),
        ),
        max_size=3,
    ),
    text=st.text(max_size=300),
)
def test_any_upload_or_paste_gets_the_import_page_with_a_reason(editor_browsing, files, text):
    uploads = [SimpleUploadedFile(_buildable(name), data) for name, data in files]
    response = editor_browsing.post(
        reverse("admin:vacancies_vacancy_import"), {"files": uploads, "text": text}
    )
    assert response.status_code == 200
    assert not Vacancy.objects.exists()
