"""How many vacancies each choice of the list's filters would give, and the page of a
search, counted in one query over the filtered vacancies and kept in the cache between
changes (vacancies/counting_cache.py).

Each vacancy is read once, with a flag per facet saying whether it passes that facet's
filters; each facet then counts the vacancies that pass all the other facets' filters.
Every filter without a facet (the search, any other) narrows what is counted at all.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, NamedTuple

from django.db import connections, router, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils.translation import gettext

from .counting_cache import cached_counts
from .facet_index import counted_in_memory
from .filters import FACET_PARAMETERS, Deadline, Risk, VacancyFilter, deadline_q
from .models import CLOSING, CLOSING_SOON, Location, Vacancy, place_name


@contextmanager
def search_uses_the_index(vacancy_filter: VacancyFilter) -> Iterator[None]:
    """Make PostgreSQL find search matches through the GIN indexes.

    For a word found in most notices the planner prefers reading the whole table, which
    means unpacking every notice's full search vector: ten to twenty times slower than the
    index. Without a search there is nothing to change.
    """
    if not vacancy_filter.form.cleaned_data.get("q"):
        yield
        return
    alias = router.db_for_read(Vacancy)
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


# When the counts change as time passes: at the first deadline from now (a post closes) and
# at the first from a week ahead, less the week (a post comes within the week).
NEXT_CHANGES = (("next closing", timedelta(0)), ("next in week", CLOSING_SOON))


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int

    @cached_property
    def text(self) -> str:
        """'Belgium (12)': what a candidate reads in the list of choices."""
        return gettext("%(label)s (%(number)s)") % {"label": self.label, "number": self.count}


@dataclass(frozen=True)
class Facets:
    """Every facet's choices with their counts, the number of vacancies that match, and,
    for a search, the primary keys of those on the page asked for, in order."""

    total: int
    options: dict[str, list[Option]]
    page: list[int] | None

    def count(self, facet: str, value: str) -> int:
        return next((o.count for o in self.options[facet] if o.value == value), 0)


# --------------------------------------------- what the counting query finds: its rows, typed


class GradeRange(NamedTuple):
    """Vacancies whose grades run from ``low`` to ``high`` (one grade: low == high)."""

    low: int
    high: int
    vacancies: int


class PlaceCount(NamedTuple):
    location_id: str
    city: str
    country: str
    city_fr: str
    country_fr: str
    vacancies: int

    @property
    def names(self) -> tuple[str, str, str, str]:
        return self.city, self.country, self.city_fr, self.country_fr


class CountryCount(NamedTuple):
    country: str
    country_fr: str
    vacancies: int


@dataclass(frozen=True)
class Counted:
    """What the counting query found, by kind of count (what the cache keeps)."""

    total: int
    by_deadline: dict[str, int]  # Deadline value -> vacancies
    by_risk_level: dict[str, int]  # the vacancy's risk_level ('' for none) -> vacancies
    by_clearance: dict[str, int]
    by_organisation: dict[str, tuple[str, int]]  # English name -> (name shown, vacancies)
    grade_ranges: list[GradeRange]
    places: list[PlaceCount]
    countries: list[CountryCount]  # counted apart only with other locations
    page: list[int]  # a search's page, in order


def facets(vacancy_filter: VacancyFilter, *, offset: int = 0, limit: int = 20) -> Facets:
    """All the counts and, for a search, the page of results: from the cache when the same
    choices were counted since the last change (see counting_cache), else from the database
    in one query."""
    vacancy_filter.qs  # noqa: B018 (filters, and so records each facet's condition)
    searching = vacancy_filter.search_condition is not None
    # Everything the counts depend on: the valid choices (not the raw query string, so that
    # an ignored value shares its entry), the language of the names, and for a search the
    # page, which is picked with the counts.
    key_parts = (
        "facets",
        vacancy_filter.language,
        sorted((name, str(value)) for name, value in vacancy_filter.form.cleaned_data.items()),
        (offset, limit) if searching else (),
    )
    counted = cached_counts(
        key_parts=key_parts,
        now=vacancy_filter.now,
        count=lambda: _count(vacancy_filter, offset=offset, limit=limit),
    )
    return Facets(
        total=counted.total,
        options=_options(counted, french=vacancy_filter.language == "fr"),
        page=counted.page if searching else None,
    )


# ----------------------------------------------------------------------- the counting query


@dataclass
class _Query:
    """The counting query as it is put together: its SQL and its parameters."""

    vacancy_filter: VacancyFilter
    sql: str = ""
    params: list[Any] = field(default_factory=list)

    def passing(self, *except_facets: str) -> str:
        """The SQL condition: the base row passes every facet's filters but these."""
        flags = [f'"passes_{f}"' for f in FACET_PARAMETERS if f not in except_facets]
        return " AND ".join(flags)


