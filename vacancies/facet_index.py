"""The list's counts from memory: each server process keeps what the counts read of every
published vacancy (its grades, place, risk, clearance, organisation and deadline) as sets of
vacancies, one per choice, and counts a choice by intersecting sets.

Counting in the database reads every open vacancy, so the first visitor after each change
waited in proportion to the size of the board (80 ms at 100,000 vacancies). Here a count is
a few operations on bit sets, each a vacancy's bit: a few milliseconds, nearly the same at
10,000 and at 100,000 vacancies.

**Kept current by the database's own log.** PostgreSQL logs every change to a vacancy or to
its other locations, with the transaction that made it (migration 0015: triggers, so that
bulk updates and SQL typed by hand are seen too). Before counting, a process reads the
vacancies changed by the transactions it could not see when it last looked: those from the
oldest one then still running (its snapshot's ``xmin``) on. So nothing committed is missed,
whatever order transactions commit in; a change read twice is applied twice, harmlessly
(each vacancy's state replaces what was kept of it). A process that has not looked for half
a day (the log keeps a day) reads the whole board again, as it does on its first count.

Not counted here, but in the database (vacancies/facets.py): a search (its words are matched
by PostgreSQL's full-text indexes), and counts asked within a transaction (what it sees may
be its own writes, yet to be rolled back; public pages read outside any).
"""

import bisect
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from time import monotonic
from typing import TYPE_CHECKING, NamedTuple

from django.db import DatabaseError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, QuerySet
from django.db.models.functions import Cast, Extract
from django.utils import timezone

from jobboard.replicas import public_reads

from .filters import FACET_PARAMETERS, NO_RISK, Deadline, VacancyFilter
from .models import CLOSING_SOON, Location, Vacancy, in_country

if TYPE_CHECKING:
    from .facets import Counted

