"""What the public pages show, read by named functions: a view asks one of them, then renders.
The feeds, the API and the alerts are to ask the same ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .counting_cache import cached_counts
from .facets import Option, facets
from .filters import Deadline, VacancyFilter, deadline_q
from .models import Location, Vacancy, in_country, offered_by
from .search import (
    CandidateSearch,
    corrected,
    highlighted,
    known_place_names,
    known_words,
    reference_typed,
)
from .services import IMPORTED_FROM

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
    suggestion: str  # a search with no result: one like it that has results ('' when none)

    @property
    def shows_demonstration(self) -> bool:
        """Whether the page shows vacancies generated to try the board out."""
        return any(vacancy.is_demonstration for vacancy in self.page.object_list)


def vacancy_list_page(query: QueryDict, *, language: str | None = None) -> VacancyListPage:
    """The page of the public list that ``query`` (the list's query string) asks for."""
    vacancy_filter = VacancyFilter(query, queryset=Vacancy.objects.published(), language=language)
    vacancy_filter.is_valid()
    number, page_problem = _page_number(query.get("page"))
    counted = facets(vacancy_filter, offset=_offset(number), limit=PAGE_SIZE)
    unknown = _names_of_nothing(vacancy_filter, counted.options)
    if unknown:
        # Counted again without them: the other filters still apply.
        vacancy_filter = VacancyFilter(
            _without(query, *unknown), queryset=Vacancy.objects.published(), language=language
        )
        vacancy_filter.is_valid()
        for name, problem in unknown.items():
            vacancy_filter.form.add_error(name, problem)
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
        vacancies = _found(vacancy_filter, counted.page)
    else:
        bottom = _offset(number)
        top = min(bottom + PAGE_SIZE, counted.total)
        vacancies = list(vacancy_filter.qs.for_listing()[bottom:top]) if top > bottom else []
    closed_matches = 0
    if not counted.total and vacancy_filter.form.cleaned_data.get("deadline") == Deadline.OPEN:
        closed_matches = counted.count("deadline", Deadline.CLOSED)
    suggestion = ""
    if not counted.total and vacancy_filter.search is not None:
        suggestion = _suggested_search(vacancy_filter)
    return VacancyListPage(
        filter=vacancy_filter,
        page=Page(vacancies, number, paginator),
        total=counted.total,
        facets=counted.options,
        page_problem=page_problem,
        closed_matches=closed_matches,
        suggestion=suggestion,
    )


def vacancies_published_since(
    query: QueryDict, *, since: datetime, language: str, now: datetime | None = None
) -> list[Vacancy]:
    """The published vacancies first published at or after ``since`` that the list's search
    ``query`` finds, newest first: what an e-mail alert tells of (alerts/sending.py)."""
    published_since = Q(published_at__gte=since)
    recent = Vacancy.objects.published().filter(published_since)
    vacancy_filter = VacancyFilter(
        query, queryset=recent, language=language, now=now, search_within=published_since
    )
    vacancy_filter.is_valid()
    found = vacancy_filter.qs.for_listing().order_by("-published_at", "reference")
    return list(found)


def _found(vacancy_filter: VacancyFilter, keys: list[int]) -> list[Vacancy]:
    """A search's page, by key and still published (the keys may come from the cache), each
    vacancy with an extract showing why it matched (``search_extract``).

    The extracts are kept in the cache like the counts: working them out reads each notice's
    whole text. They are read along with the vacancies, so a page costs the same queries
    whether they are cached or not.
    """
    search = vacancy_filter.search
    assert search is not None  # a page of keys comes with a search
    vacancies = Vacancy.objects.published().for_listing()
    fetched: dict[int, Vacancy] = {}

    def with_extracts() -> tuple[dict[int, str], None]:
        fetched.update(vacancies.annotate(search_extract=search.extract()).in_bulk(keys))
        return {pk: vacancy.search_extract for pk, vacancy in fetched.items()}, None

    extracts = cached_counts(
        key_parts=("extracts", search.language, search.typed, tuple(keys)),
        now=vacancy_filter.now,
        count=with_extracts,
    )
    by_pk = fetched or vacancies.in_bulk(keys)
    for pk, vacancy in by_pk.items():
        vacancy.search_extract = highlighted(extracts.get(pk) or "")
    return [by_pk[pk] for pk in keys if pk in by_pk]


def _suggested_search(vacancy_filter: VacancyFilter) -> str:
    """A search like the one made, its unknown words replaced by known ones, that finds
    vacancies with the other filters chosen; '' when there is none."""
    search = vacancy_filter.search
    assert search is not None
    suggestion = corrected(search.typed, known_words(vacancy_filter.now))
    if suggestion is None:
        return ""
    better = CandidateSearch(
        suggestion,
        language=vacancy_filter.language,
        place_names=known_place_names(vacancy_filter.now),
    )
    return suggestion if vacancy_filter.without_search().filter(better.condition).exists() else ""


# The filters whose values are names (or a number) typed into the address, how to tell
# whether the board knows the value at all, and what to say when it does not.
_NAMED_VALUES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "country": (
        lambda name: Location.objects.filter(in_country(name)).exists(),
        gettext_noop("no vacancy is in a country called “%(value)s”."),
    ),
    "location": (
        lambda number: Location.objects.filter(pk=number).exists(),
        gettext_noop("there is no duty station number %(value)s."),
    ),
    "organisation": (
        lambda name: Vacancy.objects.published().filter(offered_by(name)).exists(),
        gettext_noop("no vacancy is offered by an organisation called “%(value)s”."),
    ),
    "clearance": (
        lambda name: Vacancy.objects.published().filter(clearance=name).exists(),
        gettext_noop("no vacancy asks for a clearance called “%(value)s”."),
    ),
}


