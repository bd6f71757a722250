"""Town and ZIP code to county lookup: directory/places.py over directory/data/nc_places.csv. No database."""

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from directory.places import PLACES_CSV, PREFIX_LIMIT, Place, lookup

COUNTIES_CSV = Path(PLACES_CSV).parent / "nc_counties.csv"

with COUNTIES_CSV.open(encoding="utf-8") as _file:
    FIPS = {row["name"]: row["fips"] for row in csv.DictReader(_file)}


def fips(*names: str) -> set[str]:
    return {FIPS[name] for name in names}


# ZIP codes whose counties are known on the map: its main county first (where most of it lies), then the others the
# ZIP code reaches, in FIPS order.
EXACT_ZIPS = [
    ("27701", ["Durham"]),  # downtown Durham
    ("27601", ["Wake"]),  # downtown Raleigh
    ("28202", ["Mecklenburg"]),  # uptown Charlotte
    ("28801", ["Buncombe"]),  # downtown Asheville
    ("27101", ["Forsyth"]),  # downtown Winston-Salem
    ("28301", ["Cumberland"]),  # Fayetteville
    ("27510", ["Orange"]),  # Carrboro
    ("27954", ["Dare"]),  # Manteo
    ("28467", ["Brunswick"]),  # Calabash
    ("27517", ["Orange", "Chatham", "Durham"]),  # Chapel Hill, south and east
    ("27703", ["Durham", "Wake"]),  # east Durham, reaching into Wake
    ("27617", ["Wake", "Durham"]),  # Brier Creek, Raleigh
    ("27560", ["Wake", "Durham"]),  # Morrisville and Research Triangle Park
    ("27519", ["Wake", "Chatham"]),  # west Cary
    ("27107", ["Forsyth", "Davidson"]),  # south Winston-Salem
    ("27265", ["Guilford", "Davidson", "Forsyth"]),  # north High Point
    ("27260", ["Guilford", "Randolph"]),  # south High Point
    ("27263", ["Randolph", "Guilford"]),  # Archdale, High Point's ZIP code in Randolph
    ("28645", ["Caldwell", "Burke", "Watauga", "Wilkes"]),  # Lenoir, which also accepts "Boone"
    ("27344", ["Chatham", "Alamance", "Randolph"]),  # Siler City
    ("28083", ["Cabarrus", "Rowan"]),  # Kannapolis, reaching into Rowan
]
# A town's counties: the main counties of the ZIP codes whose postal town it is. Not the slivers those ZIP codes
# reach, nor the ZIP codes of other towns that accept its name ("Boone" is not Caldwell because 28645 Lenoir takes
# mail for Boone).
TOWNS = [
    ("Boone", ["Watauga"]),
    ("Siler City", ["Chatham"]),
    ("Charlotte", ["Mecklenburg"]),
    ("Asheville", ["Buncombe"]),
    ("Greensboro", ["Guilford"]),
    ("Wilmington", ["New Hanover"]),
    ("Sanford", ["Lee"]),
    ("Lenoir", ["Caldwell"]),
    ("Franklin", ["Macon"]),
    ("Raleigh", ["Wake"]),
    ("Durham", ["Durham"]),
    ("Chapel Hill", ["Orange"]),
    ("Cary", ["Wake"]),
    ("Kannapolis", ["Cabarrus"]),
    ("Mooresville", ["Iredell"]),
    ("Winston-Salem", ["Forsyth"]),
    ("Hickory", ["Catawba"]),
    ("Carrboro", ["Orange"]),
    ("Jacksonville", ["Onslow"]),
    ("Manteo", ["Dare"]),
    ("Davidson", ["Mecklenburg"]),  # the town, not Davidson County
    # Towns whose own ZIP codes have different main counties.
    ("High Point", ["Guilford", "Randolph"]),  # 27263 lies mostly in Randolph
    ("Rocky Mount", ["Edgecombe", "Nash"]),
    ("Matthews", ["Mecklenburg", "Union"]),  # 28104 Matthews lies mostly in Union
    # Names that are no ZIP code's postal town: the main counties of the ZIP codes that accept them.
    ("Bermuda Run", ["Davie"]),  # 27006 Advance
    ("Archdale", ["Randolph"]),  # 27263 High Point
]
MULTI_COUNTY_TOWNS = ["High Point", "Matthews", "Rocky Mount"]


@pytest.mark.parametrize(("query", "counties"), EXACT_ZIPS)
def test_a_zip_code_gives_its_main_county_first_then_the_others(query, counties):
    main, *others = [FIPS[name] for name in counties]
    assert others == sorted(others)
    assert lookup(query) == [Place("zip", query, (main, *others))]


@pytest.mark.parametrize(("query", "counties"), TOWNS)
def test_a_town_gives_the_main_counties_of_its_own_zip_codes(query, counties):
    assert lookup(query) == [Place("place", query, tuple(sorted(fips(*counties))))]


