"""Admins keep the raid alerts by text message: a keyword ("text @siembra4 to 81010"), or where the organization
publishes none, the number or page where people ask to join."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import County, Organization, TextAlert
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LIST_URL = "/manage/text-alerts/"
NEW_URL = "/manage/text-alerts/new/"


@pytest.fixture
def alert(partner_org) -> TextAlert:
    alert = TextAlert.objects.create(organization=partner_org, keyword="@liaison", short_code="81010")
    alert.counties.set(County.objects.filter(name="Davidson"))
    return alert


@pytest.fixture
def radarsafe(db) -> Organization:
    return Organization.objects.create(name="RadarSafe", slug="radarsafe")


def data(organization, **changes) -> dict:
    values = {
        "organization": organization.pk,
        "keyword": "@siembra4",
        "short_code": "81 010",
        "counties": [County.objects.get(name="Durham").pk],
    }
    return values | changes


def test_admins_add_a_text_alert(network_admin, partner_org):
    response = client_for(network_admin).post(NEW_URL, data(partner_org))
    assert response.status_code == 302
    alert = TextAlert.objects.get()
    assert (alert.keyword, alert.short_code) == ("@siembra4", "81010")
    assert [county.name for county in alert.counties.all()] == ["Durham"]


def test_a_bad_short_code_is_explained_and_nothing_is_saved(network_admin, partner_org):
    response = client_for(network_admin).post(NEW_URL, data(partner_org, short_code="810"))
    assert response.status_code == 200
    assert "A short code has 5 or 6 digits." in response.content.decode()
    assert not TextAlert.objects.exists()


def test_the_same_keyword_and_short_code_cannot_be_listed_twice(network_admin, alert, other_partner_org):
    response = client_for(network_admin).post(
        NEW_URL, data(other_partner_org, keyword="@liaison", short_code="81010")
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert TextAlert.objects.count() == 1


def test_admins_edit_and_remove_a_text_alert(network_admin, alert):
    client = client_for(network_admin)
    response = client.post(
        f"/manage/text-alerts/{alert.pk}/edit/", data(alert.organization, keyword="@liaison2")
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.keyword == "@liaison2"
    assert client.get(f"/manage/text-alerts/{alert.pk}/delete/").status_code == 405
    assert client.post(f"/manage/text-alerts/{alert.pk}/delete/").status_code == 302
    assert not TextAlert.objects.exists()


def test_the_list_filters_by_county(network_admin, alert, other_partner_org):
    TextAlert.objects.create(organization=other_partner_org, keyword="@refugio", short_code="81010")
    davidson = County.objects.get(name="Davidson")
    response = client_for(network_admin).get(LIST_URL, {"county": davidson.pk})
    assert list(response.context["page"].object_list) == [alert]


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_the_section_is_for_admins_only(request, persona, alert):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(NEW_URL).status_code == 403
    assert client.get(f"/manage/text-alerts/{alert.pk}/edit/").status_code == 404
    assert client.post(f"/manage/text-alerts/{alert.pk}/delete/").status_code == 404
    assert TextAlert.objects.exists()


def test_the_list_takes_the_same_number_of_queries_for_1_or_50_alerts(
    network_admin, partner_org, django_assert_num_queries
):
    TextAlert.objects.create(organization=partner_org, keyword="@alert0", short_code="81010")
    client = client_for(network_admin)
    client.get(LIST_URL)  # A session's first request does one-off work; count from the second.
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 1

    for number in range(1, 50):
        TextAlert.objects.create(organization=partner_org, keyword=f"@alert{number}", short_code="81010")
    # The page's own queries: the count of rows; the filters' counties and organizations; the page of
    # alerts (organization and county count joined in).
    with django_assert_num_queries(len(one_row)):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 50


def test_admins_add_an_alert_people_ask_to_join_when_no_keyword_is_published(network_admin, radarsafe):
    response = client_for(network_admin).post(
        NEW_URL,
        data(
            radarsafe,
            keyword="",
            short_code="",
            signup_phone="1-800-559-8714",
            description="Raid alerts by text message for Raleigh and Wake County.",
            counties=[County.objects.get(name="Wake").pk],
        ),
    )
    assert response.status_code == 302
    alert = TextAlert.objects.get()
    assert (alert.keyword, alert.short_code, alert.signup_phone) == ("", "", "+18005598714")
    assert [county.name for county in alert.counties.all()] == ["Wake"]

    body = client_for(network_admin).get(LIST_URL).content.decode()
    assert "Ask to join: call 800-559-8714" in body
    assert "1 county" in body


def test_an_alert_may_serve_the_whole_state_and_be_joined_on_a_web_page(network_admin, radarsafe):
    response = client_for(network_admin).post(
        NEW_URL,
        data(
            radarsafe,
            keyword="",
            short_code="",
            signup_url="https://example.org/alerts",
            is_statewide="on",
            counties=[],
        ),
    )
    assert response.status_code == 302
    alert = TextAlert.objects.get()
    assert (alert.signup_url, alert.is_statewide) == ("https://example.org/alerts", True)
    body = client_for(network_admin).get(LIST_URL).content.decode()
    assert "Ask to join on their web page" in body
    assert "Statewide" in body


def test_an_alert_with_no_way_to_sign_up_is_explained_and_nothing_is_saved(network_admin, radarsafe):
    response = client_for(network_admin).post(NEW_URL, data(radarsafe, keyword="", short_code=""))
    assert response.status_code == 200
    assert (
        "Say how people sign up: a keyword and the short code to text it to, or a phone number or web page where "
        "they ask to join." in response.content.decode()
    )
    assert not TextAlert.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"short_code": ""}, "short_code", "Give the short code people text the keyword to."),
        ({"keyword": "  "}, "keyword", "Give the keyword people text to the short code."),
        ({"signup_phone": "555"}, "signup_phone", "Enter a 10-digit US phone number, such as 919-555-0123."),
    ],
)
def test_half_an_alert_is_explained_on_the_field_and_nothing_is_saved(
    network_admin, radarsafe, changes, field, message
):
    response = client_for(network_admin).post(NEW_URL, data(radarsafe, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not TextAlert.objects.exists()


def test_the_county_filter_includes_statewide_alerts(network_admin, alert, other_partner_org):
    statewide = TextAlert.objects.create(
        organization=other_partner_org, signup_phone="+19843772622", is_statewide=True
    )
    TextAlert.objects.create(organization=other_partner_org, keyword="@refugio", short_code="81010")
    davidson = County.objects.get(name="Davidson")
    response = client_for(network_admin).get(LIST_URL, {"county": davidson.pk})
    assert set(response.context["page"].object_list) == {alert, statewide}


def test_the_organization_page_says_how_to_join_each_alert(network_admin, alert, partner_org):
    TextAlert.objects.create(organization=partner_org, signup_phone="+19197421448")
    body = client_for(network_admin).get(partner_org.get_absolute_url()).content.decode()
    assert "Text @liaison to 81010" in body
    assert "Ask to join: call 919-742-1448" in body
