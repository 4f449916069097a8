"""What candidates can filter the public list by, and how many vacancies each choice gives.

Every filter lives in the query string, so a search can be shared or bookmarked. A value
that does not validate is ignored (the page says why) and the other filters still apply.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cached_property
from typing import Any

import django_filters as filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db import connection, models, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .counting_cache import counted_rows
from .models import CLOSING, CLOSING_SOON, Location, Vacancy, place_name, still_open

GRADES = range(1, 31)
SEARCH_CONFIGS = {"en": "english", "fr": "french"}
NO_RISK = "none"


class Deadline(models.TextChoices):
    OPEN = "open", _("Open")
    WEEK = "week", _("Closing within 7 days")
    CLOSED = "closed", _("Closed")
    ALL = "all", _("All, open or closed")


class Risk(models.TextChoices):
    """What candidates filter by: the two levels notices use, with the vacancy's own labels,
    or no rating at all."""

    EXTREME = Vacancy.RiskLevel.EXTREME.value, Vacancy.RiskLevel.EXTREME.label
    HIGH = Vacancy.RiskLevel.HIGH.value, Vacancy.RiskLevel.HIGH.label
    NONE = NO_RISK, _("No risk rating")


class Sort(models.TextChoices):
    CLOSING = "closing", _("Closing soonest")
    RECENT = "recent", _("Most recently published")
    GRADE_DESC = "grade_desc", _("Grade, high to low")
    GRADE_ASC = "grade_asc", _("Grade, low to high")


ORDERINGS = {
    Sort.CLOSING: (CLOSING.asc(), "reference"),
    Sort.RECENT: (F("published_at").desc(nulls_last=True), "reference"),
    Sort.GRADE_DESC: (F("grade_max").desc(nulls_last=True), "deadline", "reference"),
    Sort.GRADE_ASC: (F("grade_min").asc(nulls_last=True), "deadline", "reference"),
}

# The facets, and the query-string parameters that filter by each: a facet's counts ignore
# its own parameters, since choosing another value replaces them.
FACET_PARAMETERS = {
    "grade": ("grade", "grade_min", "grade_max"),
    "location": ("country", "location"),
    "risk": ("risk",),
    "deadline": ("deadline", "deadline_before"),
    "clearance": ("clearance",),
    "organisation": ("organisation",),
}
FACET_OF_PARAMETER = {
    parameter: facet for facet, parameters in FACET_PARAMETERS.items() for parameter in parameters
}


class VacancyFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        help_text=_("Words from the title or the text of the notice."),
    )
    grade = filters.NumberFilter(
        label=_("Grade"), method="filter_grade", min_value=GRADES.start, max_value=GRADES.stop - 1
    )
    grade_min = filters.NumberFilter(
        label=_("Grade from"),
        method="filter_grade_min",
        min_value=GRADES.start,
        max_value=GRADES.stop - 1,
    )
    grade_max = filters.NumberFilter(
        label=_("Grade up to"),
        method="filter_grade_max",
        min_value=GRADES.start,
        max_value=GRADES.stop - 1,
    )
    country = filters.CharFilter(label=_("Country"), method="filter_country", max_length=100)
    location = filters.NumberFilter(
        label=_("Duty station"), method="filter_location", min_value=1, max_value=2**31
    )
    other_locations = filters.BooleanFilter(
        label=_("Include posts where this is another location"),
        method="ignore",  # read by the country and location filters
        widget=forms.CheckboxInput,
    )
    risk = filters.ChoiceFilter(label=_("Risk status"), choices=Risk.choices, method="filter_risk")
    deadline = filters.ChoiceFilter(
        label=_("Deadline"), choices=Deadline.choices, method="filter_deadline", empty_label=None
    )
    deadline_before = filters.DateFilter(
        label=_("Closing before"),
        method="filter_deadline_before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    clearance = filters.CharFilter(label=_("Clearance"), method="filter_clearance", max_length=50)
    organisation = filters.CharFilter(
        label=_("Organisation"), method="filter_organisation", max_length=200
    )
    sort = filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Sort.choices,
        method="ignore",  # applied last, in filter_queryset
        empty_label=_("Best match, then closing soonest"),
    )

    class Meta:
        model = Vacancy
        fields: list[str] = []

    def __init__(self, data=None, *args, now=None, language=None, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("deadline"):
            data["deadline"] = Deadline.OPEN
        super().__init__(data, *args, **kwargs)
        self.now = now or timezone.now()
        self.language = language or get_language() or "en"
        # The condition each facet's filters put on a vacancy, kept for counting.
        self.conditions: dict[str, Q] = {}

    @property
    def other_language(self):
        return "fr" if self.language == "en" else "en"

    @property
    def search_condition(self) -> Q | None:
        return self.conditions.get("q")

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by(*self.ordering())

    def ordering(self):
        sort = self.form.cleaned_data.get("sort")
        if sort:
            return ORDERINGS[Sort(sort)]
        if self.search_condition is not None:
            best_match = (F("title_match").desc(), F("other_title_match").desc())
            return (*best_match, *ORDERINGS[Sort.CLOSING])
        return ORDERINGS[Sort.CLOSING]

    def _filter(self, queryset, name, condition):
        """Filter by ``condition`` and remember it under the facet that ``name`` belongs to."""
        facet = FACET_OF_PARAMETER.get(name, name)
        self.conditions[facet] = self.conditions.get(facet, Q()) & condition
        return queryset.filter(condition)

    # ------------------------------------------------------------------ filter methods

    def ignore(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        """Search the page's language, and the other language for notices that lack it.

        The best matches are those whose title has the words, in the page's language first:
        titles are small, so this costs little, where ranking every match by its whole text
        would read every matching notice in full.
        """
        here, there = self.language, self.other_language
        query_here = SearchQuery(value, config=SEARCH_CONFIGS[here], search_type="websearch")
        query_there = SearchQuery(value, config=SEARCH_CONFIGS[there], search_type="websearch")
        self.search_matches = Vacancy.objects.filter(
            Q(**{f"search_{here}": query_here}) | Q(**{f"search_{there}": query_there})
        )
        # A subquery of its own, so that the matches come from the GIN indexes alone (see
        # search_uses_the_index) and no other condition makes the planner read the vectors.
        condition = Q(pk__in=self.search_matches.values("pk"))
        self.search_ranking = {
            "title_match": ExpressionWrapper(
                Q(**{f"title_search_{here}": query_here}), output_field=BooleanField()
            ),
            "other_title_match": ExpressionWrapper(
                Q(**{f"title_search_{there}": query_there}), output_field=BooleanField()
            ),
        }
        return self._filter(queryset, name, condition).annotate(**self.search_ranking)

    def filter_grade(self, queryset, name, value):
        return self._filter(queryset, name, Q(grade_min__lte=value, grade_max__gte=value))

    def filter_grade_min(self, queryset, name, value):
        return self._filter(queryset, name, Q(grade_max__gte=value))

    def filter_grade_max(self, queryset, name, value):
        return self._filter(queryset, name, Q(grade_min__lte=value))

    def filter_country(self, queryset, name, value):
        at_location = Q(country__iexact=value) | Q(country_fr__iexact=value)
        return self._filter(queryset, name, self._at(Location.objects.filter(at_location)))

    def filter_location(self, queryset, name, value):
        return self._filter(queryset, name, self._at(Location.objects.filter(pk=value)))

    def _at(self, locations):
        """Posts whose duty station is one of ``locations``, or, when asked, any location."""
        condition = Q(primary_location__in=locations)
        if self.form.cleaned_data.get("other_locations"):
            # Not correlated: PostgreSQL looks the links up once, then checks each post
            # against that set; no join, so no DISTINCT either.
            links = Vacancy.other_locations.through.objects.filter(location__in=locations)
            condition |= Q(pk__in=links.values("vacancy_id"))
        return condition

    def filter_risk(self, queryset, name, value):
        return self._filter(queryset, name, Q(risk_level="" if value == NO_RISK else value))

    def filter_deadline(self, queryset, name, value):
        return self._filter(queryset, name, _deadline_q(Deadline(value), self.now))

    def filter_deadline_before(self, queryset, name, value):
        end_of_day = datetime.combine(value, time.max, tzinfo=timezone.get_current_timezone())
        return self._filter(queryset, name, Q(deadline__lte=end_of_day))

    def filter_clearance(self, queryset, name, value):
        return self._filter(queryset, name, Q(clearance=value))

    def filter_organisation(self, queryset, name, value):
        return self._filter(queryset, name, Q(organisation_en=value) | Q(organisation_fr=value))


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


def _deadline_q(choice, now):
    # On the closing moment rather than the deadline (the same for posts with one): each
    # choice is then one range of the index the list reads in closing order.
    if choice == Deadline.OPEN:
        return Q(still_open(now))
    if choice == Deadline.WEEK:
        return Q(still_open(now), LessThan(CLOSING, now + CLOSING_SOON))
    if choice == Deadline.CLOSED:
        return Q(LessThan(CLOSING, now))
    return Q()


# --------------------------------------------------------------------------- facets


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
    if searching:
        # Finding the matches is the costly part: take the page from them here, with what
        # the order needs. Otherwise an index gives the page faster in a query of its own.
        base = base.filter(vacancy_filter.search_condition).annotate(
            **vacancy_filter.search_ranking
        )
        extra_columns = {"closing": CLOSING}
    passes = {
        f"passes_{facet}": ExpressionWrapper(conditions.get(facet, Q()), BooleanField())
        for facet in FACET_PARAMETERS
    }
    # Which deadline choice each vacancy falls under, by the deadline filter's own rules:
    # read by the deadline facet only.
    deadline_choices = {
        f"is_{choice.value}": ExpressionWrapper(
            _deadline_q(choice, vacancy_filter.now), BooleanField()
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
