"""The search an alert follows: the list's own query string, kept in one fixed form, and
what it asks for in words ('Grade 15–18, Brussels, open posts').

The list's filter form decides what a search means: a parameter it refuses, the page
number and the order are not part of the search followed.
"""

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext

from vacancies.active_filters import active_filters
from vacancies.feeds import search_followed
from vacancies.filters import Deadline, VacancyFilter


def followed_search(query: QueryDict) -> str:
    """The list's search in ``query`` as an alert keeps it: the accepted filters, in the
    form's order, each once; '' for all open posts."""
    vacancy_filter = VacancyFilter(search_followed(query), queryset=None)
    vacancy_filter.form.is_valid()
    chosen = vacancy_filter.form.cleaned_data
    kept = QueryDict(mutable=True)
    for name in vacancy_filter.form.fields:
        if name in vacancy_filter.form.errors:
            continue
        value = vacancy_filter.data.get(name)
        if chosen.get(name) in (None, "", False) or not str(value or "").strip():
            continue
        if name == "deadline" and chosen[name] == Deadline.OPEN:
            continue  # the list's default
        kept[name] = str(value).strip()
    return kept.urlencode()


def search_query(search: str) -> QueryDict:
    return QueryDict(search)


def search_in_words(search: str) -> str:
    """The search as a candidate reads it, in the active language."""
    query = search_query(search)
    vacancy_filter = VacancyFilter(query, queryset=None)
    vacancy_filter.form.is_valid()
    chosen = vacancy_filter.form.cleaned_data
    labels = [
        chip.label
        for chip in active_filters(
            query=query, path=reverse("vacancies:list"), chosen=chosen, facets={}
        )
    ]
    if chosen.get("deadline", Deadline.OPEN) == Deadline.OPEN:
        if not labels:
            return gettext("All open posts")
        labels.append(gettext("open posts"))
    return ", ".join(labels)


def search_address(search: str) -> str:
    """The list's address showing the search, in the active language."""
    address = reverse("vacancies:list")
    return f"{address}?{search}" if search else address
