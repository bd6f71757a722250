"""The demo says what the post it was taken from says (demo/fixtures/source-post.txt, see demo/data.py): every phone
number, text keyword and organization the post names is on the county pages the post names it for, and what it gives
to everyone is on all 100 county pages.

Numbers, keywords and names are read from the post itself, so a demo that drifts from the post fails here, and so
does a post these readers no longer understand (test_the_post_is_read_whole).
"""

import html
import re

import pytest
from django.utils.text import slugify

from demo.data import SOURCE_POST_FILE, seed_demo
from directory.models import County, fold, normalize_phone

pytestmark = pytest.mark.django_db

POST = SOURCE_POST_FILE.read_text(encoding="utf-8")

# "919-687-4635", "(919) 742-1448", "1-800-559-8714".
PHONE = r"(?:1-)?\(?\b[2-9]\d{2}\)?[ -]\d{3}-\d{4}\b"

# The post names towns and regions where the pages are by county.
PLACES = {
    "Charlotte": ["mecklenburg"],
    "Raleigh": ["wake"],
    "Wake County": ["wake"],
    "Chatham/Siler City": ["chatham"],
    "Asheville": ["buncombe"],
    "the Triad": ["alamance", "forsyth", "guilford"],
}
# A name that ends in this serves the whole state ("Alerta Migratoria NC").
STATEWIDE = "NC"


def block(start: str, end: str) -> str:
    """The post's text from one phrase to the next."""
    return POST[POST.index(start) : POST.index(end, POST.index(start))]


def bullets(text: str) -> list[str]:
    items = [
        line.strip().removeprefix("•").strip() for line in text.splitlines() if line.strip().startswith("•")
    ]
    return [
        item for item in items if item
    ]  # the bullet of the next item, before the phrase that ends the block


def counties_in(words: str) -> list[str]:
    """ "Chatham, Lee and Randolph" → their slugs; a town or region through PLACES."""
    if words in PLACES:
        return PLACES[words]
    return [slugify(name) for name in re.split(r", | and ", words)]


def referrals() -> list[tuple[str, str, list[str]]]:
    """ "If you know a family who needs help, refer them to": (name, number, counties) of each line with a number."""
    found = []
    for line in bullets(block("refer them to:", "If you know people")):
        if match := re.fullmatch(rf"(?P<name>[^,]+), (?P<number>{PHONE}) in (?P<counties>.+)", line):
            found.append((match["name"], match["number"], counties_in(match["counties"])))
    return found


def referrals_without_a_place() -> list[str]:
    return [line for line in bullets(block("refer them to:", "If you know people")) if "," not in line]


def hotlines() -> list[tuple[str, str | None, str]]:
    """ "Hotlines for reporting raids/arrests you observe": (name, place or None, number)."""
    found = []
    for line in bullets(block("Hotlines for reporting", "Share ACLU")):
        match = re.fullmatch(rf"(?P<name>.+?)\s*(?:\((?P<place>[^)]+)\))?\s*:\s*(?P<number>{PHONE})", line)
        assert match, line
        found.append((match["name"], match["place"], match["number"]))
    return found


def text_keywords() -> tuple[str, dict[str, str]]:
    """The short code, and the keyword of each county: "texting @siembra4 to 81010", "use @siembra1 if you're in
    Alamance", "@siembra2 if in Guilford", "@siembra3 for Forsyth"."""
    first = re.search(r"(\w+) residents can get ICE alerts by texting (@\w+) to (\d{5,6})", POST)
    assert first
    keywords = {slugify(first[1]): first[2]}
    for keyword, county in re.findall(r"(@\w+) (?:if you're in|if in|for) ([A-Z]\w+)", POST):
        keywords[slugify(county)] = keyword
    return first[3], keywords


def line_of(organization: str) -> str:
    """The hotline the post gives for an organization ("RadarSafe" in "RadarSafe Raleigh")."""
    return next(number for name, _, number in hotlines() if fold(organization) in fold(name))


def report_line() -> str:
    match = re.search(rf"report possible ICE activity at ({PHONE})", POST)
    assert match
    return match[1]


