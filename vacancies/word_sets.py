"""The vacancies each searched word is found in, kept in a server process's memory beside the
board (vacancies/board_index.py) as bit sets, so that a search's matches are a few
operations on sets instead of a walk through a full-text index.

A set is kept per *word of a query as PostgreSQL normalised it*: a lexeme of one of the
vacancy's search vectors (``search_en``, ``title_search_fr``…), whole or as the start of
words (``'secur':*``). PostgreSQL reads the words typed (websearch syntax, stemming,
accents): this module only evaluates the query it gives back (``to_tsquery``'s text, parsed
by ``parsed_query``), its words' sets read from the database through their GIN index the
first time a process meets them. Every set is kept current as the board is: the vacancies
the board reads again are taken out of every set and put back into those whose word their
vectors now have. Sets not used for a while make room for others (``WORD_SETS_BYTES``).

Phrases (``"full time"``, hyphenated words, which PostgreSQL reads as phrases) need the
words' positions, which the sets do not keep: such a query is not evaluated here
(``parsed_query`` gives None) and the search is counted in the database.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from .models import SEARCH_VECTORS

# At most this much memory for the kept sets (each set takes a bit per vacancy of the
# board, 12.5 kB at 100,000): beyond it, the sets used least recently are dropped.
WORD_SETS_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Word:
    """A word of a normalised query: a lexeme, or the start of lexemes (``prefix``)."""

    lexeme: str
    prefix: bool = False

    def as_query(self) -> str:
        """The word as a tsquery's text (read by ``::tsquery`` without a configuration, so
        not normalised again)."""
        escaped = self.lexeme.replace("\\", "\\\\").replace("'", "''")
        return f"'{escaped}'" + (":*" if self.prefix else "")

    def found_in(self, lexemes: list[str]) -> bool:
        """Whether a vector with these ``lexemes`` (sorted) has this word."""
        at = bisect.bisect_left(lexemes, self.lexeme)
        if at == len(lexemes):
            return False
        return lexemes[at].startswith(self.lexeme) if self.prefix else lexemes[at] == self.lexeme


@dataclass(frozen=True)
class Not:
    operand: Query


@dataclass(frozen=True)
class And:
    operands: tuple[Query, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Query, ...]


Query = Word | Not | And | Or


class _Unsupported(Exception):
    """A query this module does not evaluate (a phrase, weights)."""


def parsed_query(text: str) -> Query | None:
    """A query from PostgreSQL's text of a tsquery (``'secur':* & !'logist'``); None for a
    phrase or weights, which the sets cannot answer."""
    try:
        tokens = _tokens(text)
        query, rest = _either(tokens)
    except _Unsupported:
        return None
    if rest:
        return None
    return query


def words_of(query: Query) -> set[Word]:
    if isinstance(query, Word):
        return {query}
    if isinstance(query, Not):
        return words_of(query.operand)
    return set().union(*(words_of(operand) for operand in query.operands))


def evaluated(query: Query, sets: dict[Word, int], everything: int) -> int:
    """The vacancies (bits) the query matches, given each of its words' sets."""
    if isinstance(query, Word):
        return sets[query]
    if isinstance(query, Not):
        return everything & ~evaluated(query.operand, sets, everything)
    results = [evaluated(operand, sets, everything) for operand in query.operands]
    combined = results[0]
    for result in results[1:]:
        combined = combined & result if isinstance(query, And) else combined | result
    return combined


# --------------------------------------------------------------- reading a query's text


def _tokens(text: str) -> list[str | Word]:
    """Operators ('&', '|', '!', '(', ')') and words; a phrase operator or a word's weights
    are refused."""
    tokens: list[str | Word] = []
    at = 0
    while at < len(text):
        sign = text[at]
        if sign.isspace():
            at += 1
        elif sign in "&|!()":
            tokens.append(sign)
            at += 1
        elif sign == "'":
            lexeme, at = _quoted(text, at + 1)
            prefix = False
            if text.startswith(":", at):
                flags_end = at + 1
                while flags_end < len(text) and text[flags_end] in "*ABCDabcd":
                    flags_end += 1
                flags = text[at + 1 : flags_end]
                if flags != "*":
                    raise _Unsupported(flags)  # weights
                prefix, at = True, flags_end
            tokens.append(Word(lexeme, prefix))
        else:
            raise _Unsupported(sign)  # '<->', '<2>': a phrase
    return tokens


def _quoted(text: str, at: int) -> tuple[str, int]:
    """The lexeme from ``at`` to its closing quote ('' is a quote, a backslash escapes)."""
    signs = []
    while at < len(text):
        sign = text[at]
        if sign == "\\" and at + 1 < len(text):
            signs.append(text[at + 1])
            at += 2
        elif sign == "'" and text.startswith("''", at):
            signs.append("'")
            at += 2
        elif sign == "'":
            return "".join(signs), at + 1
        else:
            signs.append(sign)
            at += 1
    raise _Unsupported("unclosed quote")


