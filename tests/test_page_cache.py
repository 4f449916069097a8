"""Public pages are answered as they were rendered until the board changes, and never show
what a change took away."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from vacancies import counting_cache, page_cache
from vacancies.models import CLOSING_SOON, Vacancy
from vacancies.page_cache import RenderedPagesMiddleware, kept_rendered

pytestmark = pytest.mark.django_db

KEPT_PAGES = [
    "/en/",
    "/fr/",
    "/en/?grade=17&risk=extreme",
    "/en/?q=security",
    "/fr/?q=s%C3%A9curit%C3%A9",
    "/en/vacancies/260063/",
    "/fr/postes/260063/",
    "/en/feed/?grade=17",
    "/sitemap.xml",
    "/sitemap-vacancies.xml",
]


@pytest.mark.parametrize("url", KEPT_PAGES)
def test_a_page_asked_again_is_answered_without_reading_the_database(
    client, board, django_assert_num_queries, url
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_visitor_who_has_the_page_is_answered_not_modified(client, board):
    first = client.get("/en/?grade=17")
    again = client.get("/en/?grade=17", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_head_is_answered_from_the_kept_page_without_a_body(
    client, board, django_assert_num_queries
):
    client.get("/en/vacancies/260063/")
    with django_assert_num_queries(0):
        response = client.head("/en/vacancies/260063/")
    assert response.status_code == 200
    assert response.content == b""
    assert int(response["Content-Length"]) > 1000


def test_an_archived_vacancy_leaves_the_kept_pages_at_once(client, board):
    assert b"/en/vacancies/260063/" in client.get("/en/").content
    assert client.get("/en/vacancies/260063/").status_code == 200

    vacancy = Vacancy.objects.get(reference="260063")
    vacancy.status = Vacancy.Status.ARCHIVED
    vacancy.save()

    assert b"/en/vacancies/260063/" not in client.get("/en/").content
    assert client.get("/en/vacancies/260063/").status_code == 404
    assert b"260063" not in client.get("/en/feed/").content


def test_a_save_that_changes_a_count_shows_on_the_kept_list(client, board):
    def extreme_risk_option(html: str) -> str:
        start = html.index('value="extreme"')
        return html[start : html.index("</label>", start)]

    before = extreme_risk_option(client.get("/en/").content.decode())
    vacancy = Vacancy.objects.get(reference="260063")
    vacancy.risk_level = "" if vacancy.risk_level == "extreme" else "extreme"
    vacancy.save()
    after = extreme_risk_option(client.get("/en/").content.decode())
    assert before != after


def test_a_kept_page_is_made_again_once_its_time_is_up(
    client, board, monkeypatch, django_assert_max_num_queries
):
    """The first vacancy closes tomorrow: the page may be kept until midnight at most, and
    never longer than PAGE_CACHE_SECONDS."""
    client.get("/en/")
    later = time.time() + 61
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    with django_assert_max_num_queries(10) as made:
        client.get("/en/")
    assert len(made) > 0


@pytest.mark.parametrize(
    "closes_in, changes_in",
    [
        (timedelta(minutes=10), timedelta(minutes=10)),  # the post closes
        (CLOSING_SOON + timedelta(minutes=10), timedelta(minutes=10)),  # "closing soon"
    ],
)
def test_a_kept_page_lasts_no_longer_than_time_leaves_it_right(
    client, board, settings, closes_in, changes_in
):
    settings.PAGE_CACHE_SECONDS = 3600
    vacancy = Vacancy.objects.get(reference="260063")
    vacancy.deadline = timezone.now() + closes_in
    vacancy.save()
    for url in ("/en/", "/en/vacancies/260063/"):
        client.get(url)
        entry = cache.get(page_cache._key(RequestFactory().get(url)))
        assert page_cache._Entry(*entry).valid_until <= time.time() + changes_in.total_seconds()


def test_an_editor_signed_in_is_always_answered_by_the_view(
    client, board, django_assert_max_num_queries, django_user_model
):
    client.get("/en/")
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    client.force_login(editor)
    with django_assert_max_num_queries(20) as made:
        client.get("/en/")
    assert len(made) > 0


def test_pages_of_other_hosts_are_kept_apart(client, board, settings):
    settings.ALLOWED_HOSTS = ["testserver", "jobs.example.org"]
    client.get("/en/")
    elsewhere = client.get("/en/", headers={"Host": "jobs.example.org"}).content.decode()
    assert "http://jobs.example.org/fr/" in elsewhere
    assert "http://testserver/" not in elsewhere


def test_a_failing_cache_leaves_the_pages_to_the_views(client, board, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("refused")

    monkeypatch.setattr(cache, "get_many", refuse)
    monkeypatch.setattr(cache, "get", refuse)
    monkeypatch.setattr(cache, "set", refuse)
    assert client.get("/en/").status_code == 200
    assert client.get("/en/vacancies/260063/").status_code == 200


def test_pages_read_on_a_replica_just_after_a_change_are_not_kept(
    client, board, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(page_cache, "reading_from_replica", lambda: True)
    counting_cache.forget_counts()  # a change, just now: the replica may not have it yet
    client.get("/en/vacancies/260063/")
    with django_assert_max_num_queries(10) as made:
        client.get("/en/vacancies/260063/")
    assert len(made) > 0


# ------------------------------------------- what is kept, whatever the view answers


@pytest.fixture
def served():
    """Ask for /page through the middleware, the view answering ``response``; returns the
    answers to the first and the second request."""

    def serve(make_response, url="/page"):
        calls = []

        @kept_rendered
        def view(request):
            calls.append(request)
            return make_response()

        middleware = RenderedPagesMiddleware(
            lambda request: middleware.process_view(request, view, (), {}) or view(request)
        )
        answers = [middleware(RequestFactory().get(url)) for _ in range(2)]
        return answers, len(calls)

    return serve


def test_a_plain_page_is_kept(served):
    answers, views_called = served(lambda: HttpResponse("hello"))
    assert views_called == 1
    assert answers[1].content == b"hello"
    assert answers[1].has_header("ETag")


@pytest.mark.parametrize(
    "make_response",
    [
        lambda: HttpResponse("not found", status=404),
        lambda: HttpResponse(status=302, headers={"Location": "/elsewhere"}),
        lambda: HttpResponse("server error", status=500),
        lambda: HttpResponse("private", headers={"Cache-Control": "private"}),
        lambda: HttpResponse("no", headers={"Cache-Control": "no-store"}),
    ],
    ids=["not found", "redirect", "error", "private", "no-store"],
)
def test_only_a_public_success_is_kept(served, make_response):
    _answers, views_called = served(make_response)
    assert views_called == 2


def test_a_page_that_sets_a_cookie_is_not_kept(served):
    def with_cookie():
        response = HttpResponse("hello")
        response.set_cookie("csrftoken", "secret of one visitor")
        return response

    _answers, views_called = served(with_cookie)
    assert views_called == 2


def test_a_page_made_while_the_board_changed_is_not_kept(served):
    def changing():
        counting_cache.forget_counts()
        return HttpResponse("made from what was there before the change")

    counting_cache.board_version()  # a version to start from
    _answers, views_called = served(changing)
    assert views_called == 2


def test_a_very_long_address_is_not_kept(served):
    _answers, views_called = served(lambda: HttpResponse("x"), url="/page?q=" + "x" * 3000)
    assert views_called == 2