def _count(
    vacancy_filter: VacancyFilter, *, offset: int, limit: int
) -> tuple[Counted, datetime | None]:
    """The counts, from this process's board index (vacancies/facet_index.py), or else in
    one query whatever the number of vacancies; and the moment they next change as time
    passes."""
    in_memory = counted_in_memory(vacancy_filter, offset=offset, limit=limit)
    if in_memory is not None:
        return in_memory
    return _count_in_database(vacancy_filter, offset=offset, limit=limit)


def _count_in_database(
    vacancy_filter: VacancyFilter, *, offset: int, limit: int
) -> tuple[Counted, datetime | None]:
    query = _Query(vacancy_filter)
    everything_sql, everything_params = _with_base(query)
    _add_counts(query, everything_sql, everything_params)
    if vacancy_filter.search_condition is not None:
        _add_page(query, offset=offset, limit=limit)
    _add_next_changes(query)
    reading = connections[router.db_for_read(Vacancy)]  # a replica, for a public page
    with search_uses_the_index(vacancy_filter), reading.cursor() as cursor:
        cursor.execute(query.sql, query.params)
        rows = cursor.fetchall()
    return _read(rows)


def _with_base(query: _Query) -> tuple[str, Sequence[Any]]:
    """Start the query with the base rows (each vacancy once, a flag per facet), and return
    the SQL of the rows the deadline facet counts ("everything") with its parameters."""
    vacancy_filter = query.vacancy_filter
    conditions = vacancy_filter.conditions
    searching = vacancy_filter.search_condition is not None
    base = vacancy_filter.queryset
    # Every filter that has no counts of its own narrows what is counted at all: the search,
    # and any filter added without a facet, which so can never be left out of the total.
    for name, condition in conditions.items():
        if name not in FACET_PARAMETERS:
            base = base.filter(condition)
    extra_columns: dict[str, Any] = {}
    if searching:
        # Finding the matches is the costly part: take the page from them here, with what
        # the order needs. Otherwise an index gives the page faster in a query of its own.
        base = base.annotate(**vacancy_filter.search_ranking)
        extra_columns = {"closing": CLOSING}
    passes = {
        f"passes_{facet}": ExpressionWrapper(conditions.get(facet, Q()), BooleanField())
        for facet in FACET_PARAMETERS
    }
    # Which deadline choice each vacancy falls under, by the deadline filter's own rules:
    # read by the deadline facet only.
    deadline_choices = {
        f"is_{choice.value}": ExpressionWrapper(
            deadline_q(choice, vacancy_filter.now), BooleanField()
        )
        for choice in Deadline
    }
    # Only the deadline facet counts closed vacancies: without a search it reads just their
    # deadlines and flags from an index, and the other facets read only the vacancies within
    # the deadline filter. A search's matches are found once, for all the facets.
    everything_sql: str
    everything_params: Sequence[Any]
    if searching or not conditions.get("deadline"):
        everything_sql, everything_params = "SELECT * FROM base", ()
        within_deadline = Q()
        extra_columns.update(deadline_choices)
    else:
        everything = base.order_by().values("deadline").annotate(**passes, **deadline_choices)
        everything_sql, everything_params = everything.query.sql_with_params()
        within_deadline = conditions.get("deadline", Q())
    rows = base.filter(within_deadline).order_by().values(
        "pk", "grade_min", "grade_max", "risk_level", "clearance", "deadline",
        "primary_location_id", "organisation_en", "organisation_fr",
        *(("reference", "published_at", *vacancy_filter.search_ranking) if searching else ()),
    ).annotate(**passes, **extra_columns)  # fmt: skip
    base_sql, params = rows.query.sql_with_params()
    query.sql = f"WITH base AS MATERIALIZED ({base_sql}), "
    query.params += params
    return everything_sql, everything_params


