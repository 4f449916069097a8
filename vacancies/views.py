from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import condition

from jobboard.identity import logo_url

from .active_filters import active_filters
from .calendar import deadline_calendar
from .feeds import feed_address
from .filters import Deadline
from .freshness import public_briefly, vacancy_last_modified
from .models import Vacancy
from .page_cache import kept_rendered
from .selectors import vacancy_list_page, vacancy_named_by
from .structured_data import as_json_ld, job_posting, page_description


@kept_rendered
@public_briefly
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
            "feed_url": feed_address(request.GET),
        },
    )


@kept_rendered
@public_briefly
@condition(last_modified_func=vacancy_last_modified)
def vacancy_detail(request, reference):
    vacancy = get_object_or_404(Vacancy.objects.published().for_detail(), reference=reference)
    return vacancy_page(request, vacancy)


@public_briefly
@condition(last_modified_func=vacancy_last_modified)
def vacancy_deadline_calendar(request, reference):
    """The vacancy's deadline, to add to a calendar: a published vacancy with a deadline."""
    vacancy = get_object_or_404(
        Vacancy.objects.published().for_detail().filter(deadline__isnull=False),
        reference=reference,
    )
    page_url = request.build_absolute_uri(vacancy.get_absolute_url())
    calendar = deadline_calendar(vacancy, page_url=page_url, host=request.get_host())
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    filename = f"deadline-{vacancy.reference}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def vacancy_page(request, vacancy, **context):
    """A vacancy's public page; the admin's preview of a draft adds to its ``context``."""
    apply_url = settings.APPLY_URL.format(reference=vacancy.reference)
    page_url = request.build_absolute_uri(vacancy.get_absolute_url())
    logo = request.build_absolute_uri(logo_url())
    posting = job_posting(vacancy, page_url=page_url, logo_url=logo)
    return render(
        request,
        "vacancies/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "apply_url": apply_url,
            "job_posting": as_json_ld(posting),
            "description": page_description(vacancy),
            **context,
        },
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
