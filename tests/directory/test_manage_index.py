"""/manage/ and the top bar: each role is taken to what it may manage, and sees only those links."""

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def nav_labels(response) -> list[str]:
    return [str(label) for _url, label in response.context["nav_items"]]


def test_it_takes_admins_to_the_organizations(network_admin):
    response = client_for(network_admin).get("/manage/")
    assert response.status_code == 302
    assert response["Location"] == "/manage/organizations/"


def test_it_takes_partner_staff_to_their_own_listing(partner):
    response = client_for(partner).get("/manage/")
    assert response.status_code == 302
    assert response["Location"] == "/manage/organizations/the-hispanic-liaison/"


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider"])
def test_it_is_closed_to_intake_staff(request, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get("/manage/").status_code == 403


def test_it_only_answers_get(network_admin):
    assert client_for(network_admin).post("/manage/").status_code == 405


def test_admins_see_the_directory_and_users_in_the_top_bar(network_admin):
    response = client_for(network_admin).get("/")
    assert nav_labels(response) == [
        "My work",
        "Directory",
        "Users",
        "Reports",
        "Access log",
        "Site administration",
    ]
    body = response.content.decode()
    assert 'href="/manage/organizations/"' in body
    assert 'href="/manage/users/"' in body


def test_partner_staff_see_their_listing_in_the_top_bar(partner):
    response = client_for(partner).get("/")
    assert nav_labels(response) == ["My work", "Cases", "Queue", "Our listing", "Reports"]
    assert 'href="/manage/organizations/the-hispanic-liaison/"' in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "labels"),
    [
        ("volunteer", ["My work", "New case", "Cases", "Incidents"]),
        (
            "coordinator",
            ["My work", "New case", "Cases", "Incidents", "Escalations", "Reports", "Access log"],
        ),
    ],
)
def test_intake_staff_see_no_directory_links(request, persona, labels):
    response = client_for(request.getfixturevalue(persona)).get("/")
    assert nav_labels(response) == labels
    # My work links a coordinator to their team's accounts and training (/manage/users/, their own people only).
    assert "/manage/" not in response.content.decode().replace('href="/manage/users/"', "")