def test_only_towns_whose_own_zip_codes_lie_in_different_counties_give_a_choice():
    towns = [row["name"] for row in read_rows() if row["kind"] == "place" and ";" in row["counties"]]
    assert towns == MULTI_COUNTY_TOWNS


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("siler  city", "Siler City"),
        ("SILER CITY, NC", "Siler City"),
        ("  Siler City, North Carolina. ", "Siler City"),
        ("Siler City, Carolina del Norte", "Siler City"),
        ("Siler City NC USA", "Siler City"),
        ("Siler City" + " " * 500, "Siler City"),
        ("ÁSHEVILLE", "Asheville"),
        ("ashevîlle", "Asheville"),
        ("winston salem", "Winston-Salem"),
        ("Winston-Salem, N.C.", "Winston-Salem"),
        ("fuquay varina", "Fuquay-Varina"),
        ("Mt. Airy", "Mount Airy"),
        ("St Pauls", "Saint Pauls"),
        ("N Wilkesboro", "North Wilkesboro"),
        ("mc leansville", "McLeansville"),
        ("Bear Grass", "Bear Grass"),
        ("beargrass", "Bear Grass"),
    ],
)
def test_a_town_is_found_however_it_is_typed(query, name):
    assert [place.name for place in lookup(query)] == [name]


@pytest.mark.parametrize(
    "query", ["27517-1234", "275171234", "27 517", " 27517 ", "2 7 5 1 7", "Chapel Hill, NC 27517", "٢٧٥١٧"]
)
def test_a_zip_code_is_found_however_it_is_typed(query):
    assert [place.name for place in lookup(query)] == ["27517"]


def test_a_zip_code_after_the_town_wins_over_the_town():
    # The ZIP code places the family more precisely than the town's name.
    assert [place.name for place in lookup("Durham, NC 27701-1234")] == ["27701"]


def test_a_beginning_of_a_name_gives_the_towns_that_start_with_it():
    assert [place.name for place in lookup("siler")] == ["Siler City"]
    assert [place.name for place in lookup("chapel h")] == ["Chapel Hill"]
    assert [place.name for place in lookup("mount")] == [
        "Mount Airy",
        "Mount Gilead",
        "Mount Holly",
        "Mount Mourne",
        "Mount Olive",
        "Mount Pleasant",
        "Mount Ulla",
        "Mountain Home",
    ]


def test_an_exact_name_does_not_bring_the_towns_that_start_with_it():
    # "Wilson" is a town; "Wilsons Mills" is another, and is not what the family typed.
    assert [place.name for place in lookup("Wilson")] == ["Wilson"]


def test_beginnings_are_capped_and_need_three_letters():
    assert (
        len(lookup("pin")) == PREFIX_LIMIT
    )  # Pine Hall, Pine Knoll Shores, Pine Level, Pinebluff, ...: 12 towns
    assert all(place.name.startswith("Pin") for place in lookup("pin"))
    assert lookup("pi") == []
    assert lookup("27") == []
    assert lookup("2751") == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        ", NC",
        "North Carolina",
        "NC",
        "10001",  # New York
        "29201",  # Columbia, South Carolina
        "27517-12",
        "2751712345",
        "Atlantis",
        "Durham County",  # a county, not a town: the county list answers that
        "Chapel Hill, NC 10001",
    ],
)
def test_what_is_not_a_north_carolina_place_gives_nothing(query):
    assert lookup(query) == []


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE directory_county; --",
        "%' OR 1=1 --",
        "<script>alert(1)</script>",
        "\x00\x01\x02\udcff\ufffd",
        "🏠" * 50,
        "a" * 1_000_000,
        "2" * 1_000_000,
        "\u0301" * 20,
        "ﬃ",
    ],
)
def test_hostile_input_gives_nothing_and_does_not_raise(query):
    assert lookup(query) == []


@given(st.text())
def test_no_text_makes_it_raise(query):
    places = lookup(query)
    assert all(isinstance(place, Place) for place in places)
    assert len(places) <= PREFIX_LIMIT


def read_rows() -> list[dict[str, str]]:
    with Path(PLACES_CSV).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_every_county_in_the_data_is_a_north_carolina_county_listed_once_in_order():
    rows = read_rows()
    assert rows
    for row in rows:
        counties = row["counties"].split(";")
        assert counties and set(counties) <= set(FIPS.values()), row
        assert len(counties) == len(set(counties)), row
        # A ZIP code's main county comes first, then the others in order; a town's counties are all in order.
        in_order = counties[1:] if row["kind"] == "zip" else counties
        assert in_order == sorted(in_order), row


def test_every_county_has_a_zip_code():
    reached = {county for row in read_rows() if row["kind"] == "zip" for county in row["counties"].split(";")}
    assert len(FIPS) == 100
    assert reached == set(FIPS.values())


def test_every_zip_code_is_a_north_carolina_zip_code_listed_once():
    codes = [row["name"] for row in read_rows() if row["kind"] == "zip"]
    assert len(codes) > 1000
    assert len(codes) == len(set(codes))
    assert all(len(code) == 5 and code[:2] in {"27", "28"} and code.isdigit() for code in codes)


def test_every_place_is_found_by_its_own_name():
    for row in read_rows():
        assert row["name"] in [place.name for place in lookup(row["name"])], row