MICROSECONDS_A_DAY = 86_400_000_000
# The log keeps a day of changes (migration 0015): a process that has not looked for half
# that reads everything again.
LONGEST_GAP_SECONDS = 12 * 3600
# More changed vacancies than this share of the board are read as a whole board.
WHOLE_BOARD_SHARE = 0.25
# Vacancy 0 in the log: a table emptied at once (TRUNCATE).
EVERYTHING_CHANGED = 0

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
class _Sets:
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
        self.everything = 0
        self.free_bits: list[int] = []
        self.next_bit = 0
        self.grades = _Sets()
        self.risk_levels = _Sets()
        self.clearances = _Sets()
        self.organisations = _Sets()
        self.duty_stations = _Sets()
        self.other_locations = _Sets()
        self.days = _Sets()  # day of the deadline (UTC) -> vacancies; None: no deadline
        self.rows_of_day: dict[int | None, set[int]] = {}  # day -> vacancy pks
        self.sorted_days: list[int] = []
        self._unions_of_days: dict[tuple[int | None, int | None], int] = {}
        self.seen_up_to: int | None = None  # the xmin of the snapshot last looked from
        self.looked_at = 0.0  # monotonic()

    # ------------------------------------------------------------------ kept current

    def catch_up(self, connection: BaseDatabaseWrapper) -> None:
        """Read what changed since this process last looked (or everything)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            (snapshot_xmin,) = cursor.fetchone()
            whole = self.seen_up_to is None or monotonic() - self.looked_at > LONGEST_GAP_SECONDS
            changed: list[int] = []
            if not whole:
                cursor.execute(
                    "SELECT DISTINCT vacancy_id FROM vacancies_boardchange"
                    " WHERE xid >= %s::text::xid8",
                    [self.seen_up_to],
                )
                changed = [pk for (pk,) in cursor.fetchall()]
                whole = EVERYTHING_CHANGED in changed or (
                    len(changed) > WHOLE_BOARD_SHARE * len(self.rows) + 100
                )
        if whole:
            self._read_everything(connection.alias)
        elif changed:
            self._read_again(connection.alias, changed)
        self.seen_up_to, self.looked_at = snapshot_xmin, monotonic()

    def _read_everything(self, alias: str) -> None:
        """Every published vacancy, each set made at once from its members' bits (adding
        vacancies one by one would copy every set once per vacancy)."""
        self._empty()
        published = Vacancy.objects.using(alias).published()
        others = _other_locations(alias, published.values("pk"))
        members: dict[tuple[_Sets, object], list[int]] = {}
        for facts in _facts(published):
            row = self._row(facts, others.get(facts[0], ()), bit=self._new_bit())
            self.rows[facts[0]] = row
            self.rows_of_day.setdefault(row.day, set()).add(facts[0])
            for sets, choice in self._memberships(row):
                members.setdefault((sets, choice), []).append(row.bit)
        for (sets, choice), bits in members.items():
            sets.of[choice] = _bit_set(bits, self.next_bit)
        self.everything = _bit_set(range(self.next_bit), self.next_bit)
        self.sorted_days = sorted(day for day in self.rows_of_day if day is not None)

    def _read_again(self, alias: str, pks: list[int]) -> None:
        for pk in pks:
            self._remove(pk)
        published = Vacancy.objects.using(alias).published().filter(pk__in=pks)
        others = _other_locations(alias, pks)
        for facts in _facts(published):
            self._add(facts, others.get(facts[0], ()))

    def _add(self, facts: tuple, other_location_ids: Iterable[int]) -> None:
        bit = self.free_bits.pop() if self.free_bits else self._new_bit()
        row = self._row(facts, other_location_ids, bit=bit)
        self._keep(facts[0], row)
        self.everything |= 1 << bit
        for sets, choice in self._memberships(row):
            sets.add(choice, bit)

    @staticmethod
    def _row(facts: tuple, other_location_ids: Iterable[int], *, bit: int) -> _Row:
        _pk, deadline, grade_min, grade_max, risk, clearance, name_en, name_fr, station = facts
        return _Row(
            bit=bit,
            deadline=deadline,
            grades=(grade_min, grade_max),
            risk_level=risk,
            clearance=clearance,
            organisation=(name_en, name_fr),
            primary_location_id=station,
            other_location_ids=frozenset(other_location_ids),
        )

    def _keep(self, pk: int, row: _Row) -> None:
        """Keep the row and its day; its sets are the caller's."""
        self.rows[pk] = row
        day = row.day
        if day not in self.rows_of_day:
            self.rows_of_day[day] = set()
            if day is not None:
                bisect.insort(self.sorted_days, day)
        self.rows_of_day[day].add(pk)
        self._unions_of_days.clear()

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
        self._unions_of_days.clear()

    def _new_bit(self) -> int:
        self.next_bit += 1
        return self.next_bit - 1

    def _memberships(self, row: _Row) -> list[tuple[_Sets, object]]:
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


def _other_locations(alias: str, vacancies) -> dict[int, list[int]]:
    links = Vacancy.other_locations.through.objects.using(alias).filter(vacancy__in=vacancies)
    others: dict[int, list[int]] = {}
    for vacancy_id, location_id in links.values_list("vacancy_id", "location_id"):
        others.setdefault(vacancy_id, []).append(location_id)
    return others


# ------------------------------------------------------------------------ counting


logger = logging.getLogger(__name__)
_indexes: dict[str, BoardIndex] = {}  # database alias -> its board
_lock = threading.Lock()


def forget() -> None:
    """Drop what every board index keeps (tests: the database was emptied)."""
    with _lock:
        _indexes.clear()


def read_the_board() -> None:
    """Read the board into this process's memory now: a server worker does it before it
    serves (jobboard/gunicorn.conf.py), so that no visitor waits for it (about a second at
    100,000 vacancies). A database that does not answer is left for the first count."""
    with public_reads():
        alias = router.db_for_read(Vacancy)
    try:
        with _lock:
            _indexes.setdefault(alias, BoardIndex()).catch_up(connections[alias])
    except DatabaseError as error:
        logger.warning("The board could not be read before serving: %s", error)
    finally:
        connections.close_all()  # not shared with the request that follows, whatever its alias


