from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView

from vacancies.api import api
from vacancies.freshness import public_briefly
from vacancies.page_cache import kept_rendered
from vacancies.search_engines import SITEMAPS, robots_txt

# What the board says about itself, linked from every page's footer.
about_pages = [
    path(
        pgettext_lazy("URL path of a page", "accessibility/"),
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path(
        pgettext_lazy("URL path of a page", "privacy/"),
        TemplateView.as_view(template_name="pages/privacy.html"),
        name="privacy",
    ),
]

# Public pages live under /en/ and /fr/; "/" is redirected by LocaleMiddleware to the
# language the browser asks for (English otherwise).
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", api.urls),
    # Search engines: the sitemap's index, one sitemap per section (paged), robots.txt.
    path(
        "sitemap.xml",
        kept_rendered(public_briefly(sitemaps.index)),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        kept_rendered(public_briefly(sitemaps.sitemap)),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", public_briefly(robots_txt), name="robots"),
    *i18n_patterns(
        path("", include("vacancies.urls")),
        path("", include("vacancies.api_urls")),
        path("", include("alerts.urls")),
        *about_pages,
    ),
]

# A database that cannot be reached is a 503 page in the visitor's language (jobboard/errors.py).
handler500 = "jobboard.errors.server_error"
# JSON under /api/, the site's own pages elsewhere.
handler400 = "vacancies.api.bad_request"
handler404 = "vacancies.api.page_not_found"
