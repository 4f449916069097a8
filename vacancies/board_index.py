"""What the list's counts read of every published vacancy, kept in each server process's
memory (vacancies/facet_index.py counts from it): its grades, places, risk level, clearance,
organisation and deadline, as sets of vacancies, one per choice of each facet. Each set is a
Python integer used as a set of bits, one bit per vacancy.

**Kept current by the database's own log.** PostgreSQL logs every change to a vacancy or to
its other locations, with the transaction that made it (migration 0015: triggers, so that
bulk updates and SQL typed by hand are seen too). Before each count, a process reads the
vacancies changed by the transactions it could not see when it last looked: those from the
oldest one then still running (its snapshot's ``xmin``) on. So nothing committed is missed,
whatever order transactions commit in; a change read twice is applied twice, harmlessly
(each vacancy's state replaces what was kept of it). A process that has not looked for half
a day (the log keeps a day) reads the whole board again, as it does first.
"""

import bisect
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import monotonic
from typing import NamedTuple, TypeVar

from django.db import DatabaseError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, QuerySet
from django.db.models.functions import Cast, Extract

from jobboard.replicas import public_reads

from .folding import learn_words
from .models import NO_DEADLINE, SEARCH_VECTORS, Vacancy
from .place_names import LocationNames, PlaceNames, read_places
from .word_sets import WordSets

MICROSECONDS_A_DAY = 86_400_000_000
# The log keeps a day of changes (migration 0015): a process that has not looked for half
# that reads everything again.
LONGEST_GAP_SECONDS = 12 * 3600
# More changed vacancies than this share of the board are read as a whole board.
WHOLE_BOARD_SHARE = 0.25
# Vacancy 0 in the log: a table emptied at once (TRUNCATE); vacancy -1: a place changed
# (a location, another name of a place: migration 0017).
EVERYTHING_CHANGED = 0
PLACES_CHANGED = -1

Shared = TypeVar("Shared", bound=object)

_FACTS = (
    "pk", "deadline_us", "grade_min", "grade_max", "risk_level", "clearance",
    "organisation_en", "organisation_fr", "primary_location_id",
)  # fmt: skip


class _Row(NamedTuple):
    """What the counts read of one published vacancy, and its bit."""

    bit: int  # its position in every set
    deadline: int | None  # microseconds since 1970 (UTC)
    grades: tuple[int | None, int | None]
    risk_level: str
    clearance: str
    organisation: tuple[str, str]  # English name, French name
    primary_location_id: int | None
    other_location_ids: frozenset[int]

    @property
    def day(self) -> int | None:
        return None if self.deadline is None else self.deadline // MICROSECONDS_A_DAY


@dataclass(eq=False)  # each facet's sets are one object: a key by identity
class ChoiceSets:
    """One facet's sets: choice -> the vacancies (bits) with that choice."""

    of: dict = field(default_factory=dict)

    def add(self, choice, bit: int) -> None:
        self.of[choice] = self.of.get(choice, 0) | (1 << bit)

    def remove(self, choice, bit: int) -> None:
        remaining = self.of.get(choice, 0) & ~(1 << bit)
        if remaining:
            self.of[choice] = remaining
        else:
            self.of.pop(choice, None)

    def union(self, choices: Iterable) -> int:
        union = 0
        for choice in choices:
            union |= self.of.get(choice, 0)
        return union


