"""The admin as HR editors meet it: the HR desk, named for the board it serves in the
editor's language, its "View site" link leading to the public list, its first page saying
what needs attention."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from jobboard.identity import board_name


class HRDesk(admin.AdminSite):
    # A str once read, in the editor's language: the list at /en/ or /fr/.
    site_url = reverse_lazy("vacancies:list")  # type: ignore[assignment]
    index_title = gettext_lazy("What needs attention")
    index_template = "admin/hr_desk_index.html"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        desk = _("HR desk — %(board)s") % {"board": board_name(get_language())}
        context.update(site_header=desk, site_title=desk)
        return context

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        # The apps are loaded after the site.
        from alerts.selectors import alert_statistics
        from vacancies.selectors import desk_attention

        extra = {
            "attention": desk_attention(),
            "alerts": alert_statistics(),
            **(extra_context or {}),
        }
        return super().index(request, extra)
