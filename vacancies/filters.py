"""What candidates can filter the public list by, and how many vacancies each choice gives.

Every filter lives in the query string, so a search can be shared or bookmarked. A value
that does not validate is ignored (the page says why) and the other filters still apply.
"""

from datetime import datetime, time
from typing import Any

import django_filters as filters
from django import forms
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import (
    CLOSING,
    CLOSING_SOON,
    Location,
    Vacancy,
    in_country,
    offered_by,
    still_open,
)
from .search import CandidateSearch, known_place_names, located_at

GRADES = range(1, 31)
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
    "grade": ("grade_min", "grade_max"),
    "location": ("country", "location"),
    "risk": ("risk",),
    "deadline": ("deadline", "deadline_before"),
    "clearance": ("clearance",),
    "organisation": ("organisation",),
}
# The parameters that change how the list is shown, not which vacancies it holds.
SHOWING_PARAMETERS = ("sort", "other_locations")
FACET_OF_PARAMETER = {
    parameter: facet for facet, parameters in FACET_PARAMETERS.items() for parameter in parameters
}


class VacancyFilterForm(forms.Form):
    """The list's filters as a form: each value checked on its own by its field, and the
    grade range as a whole."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("grade_min"), cleaned.get("grade_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "grade_max",
                _("G%(high)d is below the lowest grade asked for, G%(low)d: a range runs from "
                  "low to high.") % {"high": high, "low": low},
            )  # fmt: skip
        return cleaned


class GradeFilter(filters.NumberFilter):
    """A grade: a whole number ('5.5' is named as no grade)."""

    field_class = forms.IntegerField


class VacancyFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        help_text=_("Words from the title or the text of the notice."),
    )
    grade_min = GradeFilter(
        label=_("Grade from"),
        method="filter_grade_min",
        min_value=GRADES.start,
        max_value=GRADES.stop - 1,
    )
    grade_max = GradeFilter(
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
        form = VacancyFilterForm

    def __init__(
        self,
        data: Any = None,
        *args: Any,
        now: datetime | None = None,
        language: str | None = None,
        search_within: Q | None = None,
        **kwargs: Any,
    ) -> None:
        data = data.copy() if data is not None else {}
        grade = data.pop("grade", None)
        if grade and not (data.get("grade_min") or data.get("grade_max")):
            # One grade, as addresses made before the range was the only grade control
            # asked for it: the range from it to it holds the posts that include it. A
            # value that is no grade is named once, as the range's start.
            data["grade_min"] = grade[-1] if isinstance(grade, list) else grade
            if str(data["grade_min"]).isdigit():
                data["grade_max"] = data["grade_min"]
        if not data.get("deadline"):
            data["deadline"] = Deadline.OPEN
        searching = bool(str(data.get("q") or "").strip())
        if not searching and data.get("sort") == Sort.CLOSING:
            data["sort"] = ""  # the order without a search: one choice, not two alike
        super().__init__(data, *args, **kwargs)
        if not searching:
            # Without words to match, the first choice is simply the closing order.
            sort = self.form.fields["sort"]
            sort.empty_label = Sort.CLOSING.label
            sort.choices = [(order.value, order.label) for order in Sort if order != Sort.CLOSING]
        self.now = now or timezone.now()
        self.language = language or get_language() or "en"
        # The condition each facet's filters put on a vacancy, kept for counting.
        self.conditions: dict[str, Q] = {}
        self.search: CandidateSearch | None = None  # the search as understood, if any
        self.search_within = search_within  # CandidateSearch's within

    @property
    def other_language(self):
        return "fr" if self.language == "en" else "en"

    @property
    def search_condition(self) -> Q | None:
        return self.conditions.get("q")

    @property
    def search_ranking(self) -> dict[str, Any]:
        return self.search.ranking if self.search is not None else {}

    def without_search(self) -> models.QuerySet[Vacancy]:
        """The vacancies every filter but the search lets through."""
        self.qs  # noqa: B018 (filters, and so records each facet's condition)
        queryset = self.queryset
        for name, condition in self.conditions.items():
            if name != "q":
                queryset = queryset.filter(condition)
        return queryset

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by(*self.ordering())

    def ordering(self) -> tuple[Any, ...]:
        sort = self.form.cleaned_data.get("sort")
        if sort:
            return ORDERINGS[Sort(sort)]
        if self.search_condition is not None:
            best_match = tuple(F(column).desc() for column in self.search_ranking)
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
        """What the words typed match (vacancies/search.py), the best matches first."""
        place_names = known_place_names(self.now)
        self.search = CandidateSearch(
            value, language=self.language, place_names=place_names, within=self.search_within
        )
        queryset = self._filter(queryset, name, self.search.condition)
        return queryset.annotate(**self.search.ranking)

    def filter_grade_min(self, queryset, name, value):
        return self._filter(queryset, name, Q(grade_max__gte=value))

    def filter_grade_max(self, queryset, name, value):
        return self._filter(queryset, name, Q(grade_min__lte=value))

    def filter_country(self, queryset, name, value):
        return self._filter(queryset, name, self._at(Location.objects.filter(in_country(value))))

    def filter_location(self, queryset, name, value):
        return self._filter(queryset, name, self._at(Location.objects.filter(pk=value)))

    def _at(self, locations):
        """Posts whose duty station is one of ``locations``, or, when asked, any location."""
        if self.form.cleaned_data.get("other_locations"):
            return located_at(locations)
        return Q(primary_location__in=locations)

    def filter_risk(self, queryset, name, value):
        return self._filter(queryset, name, Q(risk_level="" if value == NO_RISK else value))

    def filter_deadline(self, queryset, name, value):
        return self._filter(queryset, name, deadline_q(Deadline(value), self.now))

    def filter_deadline_before(self, queryset, name, value):
        end_of_day = datetime.combine(value, time.max, tzinfo=timezone.get_current_timezone())
        return self._filter(queryset, name, Q(deadline__lte=end_of_day))

    def filter_clearance(self, queryset, name, value):
        return self._filter(queryset, name, Q(clearance=value))

    def filter_organisation(self, queryset, name, value):
        return self._filter(queryset, name, offered_by(value))


def deadline_q(choice: Deadline, now: datetime) -> Q:
    # On the closing moment rather than the deadline (the same for posts with one): each
    # choice is then one range of the index the list reads in closing order.
    if choice == Deadline.OPEN:
        return Q(still_open(now))
    if choice == Deadline.WEEK:
        return Q(still_open(now), LessThan(CLOSING, now + CLOSING_SOON))
    if choice == Deadline.CLOSED:
        return Q(LessThan(CLOSING, now))
    return Q()
