"""How many vacancies each choice of the list's filters would give, and the page of a
search, counted in one query over the filtered vacancies and kept in the cache between
changes (vacancies/counting_cache.py).

Each vacancy is read once, with a flag per facet saying whether it passes that facet's
filters; each facet then counts the vacancies that pass all the other facets' filters.
Every filter without a facet (the search, any other) narrows what is counted at all.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils.translation import gettext

from .counting_cache import counted_rows
from .filters import FACET_PARAMETERS, Deadline, Risk, VacancyFilter, deadline_q
from .models import CLOSING, CLOSING_SOON, Location, Vacancy, place_name


@contextmanager
def search_uses_the_index(vacancy_filter: VacancyFilter):
    """Make PostgreSQL find search matches through the GIN indexes.

    For a word found in most notices the planner prefers reading the whole table, which
    means unpacking every notice's full search vector: ten to twenty times slower than the
    index. Without a search there is nothing to change.
    """
    if not vacancy_filter.form.cleaned_data.get("q"):
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
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
    def text(self):
        """'Belgium (12)': what a candidate reads in the list of choices."""
        return gettext("%(label)s (%(number)s)") % {"label": self.label, "number": self.count}


@dataclass(frozen=True)
class Facets:
    """Every facet's choices with their counts, the number of vacancies that match, and,
    for a search, the primary keys of those on the page asked for, in order."""

    total: int
    options: dict[str, list[Option]]
    page: list[int] | None

    def count(self, facet, value):
        return next((o.count for o in self.options[facet] if o.value == value), 0)


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
    rows = counted_rows(
        key_parts=key_parts,
        now=vacancy_filter.now,
        count=lambda: _count(vacancy_filter, offset=offset, limit=limit),
    )
    return Facets(
        total=next(count for facet, _, _, count in rows if facet == "total"),
        options=_options(rows, french=vacancy_filter.language == "fr"),
        page=(
            [int(pk) for facet, pk, _, _ in sorted(rows, key=_position) if facet == "page"]
            if searching
            else None
        ),
    )


def _count(vacancy_filter: VacancyFilter, *, offset: int, limit: int):
    """The counts' rows, in one query whatever the number of vacancies, and the moment they
    next change as time passes.

    Each vacancy is read once, with a flag per facet saying whether it passes that facet's
    filters; each facet then counts the vacancies that pass all the other facets' filters.
    """
    conditions = vacancy_filter.conditions
    searching = vacancy_filter.search_condition is not None
    base = vacancy_filter.queryset
    extra_columns: dict[str, Any] = {}
    # Every filter that has no counts of its own narrows what is counted at all: the search,
    # and any filter added without a facet, which so can never be left out of the total.
    for name, condition in conditions.items():
        if name not in FACET_PARAMETERS:
            base = base.filter(condition)
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
    organisation = f"organisation_{vacancy_filter.language}"
    # Only the deadline facet counts closed vacancies: without a search it reads just their
    # deadlines and flags from an index, and the other facets read only the vacancies within
    # the deadline filter. A search's matches are found once, for all the facets.
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
    params = list(params)

    def passing(*except_facets):
        flags = [f'"passes_{f}"' for f in FACET_PARAMETERS if f not in except_facets]
        return " AND ".join(flags)

    placed = f"SELECT pk, primary_location_id AS location_id FROM base WHERE {passing('location')}"
    if vacancy_filter.form.cleaned_data.get("other_locations"):
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
    # here.
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
    # OFFSET 0 keeps "everything" a subquery of its own, so each flag is worked out once per
    # vacancy; merged into the counts, a flag (a location lookup, say) would be worked out
    # again for every count that reads it.
    sql = f"""
        WITH base AS MATERIALIZED ({base_sql}), placed AS ({placed}),
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
    if vacancy_filter.form.cleaned_data.get("other_locations"):
        # A post may then be in a country twice; otherwise countries add up duty stations.
        sql += f"""
        UNION ALL SELECT 'country', country, max(country_fr), count(*) FROM (
            SELECT DISTINCT placed.pk, location.country, location.country_fr
            FROM placed JOIN {location_table} AS location ON location.id = placed.location_id
        ) AS in_country GROUP BY country
        """
    params += everything_params
    if searching:
        order = ", ".join(_order_by_columns(item) for item in vacancy_filter.ordering())
        sql += f"""
        UNION ALL SELECT 'page', pk::text, '', row_number() OVER (ORDER BY {order})
            FROM (SELECT * FROM base WHERE {passing()} ORDER BY {order} LIMIT %s OFFSET %s)
            AS top
        """
        params += [limit, offset]
    # The counts hold until a deadline passes (open becomes closed) or comes within the
    # week: the first deadline from now, and the first from a week ahead, from an index.
    for name, ahead in NEXT_CHANGES:
        first = vacancy_filter.queryset.filter(deadline__gte=vacancy_filter.now + ahead)
        first_sql, first_params = (
            first.order_by("deadline").values("deadline")[:1].query.sql_with_params()
        )
        sql += f"""
        UNION ALL SELECT '{name}', '', '', floor(extract(epoch FROM ({first_sql})))::bigint
        """
        params += first_params
    with search_uses_the_index(vacancy_filter), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    firsts = {facet: seconds for facet, _, _, seconds in rows if facet in dict(NEXT_CHANGES)}
    changes_at = [
        datetime.fromtimestamp(firsts[name], UTC) - ahead
        for name, ahead in NEXT_CHANGES
        if firsts[name] is not None
    ]
    counts = [row for row in rows if row[0] not in firsts]
    return counts, min(changes_at, default=None)


