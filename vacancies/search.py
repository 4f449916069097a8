"""What a candidate's search finds, said in the ORM.

A search matches the words of a notice in either language, whatever their accents and case
(each language's text-search configuration unaccents before stemming: migration 0012); its
last word also as the start of a word, since candidates stop typing half-way; a place by
any of its names (``PlaceName`` and the names of the locations themselves), finding the
vacancies located there; and the start of a reference. The best matches name the place,
then have the words in their title.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connections, models, router
from django.db.models import BooleanField, Case, ExpressionWrapper, Q, Subquery, When
from django.db.models.lookups import Exact
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .board_index import current_board
from .counting_cache import cached_counts
from .folding import LETTERS, folded, learn_words
from .models import SEARCH_CONFIGS, Location, PlaceName, Vacancy
from .place_names import read_places

# A place's name is at most this many words long ("United States of America").
_LONGEST_PLACE_NAME = 4
# What is typed and compared: runs of letters and digits (an underscore is neither).
_WORD = re.compile(r"\w+")
# The last word of a search, typed bare (not quoted, not excluded with '-'): matched also
# as the start of a word. Three letters at least, so that 'a' does not match everything.
_LAST_WORD = re.compile(r"(?:^|\s)(\w{3,40})\s*$")
# A stem can be shorter than what candidates type of its word ('securit' is 'secur…'):
# the typed word less its last letters is tried too, down to this length.
_SHORTEST_STEM = 5
# Around the matched words of an extract; escaped text goes between them (see highlighted).
_MARK_START, _MARK_END = "\x1e", "\x1f"


PlaceNames = Mapping[str, frozenset[int]]  # a folded name -> the locations it names


def known_place_names(now: datetime) -> PlaceNames:
    """Every name a search can find a place by: from this process's board
    (vacancies/board_index.py), read again when a place changes; within a transaction,
    which may see its own writes, from the database, kept in the cache until the board
    changes."""
    alias = router.db_for_read(Vacancy)
    if connections[alias].in_atomic_block:
        return cached_counts(
            key_parts=("place names",), now=now, count=lambda: (read_places(alias)[1], None)
        )
    with current_board(alias) as board:
        return board.place_names


@dataclass(frozen=True)
class NamedPlace:
    typed: str  # the name as typed, folded: 'kiev'
    locations: frozenset[int]


class CandidateSearch:
    """One search, as typed on a page in ``language``: its condition, its ranking and the
    extract that shows why a vacancy matched."""

    def __init__(
        self, typed: str, *, language: str, place_names: PlaceNames, within: Q | None = None
    ):
        self.typed = typed
        # Vacancies the words are matched among, when few: those published since an alert's
        # last mail, say. The words are then matched in them only, not in the whole board.
        self.within = within or Q()
        self.language = language
        self.other_language = "fr" if language == "en" else "en"
        self.text, self.places, self.places_left_out = _places_taken_out(typed, place_names)
        # A choice ('Kiev or Brussels', 'security or Kiev'): the words as written, or any
        # place named.
        self.places_offered = _places_offered(typed, place_names)

    # ---------------------------------------------------------------- what it matches

    @cached_property
    def condition(self) -> Q:
        """Vacancies with every word (places: located there, or naming them), or whose
        reference starts with the one typed."""
        condition = Q()
        if self.text:
            condition &= _matching(self.text, self.within)
        for place in self.places:
            condition &= located_at(place.locations) | _matching(place.typed, self.within)
        for place in self.places_left_out:
            condition &= ~located_at(place.locations)
        if self.places_offered:
            condition |= located_at(self.places_offered)
        digits = reference_typed(self.typed)
        if digits is not None:
            condition |= Q(reference__startswith=digits)
        return condition

    @cached_property
    def ranking(self) -> dict[str, models.Expression]:
        """Columns that put the best matches first: posts whose duty station is the place
        named (when one is), then with the words in the title in the page's language, then
        in the other one's."""
        ranking: dict[str, models.Expression] = {}
        if self.places:
            # A post without a duty station is not at the place (false, not unknown: an
            # unknown would come first in a descending order).
            stationed = Q(primary_location__isnull=False)
            for place in self.places:
                stationed &= Q(primary_location__in=place.locations)
            ranking["place_match"] = ExpressionWrapper(stationed, output_field=BooleanField())
        for column, language in (
            ("title_match", self.language),
            ("other_title_match", self.other_language),
        ):
            ranking[column] = ExpressionWrapper(
                _title_matching(self.title_words, language), output_field=BooleanField()
            )
        return ranking

    @property
    def title_words(self) -> str:
        """What is looked for in the titles: the words, or else the places named."""
        return self.text or " ".join(place.typed for place in self.places)

    def extract(self) -> Case:
        """A few words of the notice around those searched for, marked (see highlighted): in
        the language its card shows, the page's where the notice has it."""
        here, there = self.language, self.other_language
        return Case(
            When(**{f"title_{here}": ""}, then=_headline(self.title_words, there)),
            default=_headline(self.title_words, here),
        )


