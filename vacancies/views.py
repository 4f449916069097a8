from django.utils import timezone
from django.views.generic import TemplateView

from .models import Vacancy


class VacancyListView(TemplateView):
    """Published vacancies: the open ones closing soonest first, then those that closed."""

    template_name = "vacancies/vacancy_list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        published = Vacancy.objects.published().select_related("primary_location")
        return super().get_context_data(
            open_vacancies=published.open(now).order_by("deadline", "reference"),
            closed_vacancies=published.closed(now).order_by("-deadline", "reference"),
            **kwargs,
        )
