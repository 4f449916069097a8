"""What the board tells search engines: the sitemap of its pages in both languages, and
robots.txt, which names the sitemap and keeps crawlers out of the admin."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .models import Vacancy


class _BothLanguages(Sitemap):
    # Each address in every language, each naming the others (hreflang). No x-default: the
    # address without a language leads a French visitor nowhere for translated paths.
    i18n = True
    alternates = True


class BoardPagesSitemap(_BothLanguages):
    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["vacancies:list", "accessibility", "privacy"]

    def location(self, item: str) -> str:
        return reverse(item)


class VacanciesSitemap(_BothLanguages):
    changefreq = "daily"

    def items(self):
        return Vacancy.objects.published().only("reference", "updated_at").order_by("pk")

    def lastmod(self, vacancy: Vacancy):
        return vacancy.updated_at


SITEMAPS = {"pages": BoardPagesSitemap, "vacancies": VacanciesSitemap}


def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
        "Disallow: /i18n/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
