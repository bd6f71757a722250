"""Families know their town or ZIP code, not their county: /help/ finds the county from any of the three."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


def choices(response) -> list[str]:
    """The county pages a results page offers, in order."""
    return re.findall(
        r'class="btn btn-outline-primary btn-sm mt-1" href="/help/([a-z-]+)/"', response.content.decode()
    )


@pytest.mark.parametrize(
    ("query", "county"),
    [
        ("27701", "durham"),
        ("27701-1234", "durham"),
        ("28202", "mecklenburg"),
        ("Charlotte", "mecklenburg"),
        ("charlotte, nc", "mecklenburg"),
        ("Siler City", "chatham"),
        ("SILER CITY, NC", "chatham"),
        ("Asheville", "buncombe"),
        ("Greensboro", "guilford"),
        ("Boone", "watauga"),
        ("Wilmington", "new-hanover"),
        ("Durham", "durham"),
        ("Durham County", "durham"),
        ("condado de Wake", "wake"),
    ],
)
def test_a_town_or_zip_code_in_one_county_goes_to_its_page(client, query, county):
    response = client.get("/help/", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == f"/help/{county}/"


def test_a_zip_code_spanning_counties_offers_each_with_its_main_county_first(client):
    response = client.get("/help/", {"q": "27517"})
    assert response.status_code == 200
    assert "ZIP code 27517" in response.content.decode()
    assert sorted(choices(response)) == ["chatham", "durham", "orange"]


def test_a_county_and_a_town_of_the_same_name_elsewhere_are_both_offered(client):
    # Franklin County, and the town of Franklin in Macon County.
    response = client.get("/help/", {"q": "Franklin"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Franklin (town or city)" in body
    assert choices(response) == ["franklin", "macon"]


def test_the_start_of_a_towns_name_is_enough(client):
    response = client.get("/help/", {"q": "siler"})
    assert response["Location"] == "/help/chatham/"


@pytest.mark.parametrize("query", ["10001", "Atlantis", "99999", "zzz", "27"])
def test_a_miss_says_so_and_lists_every_county(client, query):
    response = client.get("/help/", {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "No North Carolina county, town or ZIP code matches" in body
    assert len(re.findall(r'<li><a href="/help/[a-z-]+/">', body)) == 100


def test_a_spanish_visitor_is_answered_in_spanish(client):
    response = client.get("/help/", {"q": "27517"}, headers={"accept-language": "es"})
    body = response.content.decode()
    assert "Código postal 27517" in body
    assert "Condado de Chatham" in body


# The client keeps nothing between searches that could change the next answer.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=300))
def test_no_text_makes_the_search_fail(client, query):
    response = client.get("/help/", {"q": query})
    assert response.status_code in (200, 302)


def test_a_county_named_exactly_is_not_mixed_with_towns_that_start_like_it(client):
    # Yanceyville is in Caswell County; "yancey" means Yancey County.
    response = client.get("/help/", {"q": "yancey"})
    assert response["Location"] == "/help/yancey/"
