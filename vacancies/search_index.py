"""A candidate's search answered from the board in memory (vacancies/board_index.py): the
vacancies it matches, as a set of bits the list's counts are made from
(vacancies/facet_index.py), and its page.

The search is understood as in the database (vacancies/search.py): PostgreSQL normalises
the words typed into one query per language, in one statement; the query is evaluated over
the sets of its words (vacancies/word_sets.py), the places named over the board's places,
a reference's start by its index. The same condition as ``CandidateSearch.condition``, in
sets. A query the sets cannot answer (a phrase) leaves the search to the database.

The page: the best matches first (``CandidateSearch.ranking``: at the place named, the
words in the title in the page's language, in the other one), then by closing date. The
ranks are sets, and so is each closing day: whole ranks and days before the page are
skipped by counting, and only the vacancies of those that reach it are read, in the list's
closing order, from the database, then put in rank order. In the other orders (newest,
grade), every match can be on the page: few are ordered by the database by key, many are
found walking the whole board in that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from django.contrib.postgres.search import SearchQuery
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql import Query as SQLQuery

from .board_index import BoardIndex
from .filters import ORDERINGS, Sort, VacancyFilter
from .models import SEARCH_CONFIGS, Vacancy
from .search import CandidateSearch, reference_typed, text_query
from .word_sets import Query, evaluated, parsed_query, words_of

LANGUAGES = tuple(SEARCH_CONFIGS)  # the languages searched, each with its vectors


@dataclass(frozen=True)
class _Normalised:
    """A text query as PostgreSQL normalised it: its words' query, or None when it has
    none left (only words the language passes over)."""

    query: Query | None


@dataclass
class SearchedSets:
    """A search's matches on the board, and what ranks them."""

    matches: int
    at_places: int  # matches at every place named (CandidateSearch.ranking's place_match)
    title_here: int  # the words in the title, in the page's language
    title_there: int  # … in the other language


def searched_in_memory(
    search: CandidateSearch, board: BoardIndex, connection: BaseDatabaseWrapper
) -> SearchedSets | None:
    """The sets of ``search``; None when they cannot be made here (a phrase)."""
    asked = _texts_asked(search)
    normalised = _normalised(asked, connection)
    if normalised is None:
        return None
    sets = _Sets(board, connection)

    def matching(text: str) -> int:
        """CandidateSearch's _matching: either language's words, or nothing to match."""
        found = 0
        for language in LANGUAGES:
            query = normalised[(language, text)].query
            if query is None:
                return board.everything
            found |= sets.of(f"search_{language}", query)
        return found

    def located_at(locations: frozenset[int]) -> int:
        return board.duty_stations.union(locations) | board.other_locations.union(locations)

    # CandidateSearch.condition, where None is an empty Q(): combining with it gives the
    # other side (as Django's Q does), and filtering by it lets everything through.
    condition: int | None = None

    def both(left: int | None, right: int) -> int:
        return right if left is None else left & right

    def either(left: int | None, right: int) -> int:
        return right if left is None else left | right

    if search.text:
        condition = both(condition, matching(search.text))
    for place in search.places:
        condition = both(condition, located_at(place.locations) | matching(place.typed))
    for place in search.places_left_out:
        condition = both(condition, board.everything & ~located_at(place.locations))
    if search.places_offered:
        condition = either(condition, located_at(search.places_offered))
    digits = reference_typed(search.typed)
    if digits is not None:
        references = Vacancy.objects.using(connection.alias).filter(reference__startswith=digits)
        condition = either(condition, board.bits_of(references.values_list("pk", flat=True)))
    matches = board.everything if condition is None else condition & board.everything

    at_places = 0
    if search.places:
        at_places = board.everything
        for place in search.places:
            at_places &= board.duty_stations.union(place.locations)

    def in_title(language: str) -> int:
        query = normalised[(language, search.title_words)].query
        return 0 if query is None else sets.of(f"title_search_{language}", query)

    return SearchedSets(
        matches=matches,
        at_places=at_places & matches,
        title_here=in_title(search.language) & matches,
        title_there=in_title(search.other_language) & matches,
    )


def _texts_asked(search: CandidateSearch) -> dict[tuple[str, str], SearchQuery]:
    """Every text query the search's condition and ranking make, by (language, text)."""
    texts = {search.title_words}
    if search.text:
        texts.add(search.text)
    texts.update(place.typed for place in search.places)
    return {
        (language, text): text_query(text, language) for text in texts for language in LANGUAGES
    }


