"""Assigning a case to a volunteer or coordinator of the hub: coordinators only."""

import pytest

from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def otra(hub):
    return make_user("otra@example.org", hub, "volunteer", display_name="Otra")


def assign_url(case) -> str:
    return f"/referrals/{case.reference}/assign/"


def test_it_assigns_the_case_to_a_volunteer_of_the_hub(routed_case, coordinator, otra):
    response = client_for(coordinator).post(assign_url(routed_case), {"assignee": otra.pk})
    assert response.status_code == 302 and response["Location"] == routed_case.get_absolute_url()
    routed_case.refresh_from_db()
    assert routed_case.assigned_to == otra
    assert routed_case.events.filter(kind="assigned", actor=coordinator).exists()
    # The new volunteer now finds the case; it stays the volunteer's who logged it, too.
    assert client_for(otra).get(routed_case.get_absolute_url()).status_code == 200


def test_it_refuses_someone_outside_the_hub(routed_case, coordinator, volunteer, outsider, partner):
    client = client_for(coordinator)
    for stranger in (outsider, partner):
        response = client.post(assign_url(routed_case), {"assignee": stranger.pk}, follow=True)
        assert "Choose a volunteer or coordinator of the hub." in response.content.decode()
    routed_case.refresh_from_db()
    assert routed_case.assigned_to == volunteer


def test_it_refuses_a_deactivated_volunteer(routed_case, coordinator, volunteer, otra):
    otra.is_active = False
    otra.save(update_fields=["is_active"])
    client_for(coordinator).post(assign_url(routed_case), {"assignee": otra.pk})
    routed_case.refresh_from_db()
    assert routed_case.assigned_to == volunteer


def test_it_requires_post(routed_case, coordinator):
    assert client_for(coordinator).get(assign_url(routed_case)).status_code == 405


def test_an_outsider_gets_404(routed_case, outsider, otra):
    assert client_for(outsider).post(assign_url(routed_case), {"assignee": otra.pk}).status_code == 404
    routed_case.refresh_from_db()
    assert routed_case.assigned_to != otra


@pytest.mark.parametrize("persona", ["volunteer", "partner"])
def test_those_who_only_see_the_case_get_403(request, routed_case, persona, otra):
    """The volunteer who logged it and the partner it was sent to see the case; neither reassigns it."""
    response = client_for(request.getfixturevalue(persona)).post(
        assign_url(routed_case), {"assignee": otra.pk}
    )
    assert response.status_code == 403
    routed_case.refresh_from_db()
    assert routed_case.assigned_to != otra
