from django.urls import path, register_converter
from django.utils.translation import pgettext_lazy

from . import views
from .feeds import VacancySearchFeed
from .freshness import public_briefly
from .models import REFERENCE_PATTERN
from .page_cache import kept_rendered


class ReferenceConverter:
    """A vacancy's reference in its address: anything else is a page that does not exist."""

    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")

app_name = "vacancies"
urlpatterns = [
    path("", views.vacancy_list, name="list"),
    path(
        pgettext_lazy("URL path of the list's feed", "feed/"),
        kept_rendered(public_briefly(VacancySearchFeed())),
        name="feed",
    ),
    path(
        pgettext_lazy("URL path of a vacancy", "vacancies/<reference:reference>/"),
        views.vacancy_detail,
        name="detail",
    ),
    path(
        pgettext_lazy(
            "URL path of a vacancy's deadline", "vacancies/<reference:reference>/deadline.ics"
        ),
        views.vacancy_deadline_calendar,
        name="deadline_calendar",
    ),
]