def _add_counts(query: _Query, everything_sql: str, everything_params: Sequence[Any]) -> None:
    """Count each facet's choices among the base rows that pass the other facets."""
    other_locations = query.vacancy_filter.form.cleaned_data.get("other_locations")
    passing = query.passing
    placed = f"SELECT pk, primary_location_id AS location_id FROM base WHERE {passing('location')}"
    if other_locations:
        # Each post at each of its places once: a link repeating the duty station is left
        # out here rather than removed by a costlier UNION.
        placed += (
            " UNION ALL SELECT link.vacancy_id, link.location_id"
            f" FROM {Vacancy.other_locations.through._meta.db_table} AS link"
            f" JOIN base ON base.pk = link.vacancy_id WHERE {passing('location')}"
            " AND link.location_id IS DISTINCT FROM base.primary_location_id"
        )
    # The total and the deadline choices are counted in one pass, a FILTERed count each,
    # then turned into rows; grade ranges are counted as they are, and spread over grades
    # when read.
    known = [("total", "", passing())]
    known += [
        ("deadline", choice.value, f'{passing("deadline")} AND "is_{choice.value}"')
        for choice in Deadline
    ]
    counts, rows_of_counts = [], []
    for number, (facet, value, where) in enumerate(known):
        counts.append(f"count(*) FILTER (WHERE {where}) AS c{number}")
        rows_of_counts.append(f"('{facet}', '{value}', '', c{number})")
    location_table = Location._meta.db_table
    organisation = f"organisation_{query.vacancy_filter.language}"
    # OFFSET 0 keeps "everything" a subquery of its own, so each flag is worked out once per
    # vacancy; merged into the counts, a flag (a location lookup, say) would be worked out
    # again for every count that reads it.
    query.sql += f"""placed AS ({placed}),
        known AS (SELECT {", ".join(counts)} FROM ({everything_sql} OFFSET 0) AS everything)
        SELECT counted.* FROM known CROSS JOIN LATERAL (VALUES {", ".join(rows_of_counts)})
            AS counted (facet, value, label, count)
        UNION ALL SELECT 'risk', risk_level, '', count(*) FROM base
            WHERE {passing("risk")} GROUP BY risk_level
        UNION ALL SELECT 'grades', grade_min::text, grade_max::text, count(*) FROM base
            WHERE {passing("grade")} AND grade_min IS NOT NULL GROUP BY grade_min, grade_max
        UNION ALL SELECT 'clearance', clearance, '', count(*) FROM base
            WHERE {passing("clearance")} AND clearance <> '' GROUP BY clearance
        UNION ALL SELECT 'organisation', organisation_en, {organisation}, count(*) FROM base
            WHERE {passing("organisation")} AND organisation_en <> ''
            GROUP BY organisation_en, {organisation}
        UNION ALL SELECT 'location', location.id::text,
            concat_ws('|', location.city, location.country, location.city_fr, location.country_fr),
            count(*) FROM placed JOIN {location_table} AS location
            ON location.id = placed.location_id GROUP BY location.id
    """
    if other_locations:
        # A post may then be in a country twice; otherwise countries add up duty stations.
        query.sql += f"""
        UNION ALL SELECT 'country', country, max(country_fr), count(*) FROM (
            SELECT DISTINCT placed.pk, location.country, location.country_fr
            FROM placed JOIN {location_table} AS location ON location.id = placed.location_id
        ) AS in_country GROUP BY country
        """
    query.params += everything_params


def _add_page(query: _Query, *, offset: int, limit: int) -> None:
    """A search's page, picked from its matches along with the counts."""
    order = ", ".join(_order_by_columns(item) for item in query.vacancy_filter.ordering())
    query.sql += f"""
        UNION ALL SELECT 'page', pk::text, '', row_number() OVER (ORDER BY {order})
            FROM (SELECT * FROM base WHERE {query.passing()} ORDER BY {order} LIMIT %s OFFSET %s)
            AS top
    """
    query.params += [limit, offset]


def _add_next_changes(query: _Query) -> None:
    """The counts hold until a deadline passes (open becomes closed) or comes within the
    week: the first deadline from now, and the first from a week ahead, from an index."""
    vacancy_filter = query.vacancy_filter
    for name, ahead in NEXT_CHANGES:
        first = vacancy_filter.queryset.filter(deadline__gte=vacancy_filter.now + ahead)
        first_sql, first_params = (
            first.order_by("deadline").values("deadline")[:1].query.sql_with_params()
        )
        query.sql += f"""
        UNION ALL SELECT '{name}', '', '', floor(extract(epoch FROM ({first_sql})))::bigint
        """
        query.params += first_params


