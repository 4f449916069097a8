"""What candidates can filter the public list by, and how many vacancies each choice gives.

Every filter lives in the query string, so a search can be shared or bookmarked. A value
that does not validate is ignored (the page says why) and the other filters still apply.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import django_filters as filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Location, Vacancy

GRADES = range(1, 31)
SEARCH_CONFIGS = {"en": "english", "fr": "french"}
NO_RISK = "none"


class Deadline(models.TextChoices):
    OPEN = "open", _("Open")
    WEEK = "week", _("Closing within 7 days")
    CLOSED = "closed", _("Closed")
    ALL = "all", _("All, open or closed")


class Risk(models.TextChoices):
    EXTREME = "extreme", _("Extreme risk")
    HIGH = "high", _("High risk")
    NONE = NO_RISK, _("No risk rating")


class Sort(models.TextChoices):
    CLOSING = "closing", _("Closing soonest")
    RECENT = "recent", _("Most recently published")
    GRADE_DESC = "grade_desc", _("Grade, high to low")
    GRADE_ASC = "grade_asc", _("Grade, low to high")


ORDERINGS = {
    Sort.CLOSING: (F("deadline").asc(nulls_last=True), "reference"),
    Sort.RECENT: (F("published_at").desc(nulls_last=True), "reference"),
    Sort.GRADE_DESC: (F("grade_max").desc(nulls_last=True), "deadline", "reference"),
    Sort.GRADE_ASC: (F("grade_min").asc(nulls_last=True), "deadline", "reference"),
}

# The query-string parameters of each facet: a facet's counts ignore its own parameters,
# since choosing another value replaces them.
FACET_PARAMETERS = {
    "grade": ("grade", "grade_min", "grade_max"),
    "country": ("country", "location"),
    "location": ("country", "location"),
    "risk": ("risk",),
    "deadline": ("deadline", "deadline_before"),
    "clearance": ("clearance",),
    "organisation": ("organisation",),
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
    clearance = filters.CharFilter(label=_("Clearance"), field_name="clearance", max_length=50)
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
        fields = []

    def __init__(self, data=None, *args, now=None, language=None, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("deadline"):
            data["deadline"] = Deadline.OPEN
        super().__init__(data, *args, **kwargs)
        self.now = now or timezone.now()
        self.language = language or get_language() or "en"

    @property
    def other_language(self):
        return "fr" if self.language == "en" else "en"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort")
        if sort:
            return queryset.order_by(*ORDERINGS[Sort(sort)])
        if self.form.cleaned_data.get("q"):
            return queryset.order_by("-rank", *ORDERINGS[Sort.CLOSING])
        return queryset.order_by(*ORDERINGS[Sort.CLOSING])

    def without(self, parameters):
        """The same filters without ``parameters``: what a facet's choices are counted on."""
        data = self.data.copy()
        for name in parameters:
            data.pop(name, None)
        if "deadline" in parameters:
            data["deadline"] = Deadline.ALL
        return type(self)(data, queryset=self.queryset, now=self.now, language=self.language)

    # ------------------------------------------------------------------ filter methods

    def ignore(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        """Search the page's language, and the other language for notices that lack it;
        rank by how well the titles match (cheap), best first."""
        here, there = self.language, self.other_language
        query_here = SearchQuery(value, config=SEARCH_CONFIGS[here], search_type="websearch")
        query_there = SearchQuery(value, config=SEARCH_CONFIGS[there], search_type="websearch")
        return queryset.filter(
            Q(**{f"search_{here}": query_here}) | Q(**{f"search_{there}": query_there})
        ).annotate(
            rank=SearchRank(F(f"title_search_{here}"), query_here)
            + SearchRank(F(f"title_search_{there}"), query_there) / 2
        )

    def filter_grade(self, queryset, name, value):
        return queryset.filter(grade_min__lte=value, grade_max__gte=value)

    def filter_grade_min(self, queryset, name, value):
        return queryset.filter(grade_max__gte=value)

    def filter_grade_max(self, queryset, name, value):
        return queryset.filter(grade_min__lte=value)

    def filter_country(self, queryset, name, value):
        at_location = Q(country__iexact=value) | Q(country_fr__iexact=value)
        return self._at(queryset, Location.objects.filter(at_location))

    def filter_location(self, queryset, name, value):
        return self._at(queryset, Location.objects.filter(pk=value))

    def _at(self, queryset, locations):
        """Posts whose duty station is one of ``locations``, or, when asked, any location."""
        condition = Q(primary_location__in=locations)
        if self.form.cleaned_data.get("other_locations"):
            through = Vacancy.other_locations.through
            condition |= Exists(
                through.objects.filter(vacancy=OuterRef("pk"), location__in=locations)
            )
        return queryset.filter(condition)

    def filter_risk(self, queryset, name, value):
        return queryset.filter(risk_level="" if value == NO_RISK else value)

    def filter_deadline(self, queryset, name, value):
        if value == Deadline.OPEN:
            return queryset.open(self.now)
        if value == Deadline.WEEK:
            return queryset.filter(deadline__gte=self.now, deadline__lt=self.now + timedelta(7))
        if value == Deadline.CLOSED:
            return queryset.closed(self.now)
        return queryset

    def filter_deadline_before(self, queryset, name, value):
        end_of_day = datetime.combine(value, time.max, tzinfo=timezone.get_current_timezone())
        return queryset.filter(deadline__lte=end_of_day)

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(Q(organisation_en=value) | Q(organisation_fr=value))


# --------------------------------------------------------------------------- facets


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int


def facets(vacancy_filter: VacancyFilter) -> dict[str, list[Option]]:
    """For each facet, its choices and how many vacancies each would give: one grouped
    query per facet, whatever the number of vacancies."""
    french = vacancy_filter.language == "fr"

    def counted_on(facet):
        return vacancy_filter.without(FACET_PARAMETERS[facet]).qs.order_by()

    location_rows = _location_counts(counted_on("location"), vacancy_filter)
    countries: dict[str, list] = {}
    for row in location_rows:
        label = (row["country_fr"] if french else "") or row["country"]
        entry = countries.setdefault(row["country"], [label, 0])
        entry[1] += row["count"]
    deadline_counts = counted_on("deadline").aggregate(
        **{
            choice.value: Count("pk", filter=_deadline_q(choice, vacancy_filter.now))
            for choice in Deadline
        }
    )
    risk_counts = dict(
        counted_on("risk").values_list("risk_level").annotate(count=Count("pk")).order_by()
    )
    return {
        "grade": [
            Option(str(grade), f"G{grade}", count)
            for grade, count in _grade_counts(counted_on("grade"))
        ],
        "country": sorted(
            (Option(country, label, count) for country, (label, count) in countries.items()),
            key=lambda option: option.label,
        ),
        "location": sorted(
            (
                Option(
                    str(row["pk"]),
                    f"{(row['city_fr'] if french else '') or row['city']}, "
                    f"{(row['country_fr'] if french else '') or row['country']}",
                    row["count"],
                )
                for row in location_rows
            ),
            key=lambda option: option.label,
        ),
        "risk": [
            Option(choice.value, choice.label, risk_counts.get(_risk_level(choice), 0))
            for choice in Risk
        ],
        "deadline": [
            Option(choice.value, choice.label, deadline_counts[choice.value]) for choice in Deadline
        ],
        "clearance": _value_counts(counted_on("clearance"), "clearance"),
        "organisation": _value_counts(
            counted_on("organisation"), "organisation_fr" if french else "organisation_en"
        ),
    }


def _risk_level(choice):
    return "" if choice == Risk.NONE else choice.value


def _deadline_q(choice, now):
    if choice == Deadline.OPEN:
        return Q(deadline__isnull=True) | Q(deadline__gte=now)
    if choice == Deadline.WEEK:
        return Q(deadline__gte=now, deadline__lt=now + timedelta(7))
    if choice == Deadline.CLOSED:
        return Q(deadline__lt=now)
    return Q()


def _value_counts(queryset, field):
    rows = queryset.exclude(**{field: ""}).values_list(field).annotate(count=Count("pk"))
    return [Option(value, value, count) for value, count in rows.order_by(field)]


def _grade_counts(queryset):
    """(grade, vacancies) for every grade that some vacancy's range contains."""
    sql, params = queryset.values("grade_min", "grade_max").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT grade, count(*) FROM (" + sql + ") AS filtered CROSS JOIN LATERAL"
            " generate_series(filtered.grade_min::int, filtered.grade_max::int) AS grade"
            " GROUP BY grade ORDER BY grade",
            params,
        )
        return cursor.fetchall()


def _location_counts(queryset, vacancy_filter):
    """Vacancies per location: at their duty station, or anywhere when other locations are
    included. Rows of location fields plus ``count``."""
    sql, params = queryset.values("pk", "primary_location_id").query.sql_with_params()
    other_locations = ""
    if vacancy_filter.form.cleaned_data.get("other_locations"):
        other_locations = (
            " UNION SELECT link.vacancy_id, link.location_id"
            f" FROM {Vacancy.other_locations.through._meta.db_table} AS link"
            " WHERE link.vacancy_id IN (SELECT filtered.id FROM filtered)"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH filtered (id, location_id) AS (" + sql + "),"
            " placed AS (SELECT id, location_id FROM filtered" + other_locations + ")"
            " SELECT location.id, location.country, location.city, location.country_fr,"
            " location.city_fr, count(*)"
            f" FROM placed JOIN {Location._meta.db_table} AS location"
            " ON location.id = placed.location_id"
            " GROUP BY location.id",
            params,
        )
        columns = ("pk", "country", "city", "country_fr", "city_fr", "count")
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
