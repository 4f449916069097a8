"""The list's counts come from the cache between changes, and are never stale for a user."""

import os
import re
import socket
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.http import QueryDict
from django.test import override_settings
from django.utils import timezone

from vacancies import counting_cache
from vacancies.facets import facets
from vacancies.filters import VacancyFilter
from vacancies.models import Location, Vacancy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_not_kept(settings):
    """These tests look at the counts kept beneath the pages: every request reaches the
    view (tests/test_page_cache.py looks at the pages kept)."""
    settings.PAGE_CACHE_SECONDS = 0


def open_count(html):
    return int(re.search(r"(\d+) vacanc(?:y|ies)\s*</h2>", html).group(1))


def counts_for(query="", now=None):
    vacancy_filter = VacancyFilter(
        QueryDict(query), queryset=Vacancy.objects.published(), now=now, language="en"
    )
    vacancy_filter.is_valid()
    return facets(vacancy_filter)


def test_asking_again_for_the_same_list_reads_the_counts_from_the_cache(
    client, board, django_assert_num_queries
):
    client.get("/en/?risk=extreme")
    # The page's rows and their other locations; no counting.
    with django_assert_num_queries(2):
        response = client.get("/en/?risk=extreme")
    assert re.search(r'<option value="extreme" selected>Extreme risk \(3\)</option>', response.text)


def test_a_search_asked_again_reads_its_page_from_the_cache(
    client, board, django_assert_num_queries
):
    first = client.get("/en/?q=security")
    with django_assert_num_queries(2):
        again = client.get("/en/?q=security")
    assert again.text == first.text


def test_a_cached_search_never_lists_a_vacancy_taken_off_the_site(client, board):
    assert "260885" in client.get("/en/?q=security").text
    # Archived behind Django's back: no signal, so the cached page still names it.
    Vacancy.objects.filter(reference="260885").update(status=Vacancy.Status.ARCHIVED)

    assert 'href="/en/vacancies/260885/"' not in client.get("/en/?q=security").text


def test_a_published_vacancy_is_counted_at_once(client, board):
    before = open_count(client.get("/en/").text)
    vacancy = board["260280"]
    vacancy.deadline = timezone.now() + timedelta(days=10)
    vacancy.save()

    assert open_count(client.get("/en/").text) == before + 1


def test_an_archived_vacancy_leaves_the_counts_at_once(client, board):
    before = open_count(client.get("/en/?risk=extreme").text)
    vacancy = board["260885"]
    vacancy.archive()
    vacancy.save()

    html = client.get("/en/?risk=extreme").text
    assert open_count(html) == before - 1
    assert f"Extreme risk ({before - 1})" in html


def test_a_deleted_vacancy_leaves_the_counts_at_once(client, board):
    before = open_count(client.get("/en/").text)
    board["260885"].delete()

    assert open_count(client.get("/en/").text) == before - 1


def test_a_new_other_location_is_counted_at_once(client, board):
    luxembourg = Location.objects.get(country="Luxembourg")
    client.get("/en/?other_locations=on")
    board["260885"].other_locations.add(luxembourg)

    html = client.get("/en/?other_locations=on").text
    assert re.search(rf'<option value="{luxembourg.pk}">[^<]*Luxembourg \(1\)</option>', html)


def test_a_renamed_location_shows_its_new_name_at_once(client, board):
    client.get("/fr/")
    brussels = Location.objects.get(city="Brussels")
    brussels.city_fr = "Bruxelles-Capitale"
    brussels.save()

    assert "Bruxelles-Capitale, Belgique (1)" in client.get("/fr/").text


def test_counts_follow_the_clock_when_a_deadline_passes(board):
    now = timezone.now()
    soonest = board["260885"].deadline  # the first to close, a day from now

    assert counts_for(now=now).total == 4
    assert counts_for(now=soonest - timedelta(seconds=1)).total == 4
    assert counts_for(now=soonest + timedelta(seconds=1)).total == 3
    assert counts_for(now=soonest + timedelta(seconds=1)).count("deadline", "closed") == 2


def test_counts_follow_the_clock_when_a_deadline_comes_within_the_week(board):
    now = timezone.now()
    vacancy = board["260280"]
    vacancy.deadline = now + timedelta(days=7, hours=12)  # in the week from twelve hours on
    vacancy.save()

    def closing_within_the_week(at):
        return counts_for(now=at).count("deadline", "week")

    assert closing_within_the_week(now) == 4
    assert closing_within_the_week(now + timedelta(hours=12, seconds=-1)) == 4
    assert closing_within_the_week(now + timedelta(hours=12, seconds=1)) == 5


