"""North Carolina ZIP codes and town names, and the counties they lie in.

Families know their town or ZIP code, not their county. `lookup` answers from directory/data/nc_places.csv (built by
scripts/nc_places.py; sources in directory/data/README.md), read once per process: no database, no network.

A ZIP code can reach more than one county (27517 Chapel Hill: Orange, Chatham and Durham), so a ZIP code's Place
carries every county the data gives it, its main county (where most of it lies) first: a caller may show that one
first, or on its own with the others as alternatives. A town's Place carries the main counties of its own ZIP codes,
in FIPS order: one county for almost every town ("Boone": Watauga, "Charlotte": Mecklenburg), two where the town's
own ZIP codes lie mostly in different counties (High Point: Guilford and Randolph). A town whose limits cross a county
line that none of its ZIP codes' main counties shows (Kannapolis: Cabarrus only, though part of it lies in Rowan) gets
only the one county: its ZIP code, when the family gives it, says more.
"""

import csv
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from directory.models import fold

PLACES_CSV = Path(__file__).resolve().parent / "data" / "nc_places.csv"

# Nobody types a town or ZIP code longer than this; anything longer is not worth folding.
MAX_QUERY_LENGTH = 200
PREFIX_MIN_LENGTH = 3
PREFIX_LIMIT = 10

# What people add after the town: "Siler City, NC", "Durham North Carolina", "Durham, Carolina del Norte, USA".
STATE_SUFFIX = re.compile(r"(\s+(nc|n c|north carolina|carolina del norte))?(\s+(usa|us|eeuu|ee uu))?$")
# Short forms written at the start of a town's name; the data spells them out ("Mount Airy", "Saint Pauls").
FIRST_WORDS = {
    "mt": "mount",
    "st": "saint",
    "ft": "fort",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
}
ZIP = re.compile(r"[0-9]{5}([0-9]{4})?", re.ASCII)
ZIP_AT_END = re.compile(r"(?:^|\s)([0-9]{5})(?:\s+[0-9]{4})?$", re.ASCII)


@dataclass(frozen=True)
class Place:
    kind: Literal["zip", "place"]
    name: str  # "27701", or the town as usually written: "Siler City", "Winston-Salem"
    # A ZIP code's: its main county first, then the others in FIPS order: 27517 -> ("37135", "37037", "37063").
    # A town's: the main counties of its own ZIP codes, in FIPS order: "High Point" -> ("37081", "37151").
    county_fips: tuple[str, ...]


@dataclass(frozen=True)
class Index:
    zips: dict[str, Place]
    places: dict[str, list[Place]]  # by key()
    keys: list[str]  # the keys of `places`, sorted, for prefix searches


def ascii_digits(text: str) -> str:
    """Digits in any script as ASCII ("٢٧٧٠١" -> "27701"): phones in Arabic or Persian type them that way."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def words(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces: "  Winston-Salem, NC " -> "winston salem nc"."""
    return " ".join("".join(c if c.isalnum() else " " for c in fold(ascii_digits(text))).split())


def key(text: str) -> str:
    """What a town's name is matched on: its words with short first words spelled out, without spaces, so that
    "Mt. Holly" finds "Mount Holly", "siler  city" finds "Siler City" and "Mc Leansville" finds "McLeansville"."""
    parts = text.split()
    if parts:
        parts[0] = FIRST_WORDS.get(parts[0], parts[0])
    return "".join(parts)


@cache
def index() -> Index:
    zips: dict[str, Place] = {}
    places: dict[str, list[Place]] = {}
    with PLACES_CSV.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            # In the file's order: a ZIP code's main county first.
            counties = tuple(row["counties"].split(";"))
            if row["kind"] == "zip":
                zips[row["name"]] = Place("zip", row["name"], counties)
            else:
                places.setdefault(key(words(row["name"])), []).append(Place("place", row["name"], counties))
    return Index(zips=zips, places=places, keys=sorted(places))


def lookup(query: str) -> list[Place]:
    """The ZIP code or the town(s) a family typed, each with its counties; [] when nothing in North Carolina matches.

    Accepts "27701", "27701-1234", "27 701", "Siler City", "siler city, nc", "SILER CITY North Carolina". A town
    name with no exact match gives the towns whose names start with it (from 3 letters on: "siler" -> Siler City),
    at most PREFIX_LIMIT, in alphabetical order. Never raises.
    """
    if not isinstance(query, str):
        return []
    query = query.strip()
    if len(query) > MAX_QUERY_LENGTH:
        return []
    text = words(query)
    data = index()

    compact = text.replace(" ", "")
    if ZIP.fullmatch(compact):
        return [data.zips[compact[:5]]] if compact[:5] in data.zips else []
    text = STATE_SUFFIX.sub("", text)
    zip_code = ZIP_AT_END.search(text)  # "Durham, NC 27701": the ZIP code says more than the town
    if zip_code:
        place = data.zips.get(zip_code.group(1))
        return [place] if place else []

    wanted = key(text)
    if not wanted:
        return []
    if wanted in data.places:
        return list(data.places[wanted])
    if len(wanted) < PREFIX_MIN_LENGTH:
        return []
    found: list[Place] = []
    for name in data.keys[bisect_left(data.keys, wanted) :]:
        if not name.startswith(wanted):
            break
        found.extend(data.places[name])
    return sorted(found, key=lambda place: place.name)[:PREFIX_LIMIT]
