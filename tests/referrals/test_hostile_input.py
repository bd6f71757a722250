"""Hostile input to the case pages: a reused intake token, and text far longer than any field takes. Each gets a
clear message, never a server error, never another person's case, and nothing is stored."""

import uuid

import pytest

from directory.models import Role
from referrals import services
from referrals.models import FollowUp, Note, Referral, Routing
from tests.conftest import client_for, make_user, train
from tests.referrals.test_integrity import intake_post

pytestmark = pytest.mark.django_db

HUGE_TEXT = "x" * 100_000


def test_an_intake_token_from_another_hub_is_refused_without_naming_the_case(
    volunteer, outsider, durham, spanish
):
    token = str(uuid.uuid4())
    first = client_for(volunteer).post("/referrals/new/", intake_post(durham, spanish, token))
    theirs = Referral.objects.get()
    assert first.status_code == 302
    response = client_for(outsider).post("/referrals/new/", intake_post(durham, spanish, token))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This intake form was already sent" in body
    assert theirs.reference not in body
    assert Referral.objects.count() == 1
    # The form comes back with a fresh token: sending it again logs the case.
    fresh = response.context["form"]["intake_token"].value()
    assert str(fresh) != token
    again = client_for(outsider).post("/referrals/new/", intake_post(durham, spanish, str(fresh)))
    assert again.status_code == 302
    assert Referral.objects.filter(hub=outsider.organization).count() == 1


def test_an_intake_token_reused_by_another_volunteer_of_the_hub_does_not_lead_to_their_case(
    volunteer, hub, durham, spanish
):
    other = make_user("vicky@example.org", hub, Role.VOLUNTEER, display_name="Vicky")
    train(other)
    token = str(uuid.uuid4())
    client_for(volunteer).post("/referrals/new/", intake_post(durham, spanish, token))
    theirs = Referral.objects.get()
    response = client_for(other).post("/referrals/new/", intake_post(durham, spanish, token), follow=True)
    body = response.content.decode()
    assert response.redirect_chain == []
    assert "This intake form was already sent" in body
    assert theirs.reference not in body
    assert Referral.objects.count() == 1


def test_the_same_persons_double_submit_still_returns_their_own_case(volunteer, durham, spanish):
    client = client_for(volunteer)
    token = str(uuid.uuid4())
    first = client.post("/referrals/new/", intake_post(durham, spanish, token))
    second = client.post("/referrals/new/", intake_post(durham, spanish, token))
    assert first["Location"] == second["Location"] == Referral.objects.get().get_absolute_url()


def test_the_service_refuses_a_foreign_token_too(volunteer, outsider, durham, spanish):
    from tests.referrals.conftest import category

    token = uuid.uuid4()
    arguments = {
        "county": durham,
        "language": spanish,
        "urgency": "urgent",
        "categories": [category("legal")],
    }
    services.referral_create(user=volunteer, intake_token=token, **arguments)
    with pytest.raises(services.ValidationError):
        services.referral_create(user=outsider, intake_token=token, **arguments)
    assert Referral.objects.count() == 1


# --- Length limits -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["contact_name", "contact_phone", "best_times", "notes"])
def test_intake_refuses_100000_characters_in_any_text_field(volunteer, durham, spanish, field):
    data = {**intake_post(durham, spanish, str(uuid.uuid4())), field: HUGE_TEXT}
    response = client_for(volunteer).post("/referrals/new/", data)
    assert response.status_code == 200
    assert "at most" in response.context["form"].errors[field][0]
    assert not Referral.objects.exists()


def test_the_intake_form_shows_each_limit(volunteer):
    page = client_for(volunteer).get("/referrals/new/").content.decode()
    assert 'maxlength="2000"' in page and "Up to 2000 characters." in page
    assert 'maxlength="200"' in page and "Up to 200 characters." in page


def test_decline_details_of_100000_characters_are_refused_and_nothing_changes(routed_case, partner):
    routing = Routing.objects.get()
    response = client_for(partner).post(
        f"/referrals/{routed_case.reference}/routings/{routing.pk}/decline/",
        {"reason": "no_capacity", "note": HUGE_TEXT},
        follow=True,
    )
    assert response.status_code == 200
    assert "at most 1000 characters" in response.content.decode()
    routing.refresh_from_db()
    assert (routing.status, routing.decline_note) == ("pending", "")


def test_the_decline_form_shows_its_limit(routed_case, partner):
    page = client_for(partner).get(routed_case.get_absolute_url()).content.decode()
    assert 'maxlength="1000"' in page and "Up to 1000 characters." in page


def test_a_note_of_100000_characters_is_refused_with_a_message(routed_case, volunteer):
    response = client_for(volunteer).post(
        f"/referrals/{routed_case.reference}/notes/", {"body": HUGE_TEXT}, follow=True
    )
    assert "at most 2000 characters" in response.content.decode()
    assert not Note.objects.exists()


def test_a_follow_up_note_of_100000_characters_is_refused_with_a_message(routed_case, volunteer):
    response = client_for(volunteer).post(
        f"/referrals/{routed_case.reference}/follow-ups/",
        {"due_date": "2030-01-01", "assigned_to": volunteer.pk, "note": HUGE_TEXT},
        follow=True,
    )
    assert "at most 300 characters" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_services_refuse_overlong_text_too(routed_case, volunteer, partner, durham, spanish):
    """A command or a future view that skips the form cannot store it either."""
    from tests.referrals.conftest import category

    routing = Routing.objects.get()
    with pytest.raises(services.ValidationError):
        services.note_add(user=volunteer, referral=routed_case, body=HUGE_TEXT)
    with pytest.raises(services.ValidationError):
        services.routing_decline(user=partner, routing=routing, reason="no_capacity", note=HUGE_TEXT)
    with pytest.raises(services.ValidationError):
        services.referral_create(
            user=volunteer,
            county=durham,
            language=spanish,
            urgency="urgent",
            categories=[category("legal")],
            notes=HUGE_TEXT,
        )
    assert not Note.objects.exists()
    assert Referral.objects.count() == 1
    routing.refresh_from_db()
    assert routing.status == "pending"
