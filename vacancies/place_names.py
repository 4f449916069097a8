"""The places as searches and the list's counts know them: each location's names, and every
name a search can find a place by."""

from django.db.models.functions import Upper

from .folding import folded_name
from .models import Location, PlaceName

PlaceNames = dict[str, frozenset[int]]  # a folded name -> the locations it names
LocationNames = dict[int, tuple[str, str, str, str]]  # pk -> city, country, city_fr, country_fr


def read_places(alias: str) -> tuple[LocationNames, PlaceNames]:
    """Each location's names, and each name a search finds places by: a location's own
    names and the other names given to its city or its country (compared as PostgreSQL
    compares iexact: in upper case, as it writes it). Two small queries."""
    other_names: dict[str, list[str]] = {}
    for place, name in PlaceName.objects.using(alias).values_list(Upper("place"), "name"):
        other_names.setdefault(place, []).append(name)
    locations: LocationNames = {}
    names: dict[str, set[int]] = {}
    for pk, city, country, city_fr, country_fr, city_key, country_key in (
        Location.objects.using(alias)
        .order_by()
        .values_list(
            "pk", "city", "country", "city_fr", "country_fr", Upper("city"), Upper("country")
        )
    ):
        locations[pk] = (city, country, city_fr, country_fr)
        named_so = other_names.get(city_key, []) + other_names.get(country_key, [])
        for name in filter(None, map(folded_name, [city, country, city_fr, country_fr, *named_so])):
            names.setdefault(name, set()).add(pk)
    return locations, {name: frozenset(pks) for name, pks in names.items()}
