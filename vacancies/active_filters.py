"""The filters in effect on the public list, named the way a candidate reads them, each with
the address of the same list without it: the removable chips above the results.

Only what the filter form accepted is named: a value it rejected is explained in the error
box instead, and changes nothing in the list. Places and organisations are named as the
page's choices name them; one that the other filters leave out of the choices is looked up.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from .facets import Option
from .filters import Deadline, Risk
from .models import Location, Vacancy, in_country, offered_by

# The query-string parameters that each chip stands for, and so removes: one chip for the
# grade range, whichever of its ends (or the one grade of older addresses) were asked for.
GRADE_PARAMETERS = ("grade_min", "grade_max", "grade")


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in effect: what it is called ('Grade 15–18', 'Belgium') and the address
    of the list without it."""

    label: str
    removal_url: str


def active_filters(
    *,
    query: QueryDict,
    path: str,
    chosen: Mapping[str, Any],
    facets: Mapping[str, Sequence[Option]],
) -> list[ActiveFilter]:
    """The filters of ``query`` in effect on the list at ``path``: ``chosen`` is what the
    filter form accepted (its cleaned data), ``facets`` the choices the page offers, which
    name places and organisations in the page's language."""
    return [
        ActiveFilter(label, _address(path, _without(query, parameters)))
        for label, parameters in _named_filters(chosen, facets)
    ]


def _named_filters(
    chosen: Mapping[str, Any], facets: Mapping[str, Sequence[Option]]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(label, parameters it stands for) of each filter in effect, in the form's order."""
    if chosen.get("q"):
        yield gettext("Search: “%(words)s”") % {"words": chosen["q"]}, ("q",)
    grades = _grade_range(chosen.get("grade_min"), chosen.get("grade_max"))
    if grades:
        yield grades, GRADE_PARAMETERS
    if chosen.get("country"):
        yield _named(facets, "country", chosen["country"]), ("country",)
    if chosen.get("location") is not None:
        yield _named(facets, "location", str(int(chosen["location"]))), ("location",)
    if chosen.get("other_locations") and (chosen.get("country") or chosen.get("location")):
        # Without a country or a duty station the box changes nothing: no chip.
        yield gettext("Including other locations"), ("other_locations",)
    if chosen.get("risk"):
        yield str(Risk(chosen["risk"]).label), ("risk",)
    if chosen.get("deadline") and chosen["deadline"] != Deadline.OPEN:
        yield str(Deadline(chosen["deadline"]).label), ("deadline",)
    if chosen.get("deadline_before"):
        yield _closing_before(chosen["deadline_before"]), ("deadline_before",)
    if chosen.get("clearance"):
        yield gettext("Clearance %(level)s") % {"level": chosen["clearance"]}, ("clearance",)
    if chosen.get("organisation"):
        yield _named(facets, "organisation", chosen["organisation"]), ("organisation",)


def _grade_range(lowest: Decimal | None, highest: Decimal | None) -> str:
    """'Grade 15–18', 'Grade 17', 'Grade from 15', 'Grade up to 10'; '' for any grade."""
    low = None if lowest is None else int(lowest)
    high = None if highest is None else int(highest)
    if low is not None and high is not None:
        if low == high:
            return gettext("Grade %(grade)d") % {"grade": low}
        return gettext("Grade %(low)d–%(high)d") % {"low": low, "high": high}
    if low is not None:
        return gettext("Grade from %(grade)d") % {"grade": low}
    if high is not None:
        return gettext("Grade up to %(grade)d") % {"grade": high}
    return ""


def _closing_before(day: date) -> str:
    return gettext("Closing before %(date)s") % {"date": date_format(day, "DATE_FORMAT")}


def _named(facets: Mapping[str, Sequence[Option]], facet: str, value: str) -> str:
    """What the page calls ``value`` among a facet's choices, found by its value or by its
    name (a country typed in French). A value that no vacancy with the other filters has is
    not among them: its name is then looked up, in the page's language."""
    for option in facets.get(facet, ()):
        if option.value == value or option.label.casefold() == value.casefold():
            return option.label
    return _NAMES_LOOKED_UP[facet](value)


def _country_name(typed: str) -> str:
    names = Location.objects.filter(in_country(typed)).values_list("country", "country_fr").first()
    if names is None:
        return typed
    country, country_fr = names
    return (_in_french() and country_fr) or country  # as the country facet names it


def _duty_station_name(number: str) -> str:
    station = Location.objects.filter(pk=number).first()
    return station.name if station is not None else gettext("Duty station")


def _organisation_name(typed: str) -> str:
    names = (
        Vacancy.objects.published()
        .filter(offered_by(typed))
        .values_list("organisation_en", "organisation_fr")
        .first()
    )
    if names is None:
        return typed
    english, french = names
    return (_in_french() and french) or english


_NAMES_LOOKED_UP: dict[str, Callable[[str], str]] = {
    "country": _country_name,
    "location": _duty_station_name,
    "organisation": _organisation_name,
}


def _in_french() -> bool:
    return get_language() == "fr"


def _without(query: QueryDict, parameters: tuple[str, ...]) -> str:
    """``query`` without ``parameters``, the page number or any empty value (a form sends
    every field, chosen or not)."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if name in parameters or name == "page":
            continue
        for value in values:
            if value.strip():
                kept.appendlist(name, value)
    return kept.urlencode()


def _address(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path
