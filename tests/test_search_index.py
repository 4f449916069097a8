"""A search answered from each process's memory finds, counts and orders what the database
finds, counts and orders, whatever is typed, and after any change to the board."""

from datetime import timedelta

import pytest
from counted import comparable, list_filter
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vacancies import board_index, facet_index
from vacancies.facets import _count_in_database
from vacancies.models import Location, PlaceName, Vacancy
from vacancies.search import _known_words, known_words
from vacancies.word_sets import And, Not, Or, Word, WordSets, parsed_query

pytestmark = pytest.mark.django_db(transaction=True)


def both_ways(query: str, *, language: str = "en", offset: int = 0, now=None):
    """(what memory finds, what the database finds): counts and the page."""
    vacancy_filter = list_filter(query, language=language, now=now)
    in_memory = facet_index.counted_in_memory(vacancy_filter, offset=offset, limit=20)
    assert in_memory is not None, f"{query!r} was counted in the database, not in memory"
    in_database = _count_in_database(vacancy_filter, offset=offset, limit=20)
    return comparable(*in_memory), comparable(*in_database)


SEARCHES = [
    ("q=security", "en"),
    ("q=s%C3%A9curit%C3%A9", "fr"),
    ("q=securite", "fr"),
    ("q=SECURITY", "en"),
    ("q=logist", "en"),
    ("q=logistics&grade=17", "en"),
    ("q=logistics officer", "en"),
    ("q=logistics -officer", "en"),
    ("q=logistics or finance", "en"),
    ("q=Kiev", "en"),
    ("q=Kyiv", "fr"),
    ("q=logistics Kiev", "en"),
    ("q=security -Kiev", "en"),
    ("q=Kiev or Brussels", "en"),
    ("q=Brussels&other_locations=on&country=Belgium", "en"),
    ("q=9000", "en"),
    ("q=the", "en"),
    ("q=le poste", "fr"),
    ("q=xqzv", "en"),
    ("q=-security", "en"),
    ("q=security&deadline=all", "en"),
    ("q=security&deadline=closed&risk=extreme", "en"),
    ("q=security&sort=closing", "en"),
    ("q=security&sort=recent", "en"),
    ("q=security&sort=grade_desc", "fr"),
    ("q=security&sort=grade_asc", "en"),
    ("q=officer&organisation=NATO International Staff (NATO IS)", "en"),
    ("q=(security", "en"),
    ("q=a:*", "en"),
    ("q=!!security", "en"),
]


@pytest.mark.parametrize(("query", "language"), SEARCHES)
def test_a_search_from_memory_finds_counts_and_orders_as_the_database(
    generated_board, query, language
):
    in_memory, in_database = both_ways(query, language=language)
    assert in_memory == in_database


@pytest.mark.parametrize("offset", [20, 40, 100, 360, 10_000])
def test_later_pages_are_the_databases(generated_board, offset):
    for query in ("q=security", "q=officer&sort=recent", "q=Kiev or Brussels&sort=closing"):
        in_memory, in_database = both_ways(query, offset=offset)
        assert in_memory == in_database, (query, offset)


def test_a_search_page_from_memory_runs_a_few_small_queries(
    generated_board, client, django_assert_max_num_queries
):
    client.get("/en/?q=security officer&grade=15")  # the board and the words are read
    cache.clear()
    # Catching up with the log (twice: the places, then the counts), the words typed as
    # PostgreSQL reads them, the page's vacancies in closing order, their rows with their
    # extracts, their other locations, and when time alone next changes the page (how long
    # it may be kept rendered).
    with django_assert_max_num_queries(7) as made:
        response = client.get("/en/?q=security officer&grade=15")
    assert response.status_code == 200
    assert not any("@@" in query["sql"] for query in made.captured_queries[:4])


def test_a_phrase_is_searched_in_the_database(generated_board):
    for query in ('q="logistics officer"', "q=full-time", "q=securit'y"):
        assert facet_index.counted_in_memory(list_filter(query), offset=0, limit=20) is None


def place_names() -> list[str]:
    names = []
    for city, country, city_fr in Location.objects.values_list("city", "country", "city_fr"):
        names += [city, country, city_fr]
    return names


def title_words() -> list[str]:
    return sorted({word for title in Vacancy.objects.values_list("title_en", flat=True)
                   for word in title.split()})  # fmt: skip


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_anything_typed_is_found_counted_and_ordered_as_by_the_database(generated_board, data):
    choose = data.draw
    word = st.one_of(
        st.sampled_from(title_words() + place_names()),
        st.sampled_from(["security", "sécurité", "logist", "the", "or", "9000", "Kiev", "é"]),
        st.text(alphabet="abcdeiloqrstuy'-!:*()&| ", min_size=1, max_size=8),
    )
    words = choose(
        st.lists(st.tuples(st.sampled_from(["", "-", ""]), word), min_size=1, max_size=4)
    )
    typed = " ".join(sign + text for sign, text in words)
    query = QueryDict(mutable=True)
    query["q"] = typed
    if choose(st.booleans()):
        query["grade"] = choose(st.integers(1, 25))
    if choose(st.booleans()):
        query["deadline"] = choose(st.sampled_from(["open", "week", "closed", "all"]))
    if choose(st.booleans()):
        query["country"] = choose(st.sampled_from(place_names()))
        query["other_locations"] = choose(st.sampled_from(["", "on"]))
    if choose(st.booleans()):
        query["sort"] = choose(st.sampled_from(["closing", "recent", "grade_desc", "grade_asc"]))
    language = choose(st.sampled_from(["en", "fr"]))
    offset = choose(st.sampled_from([0, 0, 20, 60]))
    later = timedelta(hours=choose(st.integers(0, 24 * 10)))
    vacancy_filter = list_filter(query.urlencode(), language=language, now=timezone.now() + later)
    in_memory = facet_index.counted_in_memory(vacancy_filter, offset=offset, limit=20)
    if in_memory is None:
        assert is_a_phrase(typed)  # only a phrase is left to the database
        return
    in_database = _count_in_database(vacancy_filter, offset=offset, limit=20)
    assert comparable(*in_memory) == comparable(*in_database), query.urlencode()


