"""What a family types on /help/: a county, a town or a ZIP code; the counties it may mean."""

import re
from dataclasses import dataclass

from directory.models import County, fold
from directory.places import Place, lookup

# People type "Durham County", "condado de Durham" or "new-hanover"; only the county's own name matters.
COUNTY_WORDS = re.compile(r"^(condado de|condado|county of)\s+|\s+(county|condado|co\.?)$")


@dataclass(frozen=True)
class Choice:
    """Counties to choose from, and why: a town or ZIP code (`place`), or a county's own name (`place` is None)."""

    place: Place | None
    counties: list[County]


def search_key(text: str) -> str:
    words = " ".join(fold(text).replace("-", " ").split())
    return COUNTY_WORDS.sub("", words).strip()


def counties_named(query: str, counties: list[County]) -> tuple[list[County], bool]:
    """Counties whose name is the query (accents and case ignored), else those whose name contains it; and whether
    the match was exact."""
    key = search_key(query)
    if not key:
        return [], False
    keyed = [(search_key(county.name), county) for county in counties]
    exact = [county for name, county in keyed if name == key]
    if exact:
        return exact, True
    return [county for name, county in keyed if key in name], False


def match_counties(query: str, counties: list[County]) -> list[County]:
    return counties_named(query, counties)[0]


def search(query: str, counties: list[County]) -> list[Choice]:
    """Counties named as typed come first, then the towns and ZIP codes: "Franklin" is a county and also a town in
    Macon County, and a family in that town must find Macon. A town lying in the county of the same name ("Durham")
    adds nothing, so that search still goes straight to the county."""
    named, exact = counties_named(query, counties)
    by_fips = {county.pk: county for county in counties}
    choices = [Choice(None, named)] if named else []
    for place in lookup(query):
        # Beside a county named exactly so, only a town of exactly that name: "yancey" is Yancey County, not also
        # Yanceyville.
        if exact and (
            search_key(place.name) != search_key(query)
            or {county.pk for county in named} & set(place.county_fips)
        ):
            continue
        choices.append(Choice(place, [by_fips[fips] for fips in place.county_fips if fips in by_fips]))
    return [choice for choice in choices if choice.counties]


def only_county(choices: list[Choice]) -> County | None:
    """The county when every choice leads to the same one: the search can go straight to its page."""
    found = {county.pk: county for choice in choices for county in choice.counties}
    return next(iter(found.values())) if len(found) == 1 else None