def alert_organizations() -> list[str]:
    """ "If you know people who would benefit from raid text alerts, share RadarSafe Raleigh and Alerta Migratoria
    NC." """
    match = re.search(r"raid text alerts, share (.+?) and (.+?)\.", POST)
    assert match
    return [match[1], match[2]]


def fund() -> tuple[str, list[str]]:
    """The fund's name, and whom the post says to ask about it."""
    name = re.search(r"Contribute if you can to the (.+?) regional fund", POST)
    contacts = re.findall(rf"(?:contact|or) ((?:[A-Z][\w]* ?)+?) at {PHONE}", POST)
    assert name and contacts
    return name[1], contacts


def tel(number: str) -> str:
    return f'href="tel:{normalize_phone(number)}"'


def text(fragment: str) -> str:
    """What a reader sees, folded (no accents, lower case) and with spaces made single, for matching names."""
    return " ".join(fold(html.unescape(re.sub(r"<[^>]+>", " ", fragment))).split())


def mentions(fragment: str, name: str) -> bool:
    """The name, or one of its "/" alternatives ("El Vínculo Hispano/The Hispanic Liaison"), is in the fragment,
    accents aside ("Accion" in the post is "Acción" in the directory)."""
    seen = text(fragment)
    return any(fold(alternative) in seen for alternative in name.split("/"))


def section(body: str, heading_id: str) -> str:
    """One section of the county page, from its heading to its end ("" when the page has none)."""
    start = body.find(f'id="{heading_id}"')
    return "" if start < 0 else body[start : body.index("</section>", start)]


def organizations(body: str) -> str:
    return section(body, "local-heading") + section(body, "statewide-heading")


def page(client, slug: str) -> str:
    response = client.get(f"/help/{slug}/")
    assert response.status_code == 200, slug
    return response.content.decode()


@pytest.fixture
def demo(db) -> None:
    seed_demo(password="x" * 20)


def test_the_post_is_read_whole():
    # Without this, a reader that finds nothing would let every other test pass.
    assert [name for name, _, _ in referrals()] == ["The Hispanic Liaison", "El Refugio", "El Centro Hispano"]
    assert referrals_without_a_place() == ["El Pueblo"]
    assert len(hotlines()) == 5
    assert text_keywords() == (
        "81010",
        {"durham": "@siembra4", "alamance": "@siembra1", "guilford": "@siembra2", "forsyth": "@siembra3"},
    )
    assert normalize_phone(report_line()) == "+13365430353"
    assert alert_organizations() == ["RadarSafe Raleigh", "Alerta Migratoria NC"]
    assert fund() == ("Liberation Not Deportation", ["El Centro Hispano", "The Hispanic Liaison"])
    numbers = {normalize_phone(number) for number in re.findall(PHONE, POST)}
    assert len(numbers) == 8


def test_each_organization_to_refer_families_to_is_on_its_counties_with_its_number(client, demo):
    for name, number, counties in referrals():
        for slug in counties:
            body = page(client, slug)
            assert mentions(organizations(body), name), (name, slug)
            assert tel(number) in body, (name, slug)


def test_each_hotline_is_on_the_county_it_names(client, demo):
    for name, place, number in hotlines():
        if place is None:
            continue  # for everyone: test_what_the_post_gives_everyone_is_on_every_county_page
        for slug in PLACES[place]:
            lines = section(page(client, slug), "hotlines-heading")
            assert tel(number) in lines, (name, slug)
            assert mentions(lines, name), (name, slug)


def test_each_text_keyword_is_on_its_county(client, demo):
    short_code, keywords = text_keywords()
    for slug, keyword in keywords.items():
        alerts = section(page(client, slug), "alerts-heading")
        assert f'href="sms:{short_code}?body={keyword.replace("@", "%40")}"' in alerts, slug
        assert f"Text {keyword} to {short_code}" in alerts, slug


def test_the_organizations_to_share_for_raid_alerts_say_how_to_join_on_their_counties(client, demo):
    for name in alert_organizations():
        organization, _, place = name.rpartition(" ")
        # A sample of the state: the loop over every county checks the statewide ones everywhere.
        slugs = ["wake", "yancey", "brunswick"] if place == STATEWIDE else PLACES[place]
        # The post gives no keyword: people call the organization's own line from the post and ask to join.
        number = line_of(organization)
        for slug in slugs:
            alerts = section(page(client, slug), "alerts-heading")
            assert mentions(alerts, organization), (name, slug)
            assert tel(number) in alerts, (name, slug)