def is_a_phrase(typed: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery('english_unaccent', %s)::text,"
            " websearch_to_tsquery('french_unaccent', %s)::text",
            [typed, typed],
        )
        return any("<" in text for text in cursor.fetchone())


def a_published(**conditions) -> Vacancy:
    return Vacancy.objects.published().filter(**conditions).order_by("pk").first()


def test_words_kept_from_earlier_searches_follow_every_change(generated_board):
    searches = ["q=logistics", "q=logist", "q=zanzibarian", "q=security officer"]
    for query in searches:  # the words' sets are read, and kept
        both_ways(query)
    assert len(board_index._boards[connection.alias].words) >= 4
    renamed = a_published(title_en__icontains="logistics")
    renamed.title_en = "Zanzibarian liaison"
    renamed.save()
    gained = a_published(title_en__icontains="finance")
    gained.sections_en = [{"heading": "Summary", "text": "Logistics for zanzibarian posts."}]
    gained.save()
    archived = a_published(title_en__icontains="security")
    archived.status = Vacancy.Status.ARCHIVED
    archived.save()
    updated = a_published(title_en__icontains="officer")
    Vacancy.objects.filter(pk=updated.pk).update(
        title_en="Zanzibarian officer"
    )  # not through Django: seen through the database's log all the same
    for query in searches:
        in_memory, in_database = both_ways(query)
        assert in_memory == in_database, query
    found = both_ways("q=zanzibarian&deadline=all")[0]["page"]
    assert set(found) == {renamed.pk, gained.pk, updated.pk}


def test_a_drafts_words_are_not_found_until_it_is_published(generated_board):
    both_ways("q=quokka&deadline=all")
    draft = Vacancy.objects.exclude(status=Vacancy.Status.PUBLISHED).first()
    draft.title_en = "Quokka keeper"
    draft.save()
    assert both_ways("q=quokka&deadline=all")[0]["total"] == 0
    draft.status = Vacancy.Status.PUBLISHED
    draft.save()
    in_memory, in_database = both_ways("q=quokka&deadline=all")
    assert in_memory == in_database
    assert in_memory["page"] == [draft.pk]


def test_the_words_kept_stay_within_their_memory(generated_board):
    board = board_index.BoardIndex()
    board.catch_up(connection)
    board.words = WordSets(limit_bytes=200)
    for lexeme in ("secur", "logist", "offic", "financ", "polici"):
        board.words.sets_of("search_en", [Word(lexeme)], connection, board.bits_of)
    assert len(board.words) < 5
    assert board.words.sets_of("search_en", [Word("secur")], connection, board.bits_of)


def test_typing_errors_are_corrected_with_the_words_of_the_board(generated_board):
    from_memory, from_database = known_words(timezone.now()), _known_words()
    assert set(from_memory) == set(from_database)
    retitled = a_published()
    retitled.title_en = "Quartermaster general"
    retitled.save()
    assert "quartermaster" in known_words(timezone.now())


def test_a_place_renamed_or_named_anew_is_found_at_once(generated_board):
    both_ways("q=Kiev")  # the board and its places are read
    kyiv = Location.objects.get(city="Kyiv")
    PlaceName.objects.create(place="Kyiv", name="Kyjiw")
    in_memory, in_database = both_ways("q=Kyjiw")
    assert in_memory == in_database
    assert in_memory["total"] > 0
    Location.objects.filter(pk=kyiv.pk).update(city="Kyyiv")  # not through Django
    in_memory, in_database = both_ways("q=Kyyiv")
    assert in_memory == in_database
    assert in_memory["total"] > 0
    assert (
        both_ways("country=Ukraine&other_locations=on")[0]["places"]
        == (both_ways("country=Ukraine&other_locations=on")[1]["places"])
    )


class TestReadingPostgresQueries:
    def test_words_and_starts_of_words(self):
        assert parsed_query("'secur':* & !'logist'") == And(
            (Word("secur", prefix=True), Not(Word("logist")))
        )

    def test_or_binds_less_than_and(self):
        assert parsed_query("'a' & 'b' | 'c'") == Or((And((Word("a"), Word("b"))), Word("c")))
        assert parsed_query("'a' & ( 'b' | 'c' )") == And((Word("a"), Or((Word("b"), Word("c")))))

    def test_quotes_and_backslashes_inside_a_word(self):
        assert parsed_query(r"'it''s' | 'a\\b'") == Or((Word("it's"), Word("a\\b")))

    @pytest.mark.parametrize(
        "text", ["'a' <-> 'b'", "'a' <2> 'b'", "'a':B", "'a':*A", "'a' &", "( 'a'", "'a"]
    )
    def test_phrases_weights_and_broken_text_are_not_evaluated(self, text):
        assert parsed_query(text) is None

    def test_a_word_written_back_reads_the_same(self):
        for word in (Word("it's"), Word("a\\b", prefix=True)):
            assert parsed_query(word.as_query()) == word
