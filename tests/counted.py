"""Counts from memory beside the database's: the list's filter as the list's selector makes
it, and what a list's counts say (facets.Counted, and when they next change) in a form
that compares the two."""

from django.http import QueryDict

from vacancies.filters import VacancyFilter
from vacancies.models import Vacancy


def list_filter(query: str = "", *, language: str = "en", now=None) -> VacancyFilter:
    """The list's filter for its query string, as the list's selector makes it."""
    vacancy_filter = VacancyFilter(
        QueryDict(query), queryset=Vacancy.objects.published(), language=language, now=now
    )
    vacancy_filter.is_valid()
    vacancy_filter.qs  # noqa: B018 (records each facet's condition)
    return vacancy_filter


def comparable(counted, changes_at) -> dict:
    return {
        "total": counted.total,
        "page": counted.page,
        "deadline": counted.by_deadline,
        "risk": counted.by_risk_level,
        "clearance": counted.by_clearance,
        "organisation": counted.by_organisation,
        "grades": sorted(counted.grade_ranges),
        "places": sorted(counted.places),
        "countries": sorted(counted.countries),
        "changes at": changes_at,
    }
