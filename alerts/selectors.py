"""What HR editors may know of the alerts: how many, and which searches are followed.
Never an address."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from .models import Subscription
from .searches import search_address, search_in_words

MOST_FOLLOWED = 10


@dataclass(frozen=True)
class FollowedSearch:
    in_words: str  # in the active language
    address: str  # the list showing it
    followers: int


@dataclass(frozen=True)
class AlertStatistics:
    confirmed: int
    per_language: list[tuple[str, int]]  # (language's name, confirmed alerts), every language
    most_followed: list[FollowedSearch]


def alert_statistics() -> AlertStatistics:
    confirmed = Subscription.objects.confirmed()
    counts = dict(confirmed.values("language").annotate(n=Count("pk")).values_list("language", "n"))
    followed = (
        confirmed.values("search")
        .annotate(followers=Count("pk"))
        .order_by("-followers", "search")[:MOST_FOLLOWED]
    )
    return AlertStatistics(
        confirmed=sum(counts.values()),
        per_language=[(str(name), counts.get(code, 0)) for code, name in settings.LANGUAGES],
        most_followed=[
            FollowedSearch(
                search_in_words(row["search"]), search_address(row["search"]), row["followers"]
            )
            for row in followed
        ],
    )