def _places_taken_out(
    typed: str, place_names: PlaceNames
) -> tuple[str, tuple[NamedPlace, ...], tuple[NamedPlace, ...]]:
    """The words of ``typed`` that are not place names, the places named (longest names
    first: 'logistics Den Haag' gives 'logistics' and The Hague) and the places excluded
    ('-Kiev'). A search that quotes or offers a choice ('Kiev or Brussels') means its
    words as written."""
    words = typed.split()
    if '"' in typed or any(word.casefold() == "or" for word in words):
        return typed, (), ()
    places: list[NamedPlace] = []
    left_out: list[NamedPlace] = []
    kept: list[str] = []
    start = 0
    while start < len(words):
        if words[start].startswith("-"):
            locations = place_names.get(folded(words[start]))
            if locations:
                left_out.append(NamedPlace(typed=folded(words[start]), locations=locations))
            else:
                kept.append(words[start])
            start += 1
            continue
        for length in range(min(_LONGEST_PLACE_NAME, len(words) - start), 0, -1):
            name = " ".join(words[start : start + length])
            locations = place_names.get(folded(name))
            if locations and not any(
                word.startswith("-") for word in words[start : start + length]
            ):
                places.append(NamedPlace(typed=folded(name), locations=locations))
                start += length
                break
        else:
            kept.append(words[start])
            start += 1
    return " ".join(kept), tuple(places), tuple(left_out)


def _places_offered(typed: str, place_names: PlaceNames) -> frozenset[int]:
    """The locations of the places named in a search that offers a choice ('or')."""
    words = typed.split()
    if '"' in typed or not any(word.casefold() == "or" for word in words):
        return frozenset()
    return frozenset().union(*(place_names.get(folded(word), ()) for word in words))


def text_query(text: str, language: str) -> SearchQuery:
    """``text`` as websearch reads it ("quoted phrase", or, -excluded), in ``language``'s
    configuration, with its last bare word also matched as the start of a word."""
    config = SEARCH_CONFIGS[language]
    last = _LAST_WORD.search(text)
    if last is None or text.count('"') % 2:
        return SearchQuery(text, config=config, search_type="websearch")
    word = last[1]
    # Only letters and digits go between the quotes: nothing typed is read as an operator.
    starts = [f"'{word}':*"]
    starts += [f"'{word[:end]}'" for end in (-1, -2) if len(word) + end >= _SHORTEST_STEM]
    as_start = SearchQuery(" | ".join(starts), config=config, search_type="raw")
    head = text[: last.start(1)].rstrip()
    if not _WORD.search(head):
        return as_start
    if head.casefold().endswith(" or"):
        before = SearchQuery(head[:-3], config=config, search_type="websearch")
        return before | as_start
    return SearchQuery(head, config=config, search_type="websearch") & as_start


def located_at(locations: Iterable[int] | models.QuerySet[Location]) -> Q:
    """Vacancies whose duty station or another of whose locations is one of ``locations``
    (keys, or a query of locations). Not correlated: PostgreSQL looks the links up once,
    then checks each post against that set; no join, so no DISTINCT either."""
    links = Vacancy.other_locations.through.objects.filter(location__in=locations)
    return Q(primary_location__in=locations) | Q(pk__in=links.values("vacancy_id"))


class _PlannedApart(Subquery):
    """A subquery PostgreSQL plans on its own: OFFSET 0 keeps it from being merged into the
    query around it (PostgreSQL 18 merges a table's subquery on its own key), where the
    vectors would be read row by row instead of found through their GIN indexes."""

    template = "(%(subquery)s OFFSET 0)"


def _matching(text: str, within: Q) -> Q:
    """Notices with ``text`` in either language, found through the GIN indexes: a subquery
    of its own, so that no other condition makes the planner read the vectors (see
    facets.search_uses_the_index)."""
    either_language = Q()
    for language in SEARCH_CONFIGS:
        query = text_query(text, language)
        either_language |= Q(**{f"search_{language}": query})
        # Words that either language passes over ('in Kiev', 'le poste') leave nothing to
        # match, which matches no notice: then they ask for nothing. PostgreSQL works this
        # out once, from the constant query, before reading any row.
        nodes = models.Func(query, function="numnode", output_field=models.IntegerField())
        nothing_to_match = Exact(nodes, 0)
        either_language |= Q(nothing_to_match)
    matches = Vacancy.objects.filter(within, either_language).order_by().values("pk")
    return Q(pk__in=_PlannedApart(matches))


def _title_matching(text: str, language: str) -> Q:
    return Q(**{f"title_search_{language}": text_query(text, language)})


