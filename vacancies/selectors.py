"""What the public pages show, read by named functions: a view asks one of them, then renders.
The feeds, the API and the alerts are to ask the same ones."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.translation import gettext as _

from .facets import Option, facets
from .filters import Deadline, VacancyFilter, reference_typed
from .models import Vacancy

PAGE_SIZE = 20


@dataclass(frozen=True)
class VacancyListPage:
    """One page of the public list, and all that the list page says around it."""

    filter: VacancyFilter  # the filters as understood, with the values left out and why
    page: Page[Vacancy]  # the page's vacancies, its number and the number of pages
    total: int  # how many vacancies match
    facets: dict[str, list[Option]]  # each facet's choices with their counts
    page_problem: str  # why another page than the one asked for is shown ('' when none)
    closed_matches: int  # with no open match: how many closed vacancies would match


def vacancy_list_page(query: QueryDict, *, language: str | None = None) -> VacancyListPage:
    """The page of the public list that ``query`` (the list's query string) asks for."""
    vacancy_filter = VacancyFilter(query, queryset=Vacancy.objects.published(), language=language)
    vacancy_filter.is_valid()
    number, page_problem = _page_number(query.get("page"))
    counted = facets(vacancy_filter, offset=_offset(number), limit=PAGE_SIZE)
    paginator = _KnownCountPaginator(counted.total)
    if number > paginator.num_pages:
        page_problem = _("There is no page %(page)d: showing the last page, %(last)d.") % {
            "page": number,
            "last": paginator.num_pages,
        }
        number = paginator.num_pages
        if counted.page is not None:
            # A search's page comes with its counts: ask again for the last one (cached).
            counted = facets(vacancy_filter, offset=_offset(number), limit=PAGE_SIZE)
    if counted.page is not None:
        # Fetched by key, still published (the counts may come from the cache).
        by_pk = Vacancy.objects.published().for_listing().in_bulk(counted.page)
        vacancies = [by_pk[pk] for pk in counted.page if pk in by_pk]
    else:
        bottom = _offset(number)
        top = min(bottom + PAGE_SIZE, counted.total)
        vacancies = list(vacancy_filter.qs.for_listing()[bottom:top]) if top > bottom else []
    closed_matches = 0
    if not counted.total and vacancy_filter.form.cleaned_data.get("deadline") == Deadline.OPEN:
        closed_matches = counted.count("deadline", Deadline.CLOSED)
    return VacancyListPage(
        filter=vacancy_filter,
        page=Page(vacancies, number, paginator),
        total=counted.total,
        facets=counted.options,
        page_problem=page_problem,
        closed_matches=closed_matches,
    )


# Generic for the type checker only: Paginator[Vacancy] cannot be written at run time.
class _KnownCountPaginator(Paginator):  # type: ignore[type-arg]
    """Page numbers for ``count`` vacancies already counted with the facets: no COUNT query,
    and the vacancies of a page are fetched by vacancy_list_page itself."""

    def __init__(self, count: int):
        super().__init__((), PAGE_SIZE)
        self.count = count  # a cached_property on Paginator, known here


def _offset(number: int) -> int:
    return min((number - 1) * PAGE_SIZE, 2**31)  # past the end either way


def _page_number(raw_number: str | None) -> tuple[int, str]:
    """The page number asked for, or 1 with a sentence saying why."""
    if not raw_number:
        return 1, ""
    try:
        number = int(raw_number)
    except ValueError:
        return 1, _("“%(page)s” is not a page number: showing the first page.") % {
            "page": raw_number[:20]
        }
    if number < 1:
        return 1, _("Pages start at 1: showing the first page.")
    return number, ""


def vacancy_named_by(query: QueryDict) -> Vacancy | None:
    """The published vacancy whose whole reference is the search, open or closed: a
    candidate who copies a reference from an e-mail wants that post's page."""
    digits = reference_typed(query.get("q", ""))
    if digits is None:
        return None
    return Vacancy.objects.published().filter(reference=digits).first()
