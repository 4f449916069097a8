"""The list's counts from each process's memory are the database's counts, after any change
made in any way, by this process or another."""

from datetime import date, timedelta

import psycopg
import pytest
from counted import comparable, list_filter
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vacancies import board_index, facet_index
from vacancies.facets import _count_in_database
from vacancies.filters import FACET_PARAMETERS, VacancyFilter
from vacancies.models import Location, Vacancy

pytestmark = pytest.mark.django_db(transaction=True)


def both_ways(query: str = "", *, language: str = "en", now=None):
    """(counts from memory, counts from the database) for the list's query string."""
    vacancy_filter = list_filter(query, language=language, now=now)
    in_memory = facet_index.counted_in_memory(vacancy_filter, offset=0, limit=20)
    assert in_memory is not None, "counted in the database, not in memory"
    in_database = _count_in_database(vacancy_filter, offset=0, limit=20)
    return comparable(*in_memory), comparable(*in_database)


def place_names():
    names = []
    for city, country, country_fr in Location.objects.values_list("city", "country", "country_fr"):
        names += [country, country.upper(), country_fr, city]
    return names


QUERIES = [
    "",
    "grade=15",
    "grade_min=10&grade_max=18",
    "grade_max=7",
    "country=Belgium",
    "country=belgique",
    "country=Ukraine&other_locations=on",
    "risk=extreme",
    "risk=none",
    "risk=high&grade=12",
    "deadline=week",
    "deadline=closed",
    "deadline=all",
    "deadline=all&country=Ukraine&other_locations=on&risk=extreme",
    "clearance=NS",
    "clearance=CTS&deadline=closed",
    "organisation=NATO International Staff (NATO IS)",
    "sort=recent",
    "grade=XYZ&deadline_before=nope",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_counts_from_memory_are_the_databases(generated_board, query, language):
    in_memory, in_database = both_ways(query, language=language)
    assert in_memory == in_database


def test_closing_before_a_day_counts_that_whole_day(generated_board):
    for days in (-30, 0, 1, 7, 45):
        day = (timezone.localdate() + timedelta(days=days)).isoformat()
        in_memory, in_database = both_ways(f"deadline_before={day}&deadline=all")
        assert in_memory == in_database, day


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_choice_of_filters_counts_the_same_in_memory(generated_board, data):
    choose = data.draw
    query = {}
    if choose(st.booleans()):
        query["grade_min"] = choose(st.integers(1, 30))
    if choose(st.booleans()):
        query["grade_max"] = choose(st.integers(1, 30))
    if choose(st.booleans()):
        query["country"] = choose(st.sampled_from(place_names()))
    if choose(st.booleans()):
        query["location"] = choose(
            st.sampled_from(list(Location.objects.values_list("pk", flat=True)))
        )
    if choose(st.booleans()):
        query["other_locations"] = "on"
    if choose(st.booleans()):
        query["risk"] = choose(st.sampled_from(["extreme", "high", "none"]))
    query["deadline"] = choose(st.sampled_from(["open", "week", "closed", "all"]))
    if choose(st.booleans()):
        day = date.today() + timedelta(days=choose(st.integers(-150, 150)))
        query["deadline_before"] = day.isoformat()
    if choose(st.booleans()):
        query["clearance"] = choose(st.sampled_from(["NS", "CTS", "NU", "ns", "XX"]))
    if choose(st.booleans()):
        names = list(Vacancy.objects.values_list("organisation_en", "organisation_fr").distinct())
        query["organisation"] = choose(st.sampled_from([n for pair in names for n in pair] + ["?"]))
    later = timedelta(minutes=choose(st.integers(0, 60 * 24 * 10)))
    encoded = "&".join(f"{name}={value}" for name, value in query.items())
    in_memory, in_database = both_ways(
        encoded.replace("+", "%2B"),
        language=choose(st.sampled_from(["en", "fr"])),
        now=timezone.now() + later,
    )
    assert in_memory == in_database, query


# ------------------------------------------------------ kept current, however it changes


def first_published(**filters):
    return Vacancy.objects.published().filter(**filters).order_by("pk").first()


def test_saves_through_the_site_are_counted_at_once(generated_board):
    both_ways()  # the index is read
    vacancy = first_published(deadline__gt=timezone.now())
    vacancy.status = Vacancy.Status.ARCHIVED
    vacancy.save()
    draft = Vacancy.objects.filter(status=Vacancy.Status.DRAFT).first()
    draft.publish()
    draft.risk_level = "extreme"
    draft.deadline = timezone.now() + timedelta(days=3)
    draft.save()
    in_memory, in_database = both_ways("risk=extreme")
    assert in_memory == in_database


def test_other_locations_added_and_removed_are_counted(generated_board):
    both_ways("country=Belgium&other_locations=on")
    vacancy = first_published(deadline__gt=timezone.now())
    brussels = Location.objects.get(city="Brussels")
    vacancy.other_locations.add(brussels)
    assert (
        both_ways("country=Belgium&other_locations=on")[0]
        == both_ways("country=Belgium&other_locations=on")[1]
    )
    vacancy.other_locations.clear()
    in_memory, in_database = both_ways("country=Belgium&other_locations=on")
    assert in_memory == in_database


def test_bulk_updates_and_deletes_are_counted_too(generated_board):
    """Writes that Django's signals never hear of: PostgreSQL logs them all the same."""
    both_ways()
    Vacancy.objects.filter(grade_min=15).update(grade_min=14, clearance="CTS")
    first_published().delete()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE vacancies_vacancy SET risk_level = '' WHERE risk_level = 'high'")
    for query in ("", "grade=14", "risk=none", "clearance=CTS"):
        in_memory, in_database = both_ways(query)
        assert in_memory == in_database, query


def test_a_board_emptied_at_once_is_read_again(generated_board):
    both_ways()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE vacancies_vacancy CASCADE")
    in_memory, in_database = both_ways()
    assert in_memory == in_database
    assert in_memory["total"] == 0


def test_a_change_committed_after_the_last_look_is_counted(generated_board, test_database_url):
    """Another process's transaction, begun before this process last looked and committed
    after: its change is read all the same (the log is read from the oldest transaction
    still running then)."""
    both_ways()
    vacancy = first_published(deadline__gt=timezone.now(), risk_level="")
    with psycopg.connect(test_database_url) as other:
        other.execute(
            "UPDATE vacancies_vacancy SET risk_level = 'extreme' WHERE id = %s", [vacancy.pk]
        )
        in_memory, in_database = both_ways("risk=extreme")  # not committed yet: not seen
        assert in_memory == in_database
        before = in_memory["total"]
        # Another change, begun and committed after: the process looks past it...
        with psycopg.connect(test_database_url, autocommit=True) as third:
            third.execute(
                "UPDATE vacancies_vacancy SET clearance = 'NU' WHERE id = %s",
                [first_published(pk__gt=vacancy.pk).pk],
            )
        both_ways("risk=extreme")
        other.commit()  # ...and still reads the first one, committed last
    in_memory, in_database = both_ways("risk=extreme")
    assert in_memory == in_database
    assert in_memory["total"] == before + 1


def test_a_transaction_that_has_written_counts_in_the_database(generated_board):
    with transaction.atomic():
        Vacancy.objects.filter(pk=first_published().pk).update(risk_level="extreme")
        assert facet_index.counted_in_memory(list_filter(), offset=0, limit=20) is None


def test_an_alerts_search_among_recent_vacancies_is_counted_in_the_database(generated_board):
    vacancy_filter = VacancyFilter(
        QueryDict("q=logistics"),
        queryset=Vacancy.objects.published(),
        language="en",
        search_within=Q(published_at__gte=timezone.now() - timedelta(days=7)),
    )
    vacancy_filter.is_valid()
    vacancy_filter.qs  # noqa: B018
    assert facet_index.counted_in_memory(vacancy_filter, offset=0, limit=20) is None


def test_a_server_worker_reads_the_board_before_its_first_visitor(
    generated_board, django_assert_max_num_queries
):
    board_index.read_the_board()
    with django_assert_max_num_queries(4) as made:  # what changed since: nothing
        facet_index.counted_in_memory(list_filter(), offset=0, limit=20)
    assert not any("vacancies_vacancy" in query["sql"] for query in made.captured_queries)


def test_a_database_that_does_not_answer_leaves_the_board_for_the_first_count(
    generated_board, monkeypatch, caplog
):
    def refuse(index, connection):
        raise OperationalError("the server does not answer")

    monkeypatch.setattr(board_index.BoardIndex, "catch_up", refuse)
    board_index.read_the_board()  # the worker starts all the same
    assert "could not be read before serving" in caplog.text


def test_every_facet_of_the_list_is_counted_in_memory():
    """A facet added to the list is counted in the database until the board counts it too."""
    assert set(FACET_PARAMETERS) == facet_index.COUNTED_HERE


def test_the_log_of_changes_keeps_a_day():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO vacancies_boardchange (vacancy_id, logged_at)"
            " VALUES (-2, now() - interval '25 hours'), (-3, now() - interval '23 hours')"
        )
        cursor.execute("SELECT vacancies_boardchange_prune()")
        # (Keys no vacancy has, -1 being a change of places, apart from what other tests
        # logged.)
        cursor.execute("SELECT vacancy_id FROM vacancies_boardchange WHERE vacancy_id < -1")
        assert cursor.fetchall() == [(-3,)]
