"""What a partner sees of the people of the hub, and of the family's notes once the family withdraws consent."""

import pytest

from referrals import policy, services
from referrals.models import Note, Routing
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def notes_section(page: str) -> str:
    return page.split('id="notes-heading"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def accepted(routed_case, partner) -> Routing:
    routing = Routing.objects.get()
    services.routing_accept(user=partner, routing=routing)
    return routing


# --- Finding 6: the hub, never its staff's names --------------------------------------------------------------------


def test_a_partner_sees_the_hub_not_the_name_of_the_hub_staff_who_wrote_a_note(
    routed_case, accepted, volunteer, partner
):
    services.note_add(user=volunteer, referral=routed_case, body="Call after 6pm")
    notes = notes_section(client_for(partner).get(routed_case.get_absolute_url()).content.decode())
    assert "Call after 6pm" in notes
    assert "Vera" not in notes and volunteer.email not in notes
    assert "El Centro Hispano" in notes


def test_a_partner_sees_the_names_of_its_own_colleagues(routed_case, accepted, partner):
    services.note_add(user=partner, referral=routed_case, routing=accepted, body="Lawyer calls Friday")
    notes = notes_section(client_for(partner).get(routed_case.get_absolute_url()).content.decode())
    assert "Pablo" in notes


def test_hub_staff_on_the_case_see_every_authors_name(routed_case, accepted, volunteer, coordinator, partner):
    services.note_add(user=volunteer, referral=routed_case, body="Call after 6pm")
    services.note_add(user=partner, referral=routed_case, routing=accepted, body="Lawyer calls Friday")
    notes = notes_section(client_for(coordinator).get(routed_case.get_absolute_url()).content.decode())
    assert "Vera" in notes and "Pablo" in notes


def test_the_partner_timeline_shows_the_hub_for_hub_staff_actions(routed_case, accepted, partner):
    page = client_for(partner).get(routed_case.get_absolute_url()).content.decode()
    timeline = page.split('id="timeline-heading"', 1)[1]
    assert "Vera" not in timeline and "El Centro Hispano" in timeline
    assert "Pablo" in timeline  # accepted by themselves


def test_the_policy_names_the_author_only_to_the_hub_or_the_authors_colleagues(
    routed_case, accepted, volunteer, partner, partner2
):
    note = services.note_add(user=volunteer, referral=routed_case, body="Call after 6pm")
    assert policy.person_shown(volunteer, routed_case, note.author) == "Vera"
    assert policy.person_shown(partner, routed_case, note.author) == "El Centro Hispano"


# --- Finding 7: consent withdrawn --------------------------------------------------------------------------------


@pytest.fixture
def withdrawn(routed_case, accepted, volunteer, partner):
    """Notes from both sides (one holds the family's phone), then the family withdraws consent."""
    services.note_add(user=volunteer, referral=routed_case, body="Hub: call after 6pm")
    services.note_add(user=partner, referral=routed_case, routing=accepted, body="New phone 919-555-0199")
    services.consent_withdraw(user=volunteer, referral=routed_case)
    return routed_case


def test_after_consent_is_withdrawn_a_partner_reads_no_notes_not_even_its_own(withdrawn, partner):
    page = client_for(partner).get(withdrawn.get_absolute_url()).content.decode()
    assert "919-555-0199" not in page
    assert "Hub: call after 6pm" not in page


def test_after_consent_is_withdrawn_a_partner_cannot_add_a_note(withdrawn, partner, accepted):
    client = client_for(partner)
    page = client.get(withdrawn.get_absolute_url()).content.decode()
    assert f'action="/referrals/{withdrawn.reference}/notes/"' not in page
    response = client.post(
        f"/referrals/{withdrawn.reference}/notes/", {"body": "Met them", "routing": accepted.pk}
    )
    assert response.status_code == 403
    assert Note.objects.count() == 2
    with pytest.raises(services.PermissionDenied):
        services.note_add(user=partner, referral=withdrawn, routing=accepted, body="Met them")


def test_after_consent_is_withdrawn_the_partner_still_records_the_outcome(withdrawn, partner, accepted):
    response = client_for(partner).post(
        f"/referrals/{withdrawn.reference}/routings/{accepted.pk}/complete/", {"outcome": "helped"}
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == "completed"


def test_after_consent_is_withdrawn_the_hub_still_reads_every_note(withdrawn, volunteer):
    page = client_for(volunteer).get(withdrawn.get_absolute_url()).content.decode()
    assert "919-555-0199" in page and "Hub: call after 6pm" in page