def _either(tokens: list) -> tuple[Query, list]:
    return _joined(tokens, "|", _all, Or)


def _all(tokens: list) -> tuple[Query, list]:
    return _joined(tokens, "&", _single, And)


def _joined(
    tokens: list, sign: str, operand: Callable[[list], tuple[Query, list]], node: type[And | Or]
) -> tuple[Query, list]:
    """Operands joined by ``sign``: one alone, or several as a ``node``."""
    first, tokens = operand(tokens)
    operands = [first]
    while tokens and tokens[0] == sign:
        following, tokens = operand(tokens[1:])
        operands.append(following)
    return (operands[0] if len(operands) == 1 else node(tuple(operands))), tokens


def _single(tokens: list) -> tuple[Query, list]:
    if not tokens:
        raise _Unsupported("an operator without its operand")
    first, rest = tokens[0], tokens[1:]
    if first == "!":
        operand, rest = _single(rest)
        return Not(operand), rest
    if first == "(":
        inside, rest = _either(rest)
        if not rest or rest[0] != ")":
            raise _Unsupported("unclosed parenthesis")
        return inside, rest[1:]
    if isinstance(first, Word):
        return first, rest
    raise _Unsupported(str(first))


# ------------------------------------------------------------------ the sets, kept


class WordSets:
    """Each word's vacancies, per searched column, kept as long as room allows."""

    def __init__(self, *, limit_bytes: int = WORD_SETS_BYTES) -> None:
        self.limit_bytes = limit_bytes
        self._kept: OrderedDict[tuple[str, Word], int] = OrderedDict()  # least recent first
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def size_bytes(self) -> int:
        """About how much memory the kept sets take."""
        return self._bytes

    def sets_of(
        self,
        column: str,
        words: Iterable[Word],
        connection: BaseDatabaseWrapper,
        on_board: Callable[[Iterable[int]], int],
    ) -> dict[Word, int]:
        """The sets of ``words`` in ``column``, those not kept read from the database
        (``on_board``: the bits of those of some vacancies that are on the board)."""
        found, missing = {}, []
        for word in set(words):
            key = (column, word)
            if key in self._kept:
                self._kept.move_to_end(key)
                found[word] = self._kept[key]
            else:
                missing.append(word)
        if missing:
            for word, bits in zip(
                missing, _read(column, missing, connection, on_board), strict=True
            ):
                found[word] = bits
                self._keep((column, word), bits)
        return found

    def take_out(self, bits: int) -> None:
        """Take these vacancies out of every set (they changed, or left the board)."""
        if not bits:
            return
        for key, kept in self._kept.items():
            if kept & bits:
                self._kept[key] = kept & ~bits

    def put_back(self, column: str, lexemes_of_bit: dict[int, list[str]]) -> None:
        """Put these vacancies (bit -> the sorted lexemes of their ``column``) into the
        kept sets of the words they have."""
        for (kept_column, word), kept in self._kept.items():
            if kept_column != column:
                continue
            having = 0
            for bit, lexemes in lexemes_of_bit.items():
                if word.found_in(lexemes):
                    having |= 1 << bit
            if having:
                self._kept[(kept_column, word)] = kept | having

    def columns(self) -> set[str]:
        """The columns some kept set is of."""
        return {column for column, _word in self._kept}

    def _keep(self, key: tuple[str, Word], bits: int) -> None:
        self._kept[key] = bits
        self._bytes += _size(bits)
        while self._bytes > self.limit_bytes and len(self._kept) > 1:
            _key, dropped = self._kept.popitem(last=False)
            self._bytes -= _size(dropped)


def _size(bits: int) -> int:
    return bits.bit_length() // 8 + 64


def _read(
    column: str,
    words: list[Word],
    connection: BaseDatabaseWrapper,
    on_board: Callable[[Iterable[int]], int],
) -> list[int]:
    """Each word's set in ``column``, read in one statement through the column's GIN
    index (the planner would rather read every vector for a common word: ten to twenty
    times slower)."""
    assert column in SEARCH_VECTORS  # a column name goes into the SQL
    selects = " UNION ALL ".join(
        f"SELECT %s, ARRAY(SELECT id FROM vacancies_vacancy WHERE {column} @@ %s::tsquery)"
        for _word in words
    )
    params: list[int | str] = []
    for number, word in enumerate(words):
        params += [number, word.as_query()]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(selects, params)
        found = dict(cursor.fetchall())
    return [on_board(found[number]) for number in range(len(words))]
