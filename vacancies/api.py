"""The board's public JSON API, /api/v1/: read-only, open to any site.

The list is the public list's own page (selectors.vacancy_list_page): the same filters,
search, order and pages, so the two cannot disagree. Each vacancy is given in full, in both
languages. /api/v1/openapi.json describes it all (OpenAPI 3.1), and the API's page for
people (templates/api/docs.html) explains it.
"""

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.urls import NoReverseMatch, URLPattern, URLResolver, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import NinjaAPI, Path, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError

from . import display
from .api_schemas import (
    LANGUAGES,
    Errors,
    Grade,
    Links,
    Place,
    PlaceInBothLanguages,
    Problem,
    Salary,
    Section,
    VacancyDetail,
    VacancyPage,
    VacancySummary,
    list_parameters,
)
from .freshness import changed_at, public_briefly
from .models import REFERENCE_PATTERN, Location, Vacancy
from .selectors import VacancyListPage, vacancy_list_page

View = Callable[..., HttpResponseBase]
READ_METHODS = ("GET", "HEAD")
ALLOW = "GET, HEAD, OPTIONS"
# A day: browsers then ask again at most once a day whether a page may read the API.
PREFLIGHT_MAX_AGE = 24 * 3600


class ReadOnlyAPI(NinjaAPI):
    """Every address of the API answers GET and HEAD from any origin and the browsers' CORS
    preflight for them; any other method is a 405. Its root lists where things are."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                view = index if pattern.name == "api-root" else pattern.callback
                pattern = URLPattern(
                    pattern.pattern, open_for_reading(view), pattern.default_args, pattern.name
                )
            patterns.append(pattern)
        return patterns


def open_for_reading(view: View) -> View:
    @wraps(view)
    def read_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            return _preflight()
        if request.method not in READ_METHODS:
            return _not_allowed()
        if request.method == "HEAD":
            # Answered as GET is; HeadWithoutBodyMiddleware drops the body afterwards.
            request.method = "GET"
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.method = "HEAD"
        else:
            response = view(request, *args, **kwargs)
        # Compared here rather than by the middleware, so that a 304 too may be read by any
        # site (the middleware's 304 keeps only the caching headers).
        if request.method == "GET" and isinstance(response, HttpResponse):
            set_response_etag(response)
            response = (
                get_conditional_response(
                    request,
                    etag=response["ETag"],
                    last_modified=_last_modified(response),
                    response=response,
                )
                or response
            )
        response["Access-Control-Allow-Origin"] = "*"
        return response

    # Nothing it lets through changes anything, so there is nothing to forge.
    read_only.csrf_exempt = True  # type: ignore[attr-defined]
    return read_only


def _last_modified(response: HttpResponse) -> int | None:
    header = response.get("Last-Modified")
    return parse_http_date_safe(header) if header else None


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ALLOW
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET"
    response["Access-Control-Allow-Headers"] = "*"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _not_allowed() -> JsonResponse:
    response = JsonResponse({"detail": "This API only reads: use GET."}, status=405)
    response["Allow"] = ALLOW
    return response


api = ReadOnlyAPI(
    title=f"{settings.BOARD_NAME['en']}: vacancies API",
    version="1",
    description=(
        "The published vacancies of the board, read-only and free to use from any site: "
        "the same filters, search, order and pages as the public list, and each vacancy in "
        "full, in English and French. No key is needed. Errors are JSON: 400 with "
        '`{"errors": {parameter: [why, ...]}}` for values that cannot be used, 404 with '
        '`{"detail": why}`.'
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # the page for people is the site's own (vacancies/api_urls.py)
)


@api.get(
    "/vacancies/",
    response={200: VacancyPage, 400: Errors},
    url_name="vacancy_list",
    operation_id="listVacancies",
    summary="The published vacancies",
    description=(
        "Open vacancies by default, closing soonest first, 20 a page, filtered, searched and "
        "sorted as the public list is, by the same parameters. Parameters not listed here "
        "are ignored; a listed one whose value cannot be used is a 400 error naming it."
    ),
    tags=["vacancies"],
    openapi_extra={"parameters": list_parameters()},
)
@decorate_view(public_briefly)
def vacancy_list(request: HttpRequest, response: HttpResponse) -> Status[Any]:
    language = request.GET.get("lang") or "en"
    errors = {} if language in LANGUAGES else {"lang": ["Choose “en” or “fr”."]}
    if errors:
        language = "en"
    with override(language):
        listing = vacancy_list_page(request.GET, language=language)
        errors.update(_problems(request.GET, listing))
        if errors:
            return Status(400, Errors(errors=errors))
        response["Content-Language"] = language
        shown = listing.page.object_list
        if shown:
            # As a feed's: when the newest of the vacancies shown changed.
            latest = max(changed_at(vacancy.updated_at, vacancy.deadline) for vacancy in shown)
            response["Last-Modified"] = http_date(latest.timestamp())
        return Status(200, _page(request, listing))


def _problems(query: QueryDict, listing: VacancyListPage) -> dict[str, list[str]]:
    """The parameters the list could not use, with why, in the active language."""
    errors = {
        name: [error["message"] for error in problems]
        for name, problems in listing.filter.form.errors.get_json_data().items()
    }
    if "grade" in query and not (query.get("grade_min") or query.get("grade_max")):
        # The older parameter is read as the range from it to it: named as it was given.
        moved = [message for name in ("grade_min", "grade_max") for message in errors.pop(name, [])]
        if moved:
            errors["grade"] = moved
    if listing.page_problem:
        errors["page"] = [_page_problem(query.get("page", ""), listing.page)]
    return errors


def _page_problem(asked: str, shown: Page[Vacancy]) -> str:
    """Why the page asked for is not there; the list shows another, the API none."""
    try:
        number = int(asked)
    except ValueError:
        number = 0
    if number > shown.paginator.num_pages:
        return _("There is no page %(page)d: the last page is %(last)d.") % {
            "page": number,
            "last": shown.paginator.num_pages,
        }
    return _("Enter a whole number, 1 or more.")


def _page(request: HttpRequest, listing: VacancyListPage) -> VacancyPage:
    page = listing.page
    return VacancyPage(
        count=listing.total,
        next=_page_url(request, page.next_page_number()) if page.has_next() else None,
        previous=_page_url(request, page.previous_page_number()) if page.has_previous() else None,
        results=[_summary(request, vacancy) for vacancy in page.object_list],
    )


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}".rstrip("?"))


def _summary(request: HttpRequest, vacancy: Vacancy) -> VacancySummary:
    """The vacancy as the list shows it, in the active language."""
    station = vacancy.primary_location
    return VacancySummary(
        **_common(vacancy),
        language=vacancy.content_language,
        title=vacancy.title,
        organisation=vacancy.organisation,
        duty_station=_place(station) if station else None,
        other_locations=[_place(location) for location in vacancy.other_locations.all()],
        risk_label=display.risk_level(vacancy.risk_level) if vacancy.risk_level else None,
        url=request.build_absolute_uri(vacancy.get_absolute_url()),
        api_url=request.build_absolute_uri(_api_path(vacancy)),
    )


def _common(vacancy: Vacancy) -> dict[str, Any]:
    """The values given the same way in the list and in a vacancy's description."""
    salary = None
    if vacancy.salary_amount is not None:
        salary = Salary(
            amount=str(vacancy.salary_amount),
            currency=vacancy.salary_currency or None,
            period=vacancy.salary_period or None,
        )
    return {
        "reference": vacancy.reference,
        "grade": Grade(
            label=vacancy.grade_label or None, min=vacancy.grade_min, max=vacancy.grade_max
        ),
        "deadline": _local(vacancy.deadline),
        "deadline_ongoing": vacancy.deadline_ongoing,
        "salary": salary,
        "risk_level": vacancy.risk_level or None,
        "clearance": vacancy.clearance or None,
        "unaccompanied": vacancy.unaccompanied,
        "pending_budget_approval": vacancy.pending_budget_approval,
        "demonstration": vacancy.is_demonstration,
        "published_at": _local(vacancy.published_at),
    }