def _names_of_nothing(
    vacancy_filter: VacancyFilter, options: dict[str, list[Option]]
) -> dict[str, str]:
    """The values of named filters that name nothing on the board ('country=Atlantis'), with
    why. A value among the choices is known; only one that is not is looked up, so a list
    chosen from the page costs no query more."""
    unknown = {}
    for name, (exists, problem) in _NAMED_VALUES.items():
        value = vacancy_filter.form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        choices = {option.value for option in options.get(name, [])}
        if str(value) not in choices and not exists(value):
            unknown[name] = _(problem) % {"value": value}
    return unknown


def _without(query: QueryDict, *names: str) -> QueryDict:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query


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


@dataclass(frozen=True)
class DeskAttention:
    """What the HR desk's first page points editors to."""

    drafts: int  # imported or written, not yet published
    with_warnings: int  # whose notice gives something to check (admin_filters.Warnings)
    closing_this_week: int  # published, closing within the week
    recent_imports: list[RecentImport]  # newest first


@dataclass(frozen=True)
class RecentImport:
    vacancy_id: int
    reference: str
    title: str
    file_name: str
    when: datetime
    by: str  # the editor's user name; "" for the import_notices command


def desk_attention() -> DeskAttention:
    week = deadline_q(Deadline.WEEK, timezone.now())
    counts = Vacancy.objects.aggregate(
        drafts=Count("pk", filter=Q(status=Vacancy.Status.DRAFT)),
        with_warnings=Count("pk", filter=Q(warning_count__gt=0)),
        closing=Count("pk", filter=Q(status=Vacancy.Status.PUBLISHED) & week),
    )
    versions = (
        Vacancy.history.filter(history_change_reason__startswith=IMPORTED_FROM)
        .select_related("history_user")
        .order_by("-history_date")[:RECENT_IMPORTS]
    )
    imports = [
        RecentImport(
            version.id,
            version.reference,
            version.title_en,
            version.history_change_reason.removeprefix(IMPORTED_FROM),
            version.history_date,
            version.history_user.get_username() if version.history_user else "",
        )
        for version in versions
    ]
    return DeskAttention(counts["drafts"], counts["with_warnings"], counts["closing"], imports)


RECENT_IMPORTS = 5


def vacancy_named_by(query: QueryDict) -> Vacancy | None:
    """The published vacancy whose whole reference is the search, open or closed: a
    candidate who copies a reference from an e-mail wants that post's page."""
    digits = reference_typed(query.get("q", ""))
    if digits is None:
        return None
    return Vacancy.objects.published().filter(reference=digits).first()