def _normalised(
    asked: dict[tuple[str, str], SearchQuery], connection: BaseDatabaseWrapper
) -> dict[tuple[str, str], _Normalised] | None:
    """Each query as PostgreSQL normalises it, all in one statement; None when one of them
    cannot be evaluated over the sets."""
    sql_query = SQLQuery(Vacancy)
    compiler = sql_query.get_compiler(connection=connection)
    columns, params = [], []
    for search_query in asked.values():
        sql, query_params = compiler.compile(search_query.resolve_expression(sql_query))
        columns.append(f"({sql})::text, numnode({sql})")
        params += [*query_params, *query_params]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    normalised = {}
    for number, key in enumerate(asked):
        text, nodes = row[2 * number], row[2 * number + 1]
        if not nodes:
            normalised[key] = _Normalised(None)
            continue
        query = parsed_query(text)
        if query is None:
            return None
        normalised[key] = _Normalised(query)
    return normalised


class _Sets:
    """Queries evaluated over the board's word sets."""

    def __init__(self, board: BoardIndex, connection: BaseDatabaseWrapper):
        self.board = board
        self.connection = connection

    def of(self, column: str, query: Query) -> int:
        sets = self.board.words.sets_of(
            column, words_of(query), self.connection, self.board.bits_of
        )
        return evaluated(query, sets, self.board.everything)


# ------------------------------------------------------------------------------ the page


def page_of(
    searched: SearchedSets,
    passing: int,
    board: BoardIndex,
    vacancy_filter: VacancyFilter,
    connection: BaseDatabaseWrapper,
    *,
    offset: int,
    limit: int,
) -> list[int]:
    """The keys of the page's vacancies among those ``passing`` every filter, in order."""
    published = Vacancy.objects.using(connection.alias).published()
    sort = vacancy_filter.form.cleaned_data.get("sort")
    if sort and sort != Sort.CLOSING:
        # By date published or by grade: every match can be on the page.
        ordered = published.order_by(*vacancy_filter.ordering()).values_list("pk", flat=True)
        keys = board.pks_of(passing)
        if len(keys) <= ORDERED_BY_KEY:
            return list(ordered.filter(pk__in=keys)[offset : offset + limit])
        return _walked(ordered, set(keys), start=offset, limit=limit)
    ranks = [passing] if sort else _ranks(searched, passing)
    candidates, before = _reaching_the_page(ranks, board, offset=offset, limit=limit)
    if not candidates or offset + limit <= before:
        return []
    # In closing order from the database, then by rank here: a stable sort keeps the
    # closing order within each rank.
    by_closing = published.filter(pk__in=board.pks_of(candidates)).order_by(
        *ORDERINGS[Sort.CLOSING]
    )
    reaching = [rank & candidates for rank in ranks]

    def rank_of(pk: int) -> int:
        bit = board.rows[pk].bit
        return next(number for number, rank in enumerate(reaching) if rank >> bit & 1)

    in_rank_order = sorted(by_closing.values_list("pk", flat=True), key=rank_of)
    start = offset - before
    return in_rank_order[start : start + limit]


# Up to this many vacancies that can be on the page are ordered by the database by key; more
# (a common word sorted by date published or by grade) are found walking the whole board
# in that order, which its indexes give.
ORDERED_BY_KEY = 2000


def _walked(ordered: QuerySet, keys: set[int], *, start: int, limit: int) -> list[int]:
    """The page of ``keys`` in the order of ``ordered`` (every published vacancy), read in
    growing slices until it is complete."""
    found: list[int] = []
    at, size = 0, 4 * (start + limit)
    while len(found) < start + limit:
        chunk = list(ordered[at : at + size])
        found += [pk for pk in chunk if pk in keys]
        if len(chunk) < size:
            break
        at, size = at + size, size * 4
    return found[start : start + limit]


def _ranks(searched: SearchedSets, passing: int) -> list[int]:
    """The matches by rank, best first: at the places named, then the words in the title in
    the page's language, then in the other one (True before False for each)."""
    ranks = []
    for at_place, title_here, title_there in product((True, False), repeat=3):
        rank = passing
        for bits, wanted in (
            (searched.at_places, at_place),
            (searched.title_here, title_here),
            (searched.title_there, title_there),
        ):
            rank = rank & bits if wanted else rank & ~bits
        ranks.append(rank)
    return ranks


def _reaching_the_page(
    ranks: list[int], board: BoardIndex, *, offset: int, limit: int
) -> tuple[int, int]:
    """The vacancies of the ranks and closing days that reach the page, and how many come
    before them (whole ranks and days, counted)."""
    before, candidates, taken = 0, 0, 0
    for rank in ranks:
        in_rank = rank.bit_count()
        if not in_rank:
            continue
        if not candidates and before + in_rank <= offset:
            before += in_rank
            continue
        for day in board.days_in_closing_order():
            chunk = rank & day
            if not chunk:
                continue
            in_chunk = chunk.bit_count()
            if not candidates and before + in_chunk <= offset:
                before += in_chunk
                continue
            candidates |= chunk
            taken += in_chunk
            if before + taken >= offset + limit:
                return candidates, before
    return candidates, before
