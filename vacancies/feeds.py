"""An Atom feed for every search of the list: the same query string, newest first, in the
page's language; the list's own selector chooses the vacancies."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext

from jobboard.identity import board_name, organisation_name

from . import display
from .active_filters import active_filters
from .filters import Sort
from .models import Vacancy
from .selectors import vacancy_list_page


@dataclass(frozen=True)
class FollowedSearch:
    """The search a feed follows: its query string, what it shows, and it in words."""

    query: QueryDict
    vacancies: list[Vacancy]
    in_words: list[str]


def search_followed(query: QueryDict) -> QueryDict:
    """What of the list's query string a feed follows: its filters, not its page or order
    (a feed gives the newest first)."""
    followed = query.copy()
    for name in ("page", "sort"):
        followed.pop(name, None)
    return followed


def feed_address(query: QueryDict) -> str:
    """The address of the feed of the search ``query`` shows."""
    followed = search_followed(query)
    address = reverse("vacancies:feed")
    return f"{address}?{followed.urlencode()}" if followed else address


class VacancySearchFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args, **kwargs) -> FollowedSearch:
        query = search_followed(request.GET)
        newest_first = query.copy()
        newest_first["sort"] = Sort.RECENT
        listing = vacancy_list_page(newest_first)
        chips = active_filters(
            query=query,
            path=reverse("vacancies:list"),
            chosen=listing.filter.form.cleaned_data,
            facets=listing.facets,
        )
        return FollowedSearch(query, list(listing.page.object_list), [c.label for c in chips])

    def title(self, search: FollowedSearch) -> str:
        board = board_name(get_language())
        if not search.in_words:
            return gettext("%(board)s: new vacancies") % {"board": board}
        return gettext("%(board)s: new vacancies for %(search)s") % {
            "board": board,
            "search": "; ".join(search.in_words),
        }

    def subtitle(self, search: FollowedSearch) -> str:
        return gettext("The latest vacancies published that match this search, newest first.")

    def feed_url(self, search: FollowedSearch) -> str:
        return feed_address(search.query)

    def link(self, search: FollowedSearch) -> str:
        address = reverse("vacancies:list")
        return f"{address}?{search.query.urlencode()}" if search.query else address

    def author_name(self) -> str:
        return organisation_name(get_language())

    @property
    def language(self) -> str:  # type: ignore[override]
        return get_language()

    def items(self, search: FollowedSearch) -> list[Vacancy]:
        return search.vacancies

    def item_title(self, vacancy: Vacancy) -> str:
        return vacancy.title

    def item_description(self, vacancy: Vacancy) -> str:
        return display.in_one_line(vacancy)

    def item_link(self, vacancy: Vacancy) -> str:
        return vacancy.get_absolute_url()

    def item_pubdate(self, vacancy: Vacancy):
        return vacancy.published_at

    def item_updateddate(self, vacancy: Vacancy):
        return vacancy.updated_at