def _order_by_columns(item):
    """An ORDERINGS item as SQL over the base rows' column names (only the top of the
    matches is sorted, not all of them)."""
    if isinstance(item, str):
        item = F(item).asc()
    name = "closing" if item.expression == CLOSING else item.expression.name
    direction = "DESC" if item.descending else "ASC"
    nulls = " NULLS LAST" if item.nulls_last else ""
    return f'"{name}" {direction}{nulls}'


def _position(row):
    facet, _, _, position = row
    return position if facet == "page" else 0


def _options(rows, *, french):
    found: dict[str, dict[str, tuple[str, int]]] = {facet: {} for facet in FACET_PARAMETERS}
    found["country"] = {}
    per_grade: dict[int, int] = {}
    for facet, value, label, count in rows:
        if facet == "grades":
            for grade in range(int(value), int(label) + 1):
                per_grade[grade] = per_grade.get(grade, 0) + count
        elif facet not in ("total", "page"):
            found[facet][value] = (label, count)
    grades = [(str(grade), ("", count)) for grade, count in sorted(per_grade.items())]
    if not found["country"]:
        for names, count in found["location"].values():
            _, country, _, country_fr = _unpacked(names)
            _, counted = found["country"].get(country, ("", 0))
            found["country"][country] = (country_fr, counted + count)
    risk_levels = {_risk_level(choice): choice for choice in Risk}
    return {
        "grade": [Option(value, f"G{value}", count) for value, (_, count) in grades],
        "country": sorted(
            (
                Option(value, (french and label) or value, count)
                for value, (label, count) in found["country"].items()
            ),
            key=lambda option: option.label,
        ),
        "location": sorted(
            (
                Option(value, place_name(*_unpacked(label), french=french), count)
                for value, (label, count) in found["location"].items()
            ),
            key=lambda option: option.label,
        ),
        "risk": [
            Option(
                choice.value,
                choice.label,
                found["risk"].get(level, ("", 0))[1],
            )
            for level, choice in risk_levels.items()
        ],
        "deadline": [
            Option(choice.value, choice.label, found["deadline"].get(choice.value, ("", 0))[1])
            for choice in Deadline
        ],
        "clearance": [
            Option(value, value, count) for value, (_, count) in sorted(found["clearance"].items())
        ],
        "organisation": sorted(
            (
                Option(value, label or value, count)
                for value, (label, count) in found["organisation"].items()
            ),
            key=lambda option: option.label,
        ),
    }


def _risk_level(choice):
    return "" if choice == Risk.NONE else choice.value


def _unpacked(names: str) -> tuple[str, str, str, str]:
    """(city, country, city_fr, country_fr) from the counting query's 'city|country|…'."""
    city, country, city_fr, country_fr = (names.split("|") + ["", "", "", ""])[:4]
    return city, country, city_fr, country_fr