def _read(rows: list[tuple[str, str, str, int | None]]) -> tuple[Counted, datetime | None]:
    """The query's (facet, value, label, count) rows, each read by its kind, and the moment
    the counts next change."""
    by_kind: dict[str, list[tuple[str, str, int]]] = {}
    for facet, value, label, count in rows:
        by_kind.setdefault(facet, []).append((value, label, count or 0))
    changes_at = [
        datetime.fromtimestamp(seconds, UTC) - ahead
        for name, ahead in NEXT_CHANGES
        for _value, _label, seconds in by_kind.get(name, [])
        if seconds
    ]

    def counts(kind: str) -> dict[str, int]:
        return {value: count for value, _label, count in by_kind.get(kind, [])}

    counted = Counted(
        total=counts("total").get("", 0),
        by_deadline=counts("deadline"),
        by_risk_level=counts("risk"),
        by_clearance=counts("clearance"),
        by_organisation={v: (label, count) for v, label, count in by_kind.get("organisation", [])},
        grade_ranges=[
            GradeRange(int(low), int(high), count) for low, high, count in by_kind.get("grades", [])
        ],
        places=[
            PlaceCount(location_id, *_unpacked(names), count)
            for location_id, names, count in by_kind.get("location", [])
        ],
        countries=[
            CountryCount(country, country_fr or "", count)
            for country, country_fr, count in by_kind.get("country", [])
        ],
        page=[int(pk) for pk, _label, _position in sorted(by_kind.get("page", []), key=_third)],
    )
    return counted, min(changes_at, default=None)


def _third(row: tuple[str, str, int]) -> int:
    return row[2]


def _order_by_columns(item: Any) -> str:
    """An ORDERINGS item as SQL over the base rows' column names (only the top of the
    matches is sorted, not all of them)."""
    if isinstance(item, str):
        item = F(item).asc()
    name = "closing" if item.expression == CLOSING else item.expression.name
    direction = "DESC" if item.descending else "ASC"
    nulls = " NULLS LAST" if item.nulls_last else ""
    return f'"{name}" {direction}{nulls}'


# --------------------------------------------------------------------------- the choices


def _options(counted: Counted, *, french: bool) -> dict[str, list[Option]]:
    """Each facet's choices, labelled in the page's language, with their counts."""
    per_grade: dict[int, int] = {}
    for grades in counted.grade_ranges:
        for grade in range(grades.low, grades.high + 1):
            per_grade[grade] = per_grade.get(grade, 0) + grades.vacancies
    return {
        "grade": [
            Option(str(grade), f"G{grade}", count) for grade, count in sorted(per_grade.items())
        ],
        "country": _by_label(
            Option(c.country, (french and c.country_fr) or c.country, c.vacancies)
            for c in _countries(counted)
        ),
        "location": _by_label(
            Option(
                p.location_id,
                place_name(*p.names, french=french),
                p.vacancies,
            )
            for p in counted.places
        ),
        "risk": [
            Option(
                choice.value, str(choice.label), counted.by_risk_level.get(_risk_level(choice), 0)
            )
            for choice in Risk
        ],
        "deadline": [
            Option(choice.value, str(choice.label), counted.by_deadline.get(choice.value, 0))
            for choice in Deadline
        ],
        "clearance": [
            Option(value, value, count) for value, count in sorted(counted.by_clearance.items())
        ],
        "organisation": _by_label(
            Option(value, name or value, count)
            for value, (name, count) in counted.by_organisation.items()
        ),
    }


def _countries(counted: Counted) -> list[CountryCount]:
    """The countries' counts: counted apart with other locations, else their duty stations'
    counts added up."""
    if counted.countries:
        return counted.countries
    added: dict[str, CountryCount] = {}
    for place in counted.places:
        before = added.get(place.country)
        vacancies = place.vacancies + (before.vacancies if before else 0)
        added[place.country] = CountryCount(place.country, place.country_fr, vacancies)
    return list(added.values())


def _by_label(options: Iterable[Option]) -> list[Option]:
    return sorted(options, key=lambda option: option.label)


def _risk_level(choice: Risk) -> str:
    return "" if choice == Risk.NONE else choice.value


def _unpacked(names: str) -> tuple[str, str, str, str]:
    """(city, country, city_fr, country_fr) from the counting query's 'city|country|…'."""
    city, country, city_fr, country_fr = (names.split("|") + ["", "", "", ""])[:4]
    return city, country, city_fr, country_fr