def _local(moment: datetime | None) -> datetime | None:
    """In the board's time zone, as the notices and the public pages give deadlines, to the
    second (JSON would otherwise cut it to the millisecond)."""
    return timezone.localtime(moment).replace(microsecond=0) if moment is not None else None


def _place(location: Location) -> Place:
    """The place in the active language, named as Location.name names it."""
    if get_language() == "fr":
        return Place(
            city=location.city_fr or location.city, country=location.country_fr or location.country
        )
    return Place(city=location.city, country=location.country)


def _api_path(vacancy: Vacancy) -> str:
    return reverse("api:vacancy_detail", kwargs={"reference": vacancy.reference})


@api.get(
    "/vacancies/{reference}/",
    response={200: VacancyDetail, 404: Problem},
    url_name="vacancy_detail",
    operation_id="getVacancy",
    summary="A published vacancy, in full",
    description=(
        "Everything the vacancy’s public pages show, in English and in French, open or "
        "closed. A reference that no published vacancy has is a 404 error."
    ),
    tags=["vacancies"],
)
@decorate_view(public_briefly)
def vacancy_detail(
    request: HttpRequest,
    response: HttpResponse,
    reference: str = Path(
        description="The vacancy’s reference, as its notice gives it.",
        example="260063",
        pattern=f"^{REFERENCE_PATTERN}$",
    ),
) -> Status[Any]:
    vacancy = Vacancy.objects.published().for_detail().filter(reference=reference).first()
    if vacancy is None:
        return Status(404, _no_vacancy(reference))
    response["Last-Modified"] = http_date(
        changed_at(vacancy.updated_at, vacancy.deadline).timestamp()
    )
    return Status(200, _detail(request, vacancy))


