"""The API's page for people, under /en/ and /fr/ (the API itself is vacancies/api.py)."""

from typing import Any

from django.urls import URLPattern, path, reverse
from django.views.generic import TemplateView

from .api_schemas import LANGUAGES, choices, schema_of
from .filters import VacancyFilter
from .models import Vacancy
from .selectors import PAGE_SIZE


class ApiDocumentation(TemplateView):
    template_name = "api/docs.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        example = Vacancy.objects.published().open().order_by("deadline", "reference").first()
        context.update(
            # The list's filters, read from the list itself: in the page's language, and
            # never other than the ones the API takes.
            filters=[
                {
                    "name": name,
                    "label": filter_.field.label,
                    "help": filter_.field.help_text,
                    "schema": schema_of(filter_.field),
                    "choices": choices(filter_.field),
                }
                for name, filter_ in VacancyFilter.base_filters.items()
            ],
            base=request.build_absolute_uri("/").rstrip("/"),
            list_path=reverse("api:vacancy_list"),
            openapi_path=reverse("api:openapi-json"),
            example_reference=example.reference if example else "260063",
            languages=LANGUAGES,
            page_size=PAGE_SIZE,
        )
        return context


urlpatterns: list[URLPattern] = [
    path("api/", ApiDocumentation.as_view(), name="api_documentation"),
]