def test_counts_within_the_same_moments_come_from_the_cache(board, django_assert_num_queries):
    now = timezone.now()
    counts_for(now=now)
    with django_assert_num_queries(0):
        later = counts_for(now=now + timedelta(hours=1))
    assert later.total == 4


@override_settings(FACET_CACHE_SECONDS=0)
def test_the_cache_can_be_turned_off(board, django_assert_num_queries):
    counts_for()
    with django_assert_num_queries(1):
        counts_for()


@pytest.mark.skipif(
    not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set: no Redis to use"
)
def test_counts_are_kept_in_the_shared_redis_cache(client, board, django_assert_num_queries):
    import redis

    client.get("/en/")
    with django_assert_num_queries(2):  # the page's rows and their other locations
        client.get("/en/")
    server = redis.Redis.from_url(os.environ["TEST_REDIS_URL"])
    assert server.keys("*vacancies:counts:*")
    assert server.keys("*vacancies:board-version")

    vacancy = board["260885"]
    vacancy.archive()
    vacancy.save()
    assert open_count(client.get("/en/").text) == 3


def test_without_a_reachable_cache_the_list_is_still_counted(client, board, caplog):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    with override_settings(CACHES=unreachable):
        vacancy = board["260885"]
        vacancy.archive()
        vacancy.save()  # saving does not fail either
        response = client.get("/en/?risk=extreme")

    assert response.status_code == 200
    assert open_count(response.text) == 2
    assert "The cache could not be told of a change; counting in the database" in caplog.text


def test_a_cache_server_that_does_not_answer_does_not_hold_the_page_up(client, board):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections, never replies
    host, port = silent.getsockname()
    with (
        silent,
        override_settings(
            CACHES={
                "default": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": f"redis://{host}:{port}/0",
                    "OPTIONS": settings.REDIS_CACHE_OPTIONS,
                }
            }
        ),
    ):
        started = time.monotonic()
        response = client.get("/en/")
        waited = time.monotonic() - started

    assert response.status_code == 200
    assert open_count(response.text) == 4
    assert waited < 5


def _silent_cache_server():
    """A socket that accepts connections and never replies, and a cache setting for it."""
    silent = socket.create_server(("127.0.0.1", 0))
    host, port = silent.getsockname()
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{host}:{port}/0",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    return silent, caches


def test_after_a_cache_failure_the_cache_is_left_alone_for_a_while(client, board, caplog):
    silent, caches = _silent_cache_server()
    with silent, override_settings(CACHES=caches):
        started = time.monotonic()
        client.get("/en/")
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(5):
            assert open_count(client.get("/en/").text) == 4
        next_five = time.monotonic() - started
    assert first >= 0.4  # waited for the silent cache once
    assert next_five < first  # then counted at once, without asking it
    assert caplog.text.count("counting in the database for the next 30 s") == 1


def test_the_cache_is_asked_again_after_the_pause_and_saves_made_meanwhile_show(
    client, board, caplog, monkeypatch
):
    client.get("/en/")  # counted and cached
    counting_cache.pause.failed("read", ConnectionError("refused"))
    vacancy = board["260885"]
    vacancy.archive()
    vacancy.save()  # the cache is not told: it is paused
    monkeypatch.setattr(counting_cache, "CACHE_PAUSE_SECONDS", 0)
    counting_cache.pause.failed("read", ConnectionError("refused"))  # a pause that ends now
    assert open_count(client.get("/en/").text) == 3
    assert "The cache answers again" in caplog.text


def test_counts_made_on_a_replica_are_kept_only_once_it_must_have_the_last_change(
    monkeypatch, settings
):
    """A replica may be up to REPLICA_MAX_LAG_SECONDS behind: counts it gives just after a
    change may predate it, so they are not kept until the change is that old."""
    settings.REPLICA_MAX_LAG_SECONDS = 10
    monkeypatch.setattr(counting_cache, "reading_from_replica", lambda: True)
    counted = []

    def count():
        counted.append(1)
        return {"total": 4}, None

    def counts_now():
        return counting_cache.cached_counts(key_parts=("x",), now=timezone.now(), count=count)

    counting_cache.forget_counts()  # a change, just now
    counts_now(), counts_now()
    assert len(counted) == 2  # counted each time: not kept
    later = time.time() + 11
    monkeypatch.setattr(counting_cache.time, "time", lambda: later)
    counts_now(), counts_now()
    assert len(counted) == 3  # the change is older than the lag: kept
