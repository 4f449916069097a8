from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .filters import Deadline, VacancyFilter, facets
from .models import Vacancy

PAGE_SIZE = 20


def vacancy_list(request):
    """Published vacancies, open ones by default, with filters and their counts."""
    vacancy_filter = VacancyFilter(request.GET, queryset=Vacancy.objects.published())
    vacancy_filter.is_valid()
    number, page_problem = _page_number(request.GET.get("page"))
    offset = min((number - 1) * PAGE_SIZE, 2**31)  # past the end either way
    results = facets(vacancy_filter, offset=offset, limit=PAGE_SIZE)
    paginator = Paginator(vacancy_filter.qs.for_listing(), PAGE_SIZE)
    paginator.count = results.total  # counted with the facets: no COUNT query
    if number > paginator.num_pages:
        page_problem = _("There is no page %(page)d: showing the last page, %(last)d.") % {
            "page": number,
            "last": paginator.num_pages,
        }
        number = paginator.num_pages
        if results.page is not None:
            offset = (number - 1) * PAGE_SIZE
            results = facets(vacancy_filter, offset=offset, limit=PAGE_SIZE)
    page = paginator.page(number)
    if results.page is not None:
        # A search picks the page's vacancies along with the counts: fetch them by key,
        # still published (the counts may come from the cache).
        by_pk = Vacancy.objects.published().for_listing().in_bulk(results.page)
        page.object_list = [by_pk[pk] for pk in results.page if pk in by_pk]
    else:
        page.object_list = list(page.object_list)
    closed_matches = 0
    if not results.total and vacancy_filter.form.cleaned_data.get("deadline") == Deadline.OPEN:
        closed_matches = results.count("deadline", Deadline.CLOSED)
    return render(
        request,
        "vacancies/vacancy_list.html",
        {
            "filter": vacancy_filter,
            "form": vacancy_filter.form,
            "facets": results.options,
            "page": page,
            "page_problem": page_problem,
            "closed_matches": closed_matches,
            "query_without_page": _query_without(request.GET, "page"),
            "closed_query": _query_with(request.GET, deadline=Deadline.CLOSED),
        },
    )


def vacancy_detail(request, reference):
    vacancy = get_object_or_404(Vacancy.objects.published().for_detail(), reference=reference)
    return render(
        request,
        "vacancies/vacancy_detail.html",
        {"vacancy": vacancy, "apply_url": settings.APPLY_URL.format(reference=vacancy.reference)},
    )


def _page_number(raw_number):
    """The page number asked for, or 1 with a sentence saying why."""
    if raw_number in (None, ""):
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


def _query_without(query, name):
    query = query.copy()
    query.pop(name, None)
    return query.urlencode()


def _query_with(query, **values):
    query = query.copy()
    query.pop("page", None)
    for name, value in values.items():
        query[name] = value
    return query.urlencode()
