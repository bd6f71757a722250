"""What each report page shows, and what it must not."""

import re

import pytest

from tests.conftest import client_for
from tests.reports.conftest import CONTACT_NAME, NOTE, PERIOD


def text_of(response) -> str:
    """The page's words, without tags (so a figure can be read next to its label)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_hub_report_shows_its_figures_charts_and_the_maps_table(march, coordinator):
    response = client_for(coordinator).get(f"/reports/hub/?{PERIOD}")
    page = response.content.decode()
    words = text_of(response)
    assert "Families opened 6" in words and "Families closed 2" in words
    assert "Needs helped, of those decided 50%" in words
    # The map: every county drawn, the three with unmet or unserved needs shaded, and its table beside it.
    assert page.count("<path d=") == 100
    assert page.count('fill="#fdd49e"') >= 3
    table = words[words.index("Unmet needs by county County") :]
    assert "Alleghany 0 1 1" in table and "Durham 1 0 1" in table and "Orange 0 1 1" in table
    assert "Wake" not in table.split("Total")[0]
    # Charts are images with a title, their bars hidden from screen readers, which read the tables.
    assert 'role="img"' in page and 'class="bar-list mb-2" aria-hidden="true"' in page
    assert "Median time to answer" in words


def test_the_hub_report_filters_by_county(march, coordinator):
    response = client_for(coordinator).get(f"/reports/hub/?{PERIOD}&county={march.c.county.pk}")
    words = text_of(response)
    assert "Families opened 2" in words
    assert 'class="selected" data-fips="37183"' in response.content.decode()


def test_a_filter_that_is_not_valid_says_so_and_shows_the_default_period(march, coordinator):
    response = client_for(coordinator).get("/reports/hub/?start=2025-03-30&end=2025-03-01&county=nowhere")
    assert response.status_code == 200
    words = text_of(response)
    assert "The start of the period comes after its end." in words
    assert "Select a valid choice" in words


def test_partners_see_only_their_own_organizations_figures(march, partner, partner2):
    own = client_for(partner).get(f"/reports/partner/?{PERIOD}")
    words = text_of(own)
    # The Hispanic Liaison received 4 (A, B, C, E); El Refugio 3 (A, B, H) and Siembra 1 are none of its business.
    assert "Received 4" in words and "Accepted 2" in words and "Declined 1" in words
    assert "Median time to answer 2.0 h" in words
    for other in ["El Refugio", "Siembra", "El Centro Hispano", "Comunidad Colectiva"]:
        assert other not in words
    assert "No capacity right now 0" in words  # El Refugio's decline is not counted here
    other = text_of(client_for(partner2).get(f"/reports/partner/?{PERIOD}"))
    assert (
        "Received 3" in other and "No capacity right now 1" in other and "The Hispanic Liaison" not in other
    )


def test_the_partner_report_follows_its_services_places_over_time(march, partner):
    from directory.models import Service, ServiceChange

    service = Service.objects.get(organization=partner.organization)
    ServiceChange.objects.create(
        service=service,
        actor=partner,
        kind="edited",
        changes={"capacity_available": [5, 0]},
        created_at=march.c.created_at,
    )
    words = text_of(client_for(partner).get(f"/reports/partner/?{PERIOD}"))
    assert "Places available over time" in words and f"{service.name} 5 0" in words


def test_administrators_see_figures_of_every_hub_and_no_case(march, network_admin):
    client = client_for(network_admin)
    response = client.get(f"/reports/network/?{PERIOD}")
    page = response.content.decode()
    assert "Families opened 7" in text_of(response)
    for case in march.cases:
        assert case.reference not in page
        assert client.get(f"/referrals/{case.reference}/").status_code == 404
    assert CONTACT_NAME not in page and NOTE not in page and "/referrals/export.csv" not in page


def test_the_report_is_in_the_readers_language(march, coordinator):
    client = client_for(coordinator)
    client.post("/language/", {"language": "es", "next": "/"})
    response = client.get(f"/reports/hub/?{PERIOD}")
    assert response.status_code == 200
    page = response.content.decode()
    # The SVG's numbers stay numbers (12.5, never 12,5) whatever the language shows for decimals.
    assert not re.search(r'(?:x|y|width|height)="\d+,\d', page)
    # The weeks under the chart are Spanish dates ("3 mar"), not English ones ("Mar 3").
    ticks = re.findall(r'<text x="[\d.]+" y="[\d.]+" dy="-6"[^>]*>([^<]+)</text>', page)
    assert ticks and all(re.fullmatch(r"\d{1,2} [a-z]{3,4}\.?", tick) for tick in ticks), ticks


@pytest.mark.parametrize(
    "query",
    [
        "start=0001-01-01&end=0001-01-02",
        "start=9999-12-01&end=9999-12-31",
        "start=2025-13-45&end=yesterday",
        "start=2024-01-01&end=2025-12-31",
        "county=%3Cscript%3E&category=%27%20OR%201%3D1&urgency=soon&organization=..%2F..",
        "county=37063&county=37183&start=2025-03-03&start=2025-03-04",
        "start=" + "9" * 5000,
    ],
)
@pytest.mark.parametrize(
    ("persona", "url"), [("coordinator", "/reports/hub/"), ("partner", "/reports/partner/")]
)
def test_hostile_filters_get_the_default_report_and_a_message_never_an_error(
    request, march, persona, url, query
):
    response = client_for(request.getfixturevalue(persona)).get(f"{url}?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors or "county=37063" in query