def counted_in_memory(vacancy_filter: VacancyFilter) -> "tuple[Counted, datetime | None] | None":
    """The counts of ``vacancy_filter`` (facets.Counted) and when they next change as time
    passes, from this process's board index; None when they must be counted in the
    database: a search, a filter without a facet, or counts asked within a transaction."""
    if vacancy_filter.search_condition is not None or vacancy_filter.search_within is not None:
        return None
    if any(name not in FACET_PARAMETERS for name in vacancy_filter.conditions):
        return None
    alias = router.db_for_read(Vacancy)
    if connections[alias].in_atomic_block:
        return None  # what this transaction sees may be its own writes, yet to be undone
    with _lock:
        index = _indexes.setdefault(alias, BoardIndex())
        index.catch_up(connections[alias])
        counting = _Counting(index, vacancy_filter, alias)
        return counting.counted(), counting.changes_at()


class _Counting:
    """One list's counts over the board index."""

    def __init__(self, index: BoardIndex, vacancy_filter: VacancyFilter, alias: str):
        self.index = index
        self.now = vacancy_filter.now
        self.language = vacancy_filter.language
        chosen = vacancy_filter.form.cleaned_data
        filtered = vacancy_filter.conditions
        self.with_other_locations = bool(chosen.get("other_locations"))
        self.locations = {
            pk: (city, country, city_fr, country_fr)
            for pk, city, country, city_fr, country_fr in Location.objects.using(alias).values_list(
                "pk", "city", "country", "city_fr", "country_fr"
            )
        }
        # Each filtered facet's vacancies (a facet not filtered lets every vacancy through).
        self.within: dict[str, int] = {}
        if "grade" in filtered:
            self.within["grade"] = self._grades(chosen.get("grade_min"), chosen.get("grade_max"))
        if "location" in filtered:
            within = index.everything
            if chosen.get("country"):
                in_it = Location.objects.using(alias).filter(in_country(chosen["country"]))
                within &= self._placed_at(in_it.values_list("pk", flat=True))
            if chosen.get("location") is not None:
                within &= self._placed_at([int(chosen["location"])])
            self.within["location"] = within
        if "risk" in filtered:
            level = "" if chosen["risk"] == NO_RISK else chosen["risk"]
            self.within["risk"] = index.risk_levels.of.get(level, 0)
        if "deadline" in filtered:
            within = index.everything
            if chosen.get("deadline"):
                within &= self._deadline(Deadline(chosen["deadline"]))
            if chosen.get("deadline_before"):
                # At or before the day's last moment (filter_deadline_before): before the
                # microsecond after it.
                last_moment = datetime.combine(
                    chosen["deadline_before"], time.max, tzinfo=timezone.get_current_timezone()
                )
                within &= index.closing(None, last_moment + timedelta(microseconds=1))
            self.within["deadline"] = within
        if "clearance" in filtered:
            self.within["clearance"] = index.clearances.of.get(chosen["clearance"], 0)
        if "organisation" in filtered:
            name = chosen["organisation"]
            self.within["organisation"] = index.organisations.union(
                pair for pair in index.organisations.of if name in pair
            )

    def passing(self, *except_facets: str) -> int:
        bits = self.index.everything
        for facet, within in self.within.items():
            if facet not in except_facets:
                bits &= within
        return bits

    def counted(self) -> "Counted":
        # What the database's count gives, in the same shape (what the cache keeps and the
        # options are made from); imported here, as facets.py imports this module.
        from .facets import Counted, CountryCount, GradeRange, PlaceCount

        index = self.index
        by_deadline_base = self.passing("deadline")
        by_deadline = {
            choice.value: (by_deadline_base & self._deadline(choice)).bit_count()
            for choice in Deadline
        }
        return Counted(
            total=self.passing().bit_count(),
            by_deadline=by_deadline,
            by_risk_level=_counts(index.risk_levels, self.passing("risk")),
            by_clearance={
                value: count
                for value, count in _counts(index.clearances, self.passing("clearance")).items()
                if value
            },
            by_organisation=self._organisations(),
            grade_ranges=[
                GradeRange(low, high, count)
                for (low, high), count in _counts(index.grades, self.passing("grade")).items()
                if low is not None and high is not None
            ],
            places=[
                PlaceCount(str(pk), *self.locations[pk], count)
                for pk, count in self._places().items()
                if pk in self.locations
            ],
            countries=[
                CountryCount(country, country_fr, count)
                for (country, country_fr), count in self._countries().items()
            ],
            page=[],
        )

    def changes_at(self) -> datetime | None:
        """When time alone next changes these counts: a deadline passes, or one comes
        within the week (facets.NEXT_CHANGES)."""
        moments = []
        for ahead in (timedelta(0), CLOSING_SOON):
            first = self.index.first_deadline_from(self.now + ahead)
            if first is not None:
                moments.append(first - ahead)
        return min(moments, default=None)

    # ---------------------------------------------------------------- each facet

    def _grades(self, low: int | None, high: int | None) -> int:
        """Posts whose grades reach ``low`` and start at or below ``high``."""
        return self.index.grades.union(
            (grade_min, grade_max)
            for grade_min, grade_max in self.index.grades.of
            if (low is None or (grade_max is not None and grade_max >= low))
            and (high is None or (grade_min is not None and grade_min <= high))
        )

    def _placed_at(self, locations: Iterable[int]) -> int:
        locations = list(locations)
        bits = self.index.duty_stations.union(locations)
        if self.with_other_locations:
            bits |= self.index.other_locations.union(locations)
        return bits

    def _deadline(self, choice: Deadline) -> int:
        index, now = self.index, self.now
        if choice == Deadline.OPEN:
            return index.closing(now, None) | index.without_deadline()
        if choice == Deadline.WEEK:
            return index.closing(now, now + CLOSING_SOON)
        if choice == Deadline.CLOSED:
            return index.closing(None, now)
        return index.everything

    def _places(self) -> dict[int, int]:
        """Vacancies per place: their duty station, and with other locations those too."""
        passing = self.passing("location")
        stations = self.index.duty_stations.of
        others = self.index.other_locations.of if self.with_other_locations else {}
        counts = {}
        for pk in set(stations) | set(others):
            if pk is None:
                continue
            count = ((stations.get(pk, 0) | others.get(pk, 0)) & passing).bit_count()
            if count:
                counts[pk] = count
        return counts

    def _countries(self) -> dict[tuple[str, str], int]:
        """Vacancies per country, counted apart only with other locations (otherwise the
        places' counts are added up: facets._countries)."""
        if not self.with_other_locations:
            return {}
        passing = self.passing("location")
        in_country: dict[str, list[int]] = {}
        french: dict[str, str] = {}
        for pk, (_city, country, _city_fr, country_fr) in self.locations.items():
            in_country.setdefault(country, []).append(pk)
            french[country] = max(french.get(country, ""), country_fr)
        counts = {}
        for country, locations in in_country.items():
            count = (self._placed_at(locations) & passing).bit_count()
            if count:
                counts[(country, french[country])] = count
        return counts

    def _organisations(self) -> dict[str, tuple[str, int]]:
        """English name -> (the name shown in the page's language, vacancies)."""
        passing = self.passing("organisation")
        named: dict[str, tuple[str, int]] = {}
        for (name_en, name_fr), bits in self.index.organisations.of.items():
            count = (bits & passing).bit_count()
            if not name_en or not count:
                continue
            shown = name_fr if self.language == "fr" else name_en
            before_shown, before_count = named.get(name_en, (shown, 0))
            named[name_en] = (
                before_shown if before_count >= count else shown,
                before_count + count,
            )
        return named


def _counts(sets: _Sets, passing: int) -> dict:
    counts = {}
    for choice, bits in sets.of.items():
        count = (bits & passing).bit_count()
        if count:
            counts[choice] = count
    return counts