@api.exception_handler(ValidationError)
def _not_a_reference(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A reference that is no reference (the pattern in the description) names no vacancy
    either: a 404 like any other."""
    match = request.resolver_match
    if match is None or "reference" not in match.kwargs:
        return api.create_response(request, {"detail": error.errors}, status=422)
    problem = _no_vacancy(str(match.kwargs["reference"]))
    return api.create_response(request, problem.model_dump(), status=404)


def _no_vacancy(reference: str) -> Problem:
    shown = reference if len(reference) <= 40 else f"{reference[:40]}…"
    return Problem(detail=f"No published vacancy has the reference “{shown}”.")


def _detail(request: HttpRequest, vacancy: Vacancy) -> VacancyDetail:
    pages = {}
    for language in LANGUAGES:
        with override(language):
            pages[language] = request.build_absolute_uri(vacancy.get_absolute_url())
    station = vacancy.primary_location
    return VacancyDetail(
        **_common(vacancy),
        has_french=vacancy.has_french,
        title_en=vacancy.title_en,
        title_fr=vacancy.title_fr or None,
        organisation_en=vacancy.organisation_en or None,
        organisation_fr=vacancy.organisation_fr or None,
        schedule_en=vacancy.schedule_en or None,
        schedule_fr=vacancy.schedule_fr or None,
        duty_station=_both_names(station) if station else None,
        other_locations=[_both_names(location) for location in vacancy.other_locations.all()],
        open=vacancy.is_open,
        risk_note_en=vacancy.risk_note_en or None,
        risk_note_fr=vacancy.risk_note_fr or None,
        sections_en=[Section(**section) for section in vacancy.sections_en],
        sections_fr=[Section(**section) for section in vacancy.sections_fr],
        updated_at=timezone.localtime(vacancy.updated_at).replace(microsecond=0),
        links=Links(
            page_en=pages["en"],
            page_fr=pages["fr"],
            apply=settings.APPLY_URL.format(reference=vacancy.reference),
            api=request.build_absolute_uri(_api_path(vacancy)),
        ),
    )


def _both_names(location: Location) -> PlaceInBothLanguages:
    return PlaceInBothLanguages(
        city_en=location.city,
        country_en=location.country,
        city_fr=location.city_fr or location.city,
        country_fr=location.country_fr or location.country,
    )


def index(request: HttpRequest, **kwargs: Any) -> JsonResponse:
    """/api/v1/ itself: where the API's parts are."""
    return JsonResponse(
        {
            "vacancies": request.build_absolute_uri(reverse("api:vacancy_list")),
            "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
            "documentation": request.build_absolute_uri(_documentation_path()),
        }
    )


def _documentation_path() -> str:
    with override("en"):
        try:
            return reverse("api_documentation")
        except NoReverseMatch:  # the page for people is not served: the description stands in
            return reverse("api:openapi-json")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: JSON under /api/, the site's page elsewhere. A query string with a NUL is
    refused before any view (jobboard.middleware)."""
    if _in_api(request):
        return _json_error(
            400, "Bad request: the address cannot be read (a NUL character, for instance)."
        )
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/, the site's page elsewhere."""
    if _in_api(request):
        return _json_error(404, "There is nothing at this address: see /api/v1/openapi.json.")
    return defaults.page_not_found(request, exception)


def _in_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json_error(status: int, detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response