def test_the_fund_is_listed_where_the_organizations_to_ask_about_it_work(client, demo):
    name, contacts = fund()
    counties = {contact: where for contact, _, where in referrals()}
    for contact in contacts:
        for slug in counties[contact]:
            resources = section(page(client, slug), "resources-heading")
            assert mentions(resources, f"{name} fund"), (contact, slug)


def test_mi_maletin_is_a_legal_aid_group_in_durham_not_a_fund(client, demo):
    sentence = re.search(
        r"(Mi Maletin) is a legal aid group providing support to affected families in (\w+)", POST
    )
    assert sentence
    body = page(client, slugify(sentence[2]))
    assert mentions(section(body, "local-heading"), sentence[1])
    assert "legal consultation" in text(section(body, "local-heading"))
    assert not mentions(section(body, "resources-heading"), sentence[1])


def test_the_gofundme_for_families_in_the_triad_is_on_the_triad_counties(client, demo):
    sentence = re.search(r"(Siembra NC) has a (GoFundMe) set up for families in (the Triad)", POST)
    assert sentence
    for slug in PLACES[sentence[3]]:
        resources = section(page(client, slug), "resources-heading")
        assert mentions(resources, f"{sentence[1]} {sentence[2]}"), slug


def test_what_the_post_gives_everyone_is_on_every_county_page(client, demo):
    """One pass over the 100 counties: the lines for everyone, and what is for some counties only is there alone."""
    statewide_lines = [report_line()] + [number for _, place, number in hotlines() if place is None]
    statewide_alerts = [
        line_of(name.rpartition(" ")[0]) for name in alert_organizations() if name.endswith(f" {STATEWIDE}")
    ]
    # What the post asks everyone to sign, download, read or share, as the page words it: "<kind> · <publisher>".
    petitions = re.search(r"Sign these letters/petitions: (.+?)\.\n", POST)
    app = re.search(r"Download the (.+?) app", POST)
    guides = [
        re.search(r"Share (ACLU) Know Your Rights guides", POST),
        re.search(r"image series from the (.+?)\. Click", POST),
    ]
    article = re.search(r"about ICE raids on social media, (\w+)", POST)
    toolkit = re.search(r"this (\w+) toolkit", POST)
    assert petitions and app and article and toolkit and all(guides)
    publishers = {"ACLU": "ACLU of North Carolina", "ACLU of NC": "ACLU of North Carolina"}
    shared = [f"Petition · {publishers.get(name, name)}" for name in petitions[1].split(", ")]
    shared += [f"Know-your-rights guide · {publishers.get(match[1], match[1])}" for match in guides if match]
    shared += [app[1], f"Article · {article[1]}", f"Toolkit · {toolkit[1]}"]
    everyone = referrals_without_a_place()

    fund_name, contacts = fund()
    fund_counties = {slug for name, _, where in referrals() if name in contacts for slug in where}
    short_code, keywords = text_keywords()
    triad = set(PLACES["the Triad"])

    counties = list(County.objects.values_list("slug", flat=True))
    assert len(counties) == 100
    for slug in counties:
        body = page(client, slug)
        lines, alerts, resources = (
            section(body, "hotlines-heading"),
            section(body, "alerts-heading"),
            section(body, "resources-heading"),
        )
        for number in statewide_lines:
            assert tel(number) in lines, (number, slug)
        for number in statewide_alerts:
            assert tel(number) in alerts, (number, slug)
        for item in shared:
            assert mentions(resources, item), (item, slug)
        for name in everyone:
            assert mentions(organizations(body), name), (name, slug)
        assert mentions(resources, f"{fund_name} fund") == (slug in fund_counties), slug
        assert ("GoFundMe" in resources) == (slug in triad), slug
        for county, keyword in keywords.items():
            assert (f"Text {keyword} to {short_code}" in alerts) == (slug == county), (keyword, slug)
