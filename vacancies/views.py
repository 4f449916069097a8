from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render

from .active_filters import active_filters
from .filters import Deadline
from .models import Vacancy
from .selectors import vacancy_list_page, vacancy_named_by


def vacancy_list(request):
    """Published vacancies, open ones by default, with filters and their counts; a search
    that is a vacancy's reference opens that vacancy."""
    named = vacancy_named_by(request.GET)
    if named is not None:
        return redirect(named)
    listing = vacancy_list_page(request.GET)
    return render(
        request,
        "vacancies/vacancy_list.html",
        {
            "filter": listing.filter,
            "form": listing.filter.form,
            "facets": listing.facets,
            "active_filters": active_filters(
                query=request.GET,
                path=request.path,
                chosen=listing.filter.form.cleaned_data,
                facets=listing.facets,
            ),
            "page": listing.page,
            "shows_demonstration": listing.shows_demonstration,
            "page_problem": listing.page_problem,
            "closed_matches": listing.closed_matches,
            "suggestion": listing.suggestion,
            "suggestion_query": _query_with(request.GET, q=listing.suggestion),
            "query_without_page": _query_without(request.GET, "page"),
            "closed_query": _query_with(request.GET, deadline=Deadline.CLOSED),
        },
    )


def vacancy_detail(request, reference):
    vacancy = get_object_or_404(Vacancy.objects.published().for_detail(), reference=reference)
    return vacancy_page(request, vacancy)


def vacancy_page(request, vacancy, **context):
    """A vacancy's public page; the admin's preview of a draft adds to its ``context``."""
    apply_url = settings.APPLY_URL.format(reference=vacancy.reference)
    return render(
        request,
        "vacancies/vacancy_detail.html",
        {"vacancy": vacancy, "apply_url": apply_url, **context},
    )


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
