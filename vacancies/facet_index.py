"""The list's counts from memory: each server process keeps what the counts read of every
published vacancy as sets of vacancies, one per choice (vacancies/board_index.py), and
counts a choice by intersecting sets.

Counting in the database reads every open vacancy, so the first visitor after each change
waited in proportion to the size of the board (86–168 ms at 100,000 vacancies). Here a count
is a few operations on bit sets: about 2 ms, nearly the same at 10,000 and at 100,000.

A search's counts are made the same way among its matches (vacancies/search_index.py).
Not counted here, but in the database (vacancies/facets.py): a search the word sets cannot
answer (a phrase), an alert's search among recent vacancies, and counts asked within a
transaction (what it sees may be its own writes, yet to be rolled back; public pages read
outside any).
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import connections, router
from django.utils import timezone

from .board_index import BoardIndex, ChoiceSets, current_board
from .filters import NO_RISK, Deadline, VacancyFilter
from .models import CLOSING_SOON, Location, Vacancy, in_country
from .search_index import page_of, searched_in_memory

if TYPE_CHECKING:
    from .facets import Counted

# The facets (filters.FACET_PARAMETERS) whose filters _Counting applies; a list filtered by
# anything else (a facet added since) is counted in the database.
COUNTED_HERE = frozenset({"grade", "location", "risk", "deadline", "clearance", "organisation"})


def counted_in_memory(
    vacancy_filter: VacancyFilter, *, offset: int, limit: int
) -> "tuple[Counted, datetime | None] | None":
    """The counts of ``vacancy_filter`` (facets.Counted), for a search its page too, and
    when they next change as time passes, from this process's board index; None when they
    must be counted in the database: an alert's search among recent vacancies, a search the
    word sets cannot answer (a phrase), a filter without a facet, or counts asked within a
    transaction."""
    if vacancy_filter.search_within is not None:
        return None
    if any(name not in COUNTED_HERE and name != "q" for name in vacancy_filter.conditions):
        return None
    alias = router.db_for_read(Vacancy)
    connection = connections[alias]
    if connection.in_atomic_block:
        return None  # what this transaction sees may be its own writes, yet to be undone
    with current_board(alias) as board:
        searched = None
        if vacancy_filter.search is not None:
            searched = searched_in_memory(vacancy_filter.search, board, connection)
            if searched is None:
                return None
        counting = _Counting(
            board, vacancy_filter, alias, matches=None if searched is None else searched.matches
        )
        counted = counting.counted()
        if searched is not None:
            page = page_of(
                searched,
                counting.passing(),
                board,
                vacancy_filter,
                connection,
                offset=offset,
                limit=limit,
            )
            counted = replace(counted, page=page)
        return counted, counting.changes_at()


class _Counting:
    """One list's counts over the board index."""

    def __init__(
        self,
        index: BoardIndex,
        vacancy_filter: VacancyFilter,
        alias: str,
        *,
        matches: int | None = None,
    ):
        self.index = index
        # What a search matches: every count is made among them.
        self.everything = index.everything if matches is None else index.everything & matches
        self.now = vacancy_filter.now
        self.language = vacancy_filter.language
        chosen = vacancy_filter.form.cleaned_data
        filtered = vacancy_filter.conditions
        self.with_other_locations = bool(chosen.get("other_locations"))
        self.locations = index.locations
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
        bits = self.everything
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
        within the week, as the database's count says."""
        from .facets import NEXT_CHANGES  # facets.py imports this module

        moments = []
        for _name, ahead in NEXT_CHANGES:
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


def _counts(sets: ChoiceSets, passing: int) -> dict:
    counts = {}
    for choice, bits in sets.of.items():
        count = (bits & passing).bit_count()
        if count:
            counts[choice] = count
    return counts