# Extracts are taken from the start of a notice (its summary): reading a whole notice to
# mark its words costs about 2 ms, its first 3,000 characters 0.5 ms, its first 1,500 about
# 0.2, and a page shows twenty (docs/performance.md).
EXTRACT_FROM_FIRST = 1500  # characters


class _SectionsStart(models.Func):
    """The start of a notice's sections in one language, as one text."""

    # Without the two signs that mark the matched words (_MARK_START, _MARK_END).
    template = (
        "translate(left((SELECT string_agg(concat_ws(' ', section->>'heading',"
        " section->>'text'), ' ') FROM jsonb_array_elements(%(expressions)s) AS section),"
        f" {EXTRACT_FROM_FIRST}), chr(30) || chr(31), '')"
    )
    output_field = models.TextField()


def _headline(words: str, language: str) -> SearchHeadline:
    return SearchHeadline(
        _SectionsStart(f"sections_{language}"),
        text_query(words, language),
        config=SEARCH_CONFIGS[language],
        start_sel=_MARK_START,
        stop_sel=_MARK_END,
        max_words=24,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


# The light Markdown of notices, which an extract shows as plain words: bold and italic
# marks, and links by their words.
_MARKDOWN = re.compile(r"\*\*|__|\[([^\]\n]{0,300})\]\([^)\s]{0,2000}\)")


def highlighted(extract: str) -> SafeString:
    """An extract as HTML: its text escaped, the matched words in <mark>."""
    if _MARK_START not in extract:
        return SafeString("")  # nothing matched in this language: no extract says why
    plain = _MARKDOWN.sub(lambda link: link[1] or "", extract)
    pieces = []
    for number, piece in enumerate(re.split(f"[{_MARK_START}{_MARK_END}]", plain)):
        pieces.append(f"<mark>{escape(piece)}</mark>" if number % 2 else escape(piece))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece escaped)


# A search that is a reference as candidates copy it: '260280', 'IS 260280', '#260280',
# 'ref. 2602' (a prefix of letters, then digits; at least two of them, so a stray digit
# is a word).
_REFERENCE_TYPED = re.compile(r"#?\s?(?:[A-Za-z]{1,6}\.?[\s#-]{0,3})?(\d{2,8})")


def reference_typed(search: str) -> str | None:
    """The digits of a reference, when ``search`` is one (or the start of one)."""
    match = _REFERENCE_TYPED.fullmatch(search.strip())
    return match[1] if match else None


# ------------------------------------------------------------------------ "Did you mean"

# How alike a typed word and a known one must be to offer the known one (difflib's ratio:
# 'securty' and 'security' are 0.93 alike, 'logistcs' and 'logistics' 0.94).
_ALIKE = 0.75
# Each unknown word is compared with every known one: a search of many words corrects its
# first few only, so that no search costs more than a few milliseconds of this.
_WORDS_CORRECTED = 4

KnownWords = Mapping[str, str]  # a folded word -> as titles and places write it, lower case


def known_words(now: datetime) -> KnownWords:
    """The words of the published vacancies' titles and of every place's names, three
    letters or more: what a search with no result is corrected to. The titles' words come
    from this process's board (vacancies/board_index.py); within a transaction, which may
    see its own writes, from the database, kept in the cache until the board changes."""
    alias = router.db_for_read(Vacancy)
    if connections[alias].in_atomic_block:
        return cached_counts(
            key_parts=("known words",), now=now, count=lambda: (_known_words(), None)
        )
    with current_board(alias) as board:
        known = dict(board.title_words)
    learn_words(_place_texts(), known)
    return known


def _known_words() -> dict[str, str]:
    titles = Vacancy.objects.published().order_by().values_list("title_en", "title_fr").distinct()
    known: dict[str, str] = {}
    learn_words((text for pair in titles for text in pair), known)
    learn_words(_place_texts(), known)
    return known


def _place_texts() -> list[str]:
    places = Location.objects.values_list("city", "country", "city_fr", "country_fr")
    texts = [name for place in places for name in place]
    texts += PlaceName.objects.values_list("name", flat=True)
    return texts


def corrected(typed: str, known: KnownWords) -> str | None:
    """``typed`` with its first unknown words replaced by the known words most like them,
    everything else as typed ('securty -Kiev' gives 'security -Kiev'); None when no word
    was replaced."""
    candidates = list(known)
    tried = 0

    def better(word: re.Match[str]) -> str:
        nonlocal tried
        key = folded(word[0])
        if len(key) < 3 or key in known or key.isdigit() or tried >= _WORDS_CORRECTED:
            return word[0]
        tried += 1
        closest = difflib.get_close_matches(key, candidates, n=1, cutoff=_ALIKE)
        return known[closest[0]] if closest else word[0]

    suggestion = LETTERS.sub(better, typed)
    return suggestion if suggestion != typed else None