class BoardIndex:
    """Every published vacancy as bits in sets, one set per choice of each facet."""

    def __init__(self) -> None:
        self._empty()

    def _empty(self) -> None:
        self.rows: dict[int, _Row] = {}  # vacancy pk -> row
        self.pk_of_bit: list[int] = []  # bit -> vacancy pk (a free bit's is 0)
        # The searched words' sets (vacancies/word_sets.py), read again as they are used.
        self.words = WordSets()
        # The words of the titles, folded -> as written: what a search finding nothing is
        # corrected to (search.known_words). Kept until the whole board is read again: a
        # word whose vacancies have left is harmless, as each correction is tried first.
        self.title_words: dict[str, str] = {}
        # Each location's names, and every name a search finds places by (place_names.py).
        self.locations: LocationNames = {}
        self.place_names: PlaceNames = {}
        # One object for each value that many rows share (a grade range, a risk level, an
        # organisation's names): a row then holds a reference, not a copy.
        self._shared: dict[object, object] = {}
        self.everything = 0
        self.free_bits: list[int] = []
        self.next_bit = 0
        self.grades = ChoiceSets()
        self.risk_levels = ChoiceSets()
        self.clearances = ChoiceSets()
        self.organisations = ChoiceSets()
        self.duty_stations = ChoiceSets()
        self.other_locations = ChoiceSets()
        self.days = ChoiceSets()  # day of the deadline (UTC) -> vacancies; None: no deadline
        self.rows_of_day: dict[int | None, set[int]] = {}  # day -> vacancy pks
        self.sorted_days: list[int] = []
        self._unions_of_days: dict[tuple[int | None, int | None], int] = {}
        self._days_in_closing_order: list[int] | None = None
        self.seen_up_to: int | None = None  # the xmin of the snapshot last looked from
        self.looked_at = 0.0  # monotonic()

    # ------------------------------------------------------------------ kept current

    def catch_up(self, connection: BaseDatabaseWrapper) -> None:
        """Read what changed since this process last looked (or everything)."""
        # One statement, one snapshot: the changes it sees, and where the next look starts
        # (its oldest transaction still running, whose changes are read again then).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, ARRAY("
                " SELECT DISTINCT vacancy_id FROM vacancies_boardchange"
                " WHERE xid >= %s::text::xid8)",
                [self.seen_up_to],
            )
            snapshot_xmin, changed = cursor.fetchone()
        whole = (
            self.seen_up_to is None
            or monotonic() - self.looked_at > LONGEST_GAP_SECONDS
            or EVERYTHING_CHANGED in changed
            or len(changed) > WHOLE_BOARD_SHARE * len(self.rows) + 100
        )
        if whole:
            self._read_everything(connection.alias)
        else:
            if PLACES_CHANGED in changed:
                self.locations, self.place_names = read_places(connection.alias)
            vacancies = [pk for pk in changed if pk != PLACES_CHANGED]
            if vacancies:
                self._read_again(connection.alias, vacancies)
        self.seen_up_to, self.looked_at = snapshot_xmin, monotonic()

    def _read_everything(self, alias: str) -> None:
        """Every published vacancy, each set made at once from its members' bits (adding
        vacancies one by one would copy every set once per vacancy)."""
        self._empty()
        self.locations, self.place_names = read_places(alias)
        published = Vacancy.objects.using(alias).published()
        others = _other_locations(alias, published.values("pk"))
        members: dict[tuple[ChoiceSets, object], list[int]] = {}
        for facts in _facts(published):
            row = self._row(facts, others.get(facts[0], ()), bit=self._new_bit())
            self.rows[facts[0]] = row
            self.pk_of_bit[row.bit] = facts[0]
            self.rows_of_day.setdefault(row.day, set()).add(facts[0])
            for sets, choice in self._memberships(row):
                members.setdefault((sets, choice), []).append(row.bit)
        for (sets, choice), bits in members.items():
            sets.of[choice] = _bit_set(bits, self.next_bit)
        self.everything = _bit_set(range(self.next_bit), self.next_bit)
        learn_words(_title_words(alias), self.title_words)
        self.sorted_days = sorted(day for day in self.rows_of_day if day is not None)

    def _read_again(self, alias: str, pks: list[int]) -> None:
        self.words.take_out(self.bits_of(pks))
        for pk in pks:
            self._remove(pk)
        published = Vacancy.objects.using(alias).published().filter(pk__in=pks)
        others = _other_locations(alias, pks)
        added = []
        for facts in _facts(published):
            self._add(facts, others.get(facts[0], ()))
            added.append(facts[0])
        if added:
            learn_words(_title_words(alias, added), self.title_words)
        if added and self.words.columns():
            self._put_back_words(alias, added)

    def _put_back_words(self, alias: str, pks: list[int]) -> None:
        """Put these vacancies, read again, into the kept sets of the words they now have."""
        columns = sorted(self.words.columns())
        assert set(columns) <= set(SEARCH_VECTORS)  # column names go into the SQL
        arrays = ", ".join(f"tsvector_to_array({column})" for column in columns)
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT id, {arrays} FROM vacancies_vacancy WHERE id = ANY(%s)", [pks])
            rows = cursor.fetchall()
        for number, column in enumerate(columns, start=1):
            lexemes_of_bit = {
                self.rows[row[0]].bit: sorted(row[number] or ())
                for row in rows
                if row[0] in self.rows
            }
            self.words.put_back(column, lexemes_of_bit)

    def bits_of(self, pks: Iterable[int]) -> int:
        """The set of those of these vacancies that are on the board."""
        rows = self.rows
        return _bit_set((rows[pk].bit for pk in pks if pk in rows), self.next_bit)

    def pks_of(self, bits: int) -> list[int]:
        """The vacancies of a set, in the order of their bits."""
        pk_of_bit = self.pk_of_bit
        return [pk_of_bit[bit] for bit in members(bits)]

    def _add(self, facts: tuple, other_location_ids: Iterable[int]) -> None:
        bit = self.free_bits.pop() if self.free_bits else self._new_bit()
        row = self._row(facts, other_location_ids, bit=bit)
        self._keep(facts[0], row)
        self.everything |= 1 << bit
        for sets, choice in self._memberships(row):
            sets.add(choice, bit)

    def _row(self, facts: tuple, other_location_ids: Iterable[int], *, bit: int) -> _Row:
        _pk, deadline, grade_min, grade_max, risk, clearance, name_en, name_fr, station = facts
        shared = self._shared_one
        return _Row(
            bit=bit,
            deadline=deadline,
            grades=shared((grade_min, grade_max)),
            risk_level=shared(risk),
            clearance=shared(clearance),
            organisation=shared((name_en, name_fr)),
            primary_location_id=station,
            other_location_ids=frozenset(other_location_ids),
        )

    def _shared_one(self, value: Shared) -> Shared:
        return self._shared.setdefault(value, value)  # type: ignore[return-value]

    def _keep(self, pk: int, row: _Row) -> None:
        """Keep the row and its day; its sets are the caller's."""
        self.rows[pk] = row
        self.pk_of_bit[row.bit] = pk
        day = row.day
        if day not in self.rows_of_day:
            self.rows_of_day[day] = set()
            if day is not None:
                bisect.insort(self.sorted_days, day)
        self.rows_of_day[day].add(pk)
        self._unions_of_days.clear()
        self._days_in_closing_order = None

    def _remove(self, pk: int) -> None:
        row = self.rows.pop(pk, None)
        if row is None:
            return
        self.everything &= ~(1 << row.bit)
        for sets, choice in self._memberships(row):
            sets.remove(choice, row.bit)
        day = row.day
        self.rows_of_day[day].discard(pk)
        if not self.rows_of_day[day]:
            del self.rows_of_day[day]
            if day is not None:
                self.sorted_days.remove(day)
        self.free_bits.append(row.bit)
        self.pk_of_bit[row.bit] = 0
        self._unions_of_days.clear()
        self._days_in_closing_order = None

    def _new_bit(self) -> int:
        self.next_bit += 1
        self.pk_of_bit.append(0)
        return self.next_bit - 1

    def _memberships(self, row: _Row) -> list[tuple[ChoiceSets, object]]:
        return [
            (self.grades, row.grades),
            (self.risk_levels, row.risk_level),
            (self.clearances, row.clearance),
            (self.organisations, row.organisation),
            (self.duty_stations, row.primary_location_id),
            (self.days, row.day),
            *((self.other_locations, location) for location in row.other_location_ids),
        ]

    # ------------------------------------------------------------------ deadlines

    def closing(self, low: datetime | None, high: datetime | None) -> int:
        """The vacancies whose deadline is at or after ``low`` and before ``high`` (None:
        no bound); those without a deadline are never in it."""
        low_us, high_us = _microseconds(low), _microseconds(high)
        low_day = None if low_us is None else low_us // MICROSECONDS_A_DAY
        high_day = None if high_us is None else high_us // MICROSECONDS_A_DAY
        first_whole = None if low_day is None else low_day + 1
        last_whole = None if high_day is None else high_day - 1
        on_edge_days = []
        for day in {low_day, high_day} - {None}:
            for pk in self.rows_of_day.get(day, ()):
                row = self.rows[pk]
                assert row.deadline is not None
                if (low_us is None or row.deadline >= low_us) and (
                    high_us is None or row.deadline < high_us
                ):
                    on_edge_days.append(row.bit)
        return self._union_of_days(first_whole, last_whole) | _bit_set(on_edge_days, self.next_bit)

    def without_deadline(self) -> int:
        return self.days.of.get(None, 0)

    def first_deadline_from(self, moment: datetime) -> datetime | None:
        """The first deadline at or after ``moment``."""
        moment_us = _microseconds(moment)
        assert moment_us is not None
        start = bisect.bisect_left(self.sorted_days, moment_us // MICROSECONDS_A_DAY)
        for day in self.sorted_days[start:]:
            deadlines = [self.rows[pk].deadline for pk in self.rows_of_day[day]]
            later = [d for d in deadlines if d is not None and d >= moment_us]
            if later:
                return datetime.fromtimestamp(min(later) / 1_000_000, UTC)
        return None

    def days_in_closing_order(self) -> list[int]:
        """Each day's vacancies, in the order of their closing moment (models.CLOSING):
        those without a deadline close on NO_DEADLINE's day, the last. Kept until the next
        change."""
        if self._days_in_closing_order is None:
            days = [self.days.of[day] for day in self.sorted_days]
            without_deadline = self.without_deadline()
            if without_deadline:
                if self.sorted_days and self.sorted_days[-1] == _NO_DEADLINE_DAY:
                    days[-1] |= without_deadline
                else:
                    days.append(without_deadline)
            self._days_in_closing_order = days
        return self._days_in_closing_order

    def _union_of_days(self, first: int | None, last: int | None) -> int:
        """The vacancies whose deadline falls on a day from ``first`` to ``last``
        (inclusive; None: no bound). Kept until the next change: the same unions serve every
        count of the day."""
        key = (first, last)
        if key not in self._unions_of_days:
            start = 0 if first is None else bisect.bisect_left(self.sorted_days, first)
            end = (
                len(self.sorted_days)
                if last is None
                else bisect.bisect_right(self.sorted_days, last)
            )
            self._unions_of_days[key] = self.days.union(self.sorted_days[start:end])
        return self._unions_of_days[key]


def _bit_set(bits: Iterable[int], size: int) -> int:
    """The set of these bits, made in one go."""
    buffer = bytearray((size + 7) // 8)
    for bit in bits:
        buffer[bit >> 3] |= 1 << (bit & 7)
    return int.from_bytes(buffer, "little")


_NO_DEADLINE_DAY = (NO_DEADLINE - datetime(1970, 1, 1, tzinfo=UTC)).days

# The bits set in each byte, by the byte's value.
_BITS_OF_BYTE = [tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256)]


def members(bits: int) -> list[int]:
    """The bits of a set, in order."""
    found: list[int] = []
    for at, value in enumerate(bits.to_bytes((bits.bit_length() + 7) // 8, "little")):
        if value:
            base = at * 8
            found.extend(base + bit for bit in _BITS_OF_BYTE[value])
    return found


def _microseconds(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _facts(vacancies: QuerySet[Vacancy]) -> list[tuple]:
    """What the counts read of each of these vacancies (_FACTS), the deadline as a number of
    microseconds: tens of thousands of dates are read faster so than as datetimes."""
    deadline = Cast(Extract("deadline", "epoch", tzinfo=UTC) * 1_000_000, BigIntegerField())
    facts = vacancies.annotate(deadline_us=deadline).values_list(*_FACTS)
    # Plain tuples from the cursor: the values need no conversion, and Django's would
    # cost as much as reading them.
    with connections[vacancies.db].cursor() as cursor:
        cursor.execute(*facts.query.sql_with_params())
        return cursor.fetchall()


def _title_words(alias: str, pks: list[int] | None = None) -> list[str]:
    """The words of the published vacancies' titles (of ``pks`` only, when given), each
    once, split by PostgreSQL: a few thousand words rather than every title, which a whole
    board's worth of would stay in the process's memory as it grew."""
    only = " AND id = ANY(%s)" if pks is not None else ""
    with connections[alias].cursor() as cursor:
        # Many vacancies share a title: each title is split once.
        cursor.execute(
            "SELECT DISTINCT lower(word) FROM (SELECT DISTINCT title_en || ' ' || title_fr"
            f" AS title FROM vacancies_vacancy WHERE status = %s{only}) AS titles,"
            " regexp_split_to_table(title, '[^[:alnum:]]+') AS word WHERE word <> ''",
            [Vacancy.Status.PUBLISHED, *([pks] if pks is not None else [])],
        )
        return [word for (word,) in cursor.fetchall()]


def _other_locations(alias: str, vacancies) -> dict[int, list[int]]:
    links = Vacancy.other_locations.through.objects.using(alias).filter(vacancy__in=vacancies)
    others: dict[int, list[int]] = {}
    for vacancy_id, location_id in links.values_list("vacancy_id", "location_id"):
        others.setdefault(vacancy_id, []).append(location_id)
    return others


# ------------------------------------------------------------- one board per database


logger = logging.getLogger(__name__)
_boards: dict[str, BoardIndex] = {}  # database alias -> its board
_lock = threading.Lock()


@contextmanager
def current_board(alias: str) -> Iterator[BoardIndex]:
    """This process's board of the database ``alias``, caught up with it, for the caller
    alone while inside."""
    with _lock:
        board = _boards.setdefault(alias, BoardIndex())
        board.catch_up(connections[alias])
        yield board


def forget() -> None:
    """Drop what every board keeps (tests: the database was emptied)."""
    with _lock:
        _boards.clear()


def read_the_board() -> None:
    """Read the board into this process's memory now: a server worker does it before it
    serves (jobboard/gunicorn.conf.py), so that no visitor waits for it (about a second at
    100,000 vacancies). A database that does not answer is left for the first count."""
    with public_reads():
        alias = router.db_for_read(Vacancy)
    try:
        with current_board(alias):
            pass
    except DatabaseError as error:
        logger.warning("The board could not be read before serving: %s", error)
