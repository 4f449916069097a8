"""The public list is read by one selector (vacancies/selectors.py): what it returns, and
why no filter can be left out of the number of vacancies it reports."""

import django_filters as filters
import pytest
from django.db.models import Q
from django.http import QueryDict
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from vacancies.facets import facets
from vacancies.filters import FACET_OF_PARAMETER, SHOWING_PARAMETERS, VacancyFilter
from vacancies.models import Vacancy
from vacancies.search import reference_typed
from vacancies.selectors import PAGE_SIZE, vacancy_list_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The selector's sentences are in the active language: these tests read English."""
    with translation.override("en"):
        yield


def test_every_filter_has_counts_of_its_own_narrows_the_list_or_changes_how_it_shows():
    searches = {"q"}
    for name in VacancyFilter.base_filters:
        assert name in FACET_OF_PARAMETER or name in searches or name in SHOWING_PARAMETERS, (
            f"{name}: give it a facet in FACET_PARAMETERS, or say how it changes the list"
        )


class _WithANewFilter(VacancyFilter):
    """A filter added without a facet, as a later change might add one."""

    nothing = filters.BooleanFilter(method="filter_nothing")

    def filter_nothing(self, queryset, name, value):
        return self._filter(queryset, name, Q(pk__lt=0) if value else Q())


def test_a_filter_added_without_a_facet_still_narrows_the_total(board):
    everything = _WithANewFilter(QueryDict(""), queryset=Vacancy.objects.published())
    nothing = _WithANewFilter(QueryDict("nothing=true"), queryset=Vacancy.objects.published())
    assert everything.is_valid() and nothing.is_valid()
    assert facets(everything).total == 4
    assert facets(nothing).total == 0


def test_the_list_page_holds_the_vacancies_the_total_and_the_choices(board):
    listing = vacancy_list_page(QueryDict("grade=17&sort=closing"), language="en")
    assert listing.total == 2
    assert [vacancy.reference for vacancy in listing.page] == ["260885", "260066"]
    assert (listing.page.number, listing.page.paginator.num_pages) == (1, 1)
    grades = {option.value: option.count for option in listing.facets["grade"]}
    assert (grades["17"], grades["20"], grades["9"]) == (2, 1, 1)
    assert listing.page_problem == "" and listing.closed_matches == 0


def test_a_page_past_the_end_shows_the_last_one_saying_so(board):
    listing = vacancy_list_page(QueryDict("page=9"), language="en")
    assert listing.page.number == 1
    assert listing.page_problem == "There is no page 9: showing the last page, 1."
    assert len(listing.page) == 4 <= PAGE_SIZE


def test_with_no_open_match_the_closed_matches_are_counted(board):
    listing = vacancy_list_page(QueryDict("q=NSPO"), language="en")
    assert listing.total == 0
    assert listing.closed_matches == 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_whatever_is_searched_a_reference_is_only_ever_digits_from_it(search):
    digits = reference_typed(search)
    assert digits is None or (digits.isdigit() and digits in search)
