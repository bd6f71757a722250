"""Who can receive: an organization receives routings in the app only while it has an active partner-staff account.
One without is shown apart ("call them", with its numbers); the hub records a phone referral and then the answer
(accepted by phone / declined / no answer), with the same deadline and escalation as any routing."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from directory.models import Organization, Phone, Role
from referrals import jobs, services
from referrals.models import EventKind, Routing
from tests.conftest import client_for, make_user
from tests.referrals.conftest import log_case, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def bond_fund(durham):
    """A partner with a legal service in Durham and a phone number, but nobody who signs in."""
    organization = Organization.objects.create(
        slug="durham-bond-fund", name="Durham Bond Fund", is_partner=True, intake_email="intake@bond.example"
    )
    Phone.objects.create(organization=organization, number="+19195550188", type="office")
    return organization


@pytest.fixture
def bond_service(bond_fund, durham):
    return make_service(bond_fund, "legal", [durham], available=9)


@pytest.fixture
def bond_case(volunteer, durham, spanish, bond_service, legal_a):
    return log_case(volunteer, durham, spanish, ("legal",))


def need_of(case):
    return case.needs.get()


def route_url(case, suffix="route"):
    return f"/referrals/{case.reference}/needs/{need_of(case).pk}/{suffix}/"


def phone_routing(case, user) -> Routing:
    return services.routing_create(
        user=user, need=need_of(case), service=bond_service_of(case), by_phone=True
    )


def bond_service_of(case):
    return case.hub.__class__.objects.get(slug="durham-bond-fund").services.get()


def answer_url(routing, suffix="phone-answer"):
    return f"/referrals/{routing.need.referral.reference}/routings/{routing.pk}/{suffix}/"


def test_an_organization_without_staff_is_shown_apart_with_its_number(bond_case, volunteer):
    body = client_for(volunteer).get(bond_case.get_absolute_url()).content.decode()
    in_app, call_them = body.split("Call them: nobody at these organizations answers in the app.", 1)
    # The partner with a staff account is an ordinary suggestion; the bond fund only under "call them".
    assert "Send to The Hispanic Liaison" in in_app and "Durham Bond Fund" not in in_app.split("Needs", 1)[1]
    assert "Durham Bond Fund" in call_them
    assert 'href="tel:+19195550188"' in call_them and "919-555-0188" in call_them
    assert "I called: referred by phone" in call_them


def test_routing_in_the_app_to_an_organization_without_staff_is_impossible(
    bond_case, volunteer, bond_service
):
    with pytest.raises(ValidationError, match="nobody to answer in the app"):
        services.routing_create(user=volunteer, need=need_of(bond_case), service=bond_service)
    # Through the page too: the posted suggestion without the phone flag is refused and nothing is recorded.
    response = client_for(volunteer).post(route_url(bond_case), {"service": bond_service.pk}, follow=True)
    assert "Durham Bond Fund has nobody to answer in the app" in response.content.decode()
    assert not Routing.objects.exists()


def test_a_phone_referral_to_an_organization_that_answers_in_the_app_is_refused(
    bond_case, volunteer, legal_a
):
    with pytest.raises(ValidationError, match="answers in the app"):
        services.routing_create(user=volunteer, need=need_of(bond_case), service=legal_a, by_phone=True)
    assert not Routing.objects.exists()


def test_a_deactivated_staff_account_does_not_count(bond_case, volunteer, bond_fund, bond_service):
    make_user("gone@bond.example", bond_fund, Role.PARTNER, is_active=False)
    with pytest.raises(ValidationError, match="nobody to answer in the app"):
        services.routing_create(user=volunteer, need=need_of(bond_case), service=bond_service)


def test_the_phone_referral_is_recorded_with_the_usual_deadline_and_no_email(
    bond_case, volunteer, bond_service, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(volunteer).post(
            route_url(bond_case), {"service": bond_service.pk, "by_phone": "1"}, follow=True
        )
    assert "referred to Durham Bond Fund by phone" in response.content.decode()
    routing = Routing.objects.get()
    assert routing.by_phone and routing.status == "pending"
    # An urgent case: 24 hours, as for a routing in the app.
    assert routing.deadline - routing.created_at == timedelta(hours=24)
    # The hub called them: no email to an intake address nobody may read for the app.
    assert mail.outbox == []
    body = response.content.decode()
    assert "Record their answer" in body and "by phone" in body


def test_accepted_by_phone_then_helped(bond_case, volunteer):
    routing = phone_routing(bond_case, volunteer)
    client = client_for(volunteer)
    response = client.post(answer_url(routing), {"answer": "accepted"}, follow=True)
    assert "Recorded: Durham Bond Fund accepted by phone." in response.content.decode()
    routing.refresh_from_db()
    assert routing.status == "accepted" and routing.responded_by == volunteer
    assert "Record the outcome" in response.content.decode()
    client.post(answer_url(routing, "phone-outcome"), {"outcome": "helped"})
    routing.refresh_from_db()
    assert routing.status == "completed" and routing.outcome == "helped"
    assert need_of(bond_case).status == "helped"


def test_declined_by_phone_needs_a_reason_and_goes_to_escalations(
    bond_case, volunteer, coordinator, django_capture_on_commit_callbacks
):
    routing = phone_routing(bond_case, volunteer)
    client = client_for(volunteer)
    response = client.post(answer_url(routing), {"answer": "declined"}, follow=True)
    assert "Choose a reason." in response.content.decode()
    routing.refresh_from_db()
    assert routing.status == "pending"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            answer_url(routing), {"answer": "declined", "reason": "no_capacity", "note": "full until Monday"}
        )
    routing.refresh_from_db()
    assert routing.status == "declined" and routing.decline_reason == "no_capacity"
    # One notice to the coordinator, none to the volunteer who recorded it themselves.
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    row = client_for(coordinator).get("/referrals/escalations/").content.decode()
    assert bond_case.reference in row and "declined by phone" in row and "full until Monday" in row


def test_no_answer_by_phone_goes_to_escalations_at_once(
    bond_case, volunteer, coordinator, django_capture_on_commit_callbacks
):
    routing = phone_routing(bond_case, volunteer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(volunteer).post(answer_url(routing), {"answer": "no_answer"}, follow=True)
    assert "Recorded: no answer from Durham Bond Fund" in response.content.decode()
    routing.refresh_from_db()
    assert routing.status == "expired" and routing.responded_by == volunteer
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Durham Bond Fund did not answer the hub's phone call" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("No answer by phone:")
    row = client_for(coordinator).get("/referrals/escalations/").content.decode()
    assert bond_case.reference in row and "no answer by phone" in row


def test_an_unanswered_phone_referral_escalates_on_its_deadline(
    bond_case, volunteer, coordinator, django_capture_on_commit_callbacks
):
    routing = phone_routing(bond_case, volunteer)
    with time_machine.travel(routing.deadline + timedelta(minutes=1), tick=False):
        # Overdue on read: the answer form is gone, recording is refused, and it is an escalation at once.
        body = client_for(volunteer).get(bond_case.get_absolute_url()).content.decode()
        assert "Overdue" in body and "Record their answer" not in body
        with pytest.raises(ValidationError):
            services.routing_record_phone_answer(user=volunteer, routing=routing, answer="accepted")
        assert bond_case.reference in client_for(coordinator).get("/referrals/escalations/").content.decode()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert jobs.expire_overdue_routings() == 1
    routing.refresh_from_db()
    assert routing.status == "expired" and routing.responded_by is None
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 302), ("volunteer", 302), ("partner", 403), ("partner2", 404), ("outsider", 404)],
)
def test_who_records_a_phone_answer(request, bond_case, volunteer, persona, status):
    routing = phone_routing(bond_case, volunteer)
    if persona == "partner":
        # A partner the case was also sent to may open the case, but answers only for its own organization.
        services.routing_withdraw(user=volunteer, routing=routing)
        other = services.routing_create(
            user=volunteer, need=need_of(bond_case), service=request.getfixturevalue("legal_a")
        )
        services.routing_withdraw(user=volunteer, routing=other)
        routing = phone_routing(bond_case, volunteer)
    user = request.getfixturevalue(persona)
    response = client_for(user).post(answer_url(routing), {"answer": "accepted"})
    assert response.status_code == status
    routing.refresh_from_db()
    assert routing.status == ("accepted" if status == 302 else "pending")


def test_a_volunteer_not_on_the_case_cannot_record(bond_case, volunteer, hub):
    routing = phone_routing(bond_case, volunteer)
    other = make_user("victor@example.org", hub, Role.VOLUNTEER)
    assert client_for(other).post(answer_url(routing), {"answer": "accepted"}).status_code == 404
    routing.refresh_from_db()
    assert routing.status == "pending"


def test_the_timeline_shows_the_phone_referral_and_its_answer(bond_case, volunteer):
    routing = phone_routing(bond_case, volunteer)
    services.routing_record_phone_answer(user=volunteer, routing=routing, answer="accepted")
    kinds = list(bond_case.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.ROUTED, EventKind.ACCEPTED]


def test_the_coordinator_who_records_a_no_answer_is_not_told_of_it_the_others_are(
    bond_case, volunteer, coordinator, hub, django_capture_on_commit_callbacks
):
    other = make_user("cora@example.org", hub, Role.COORDINATOR)
    routing = phone_routing(bond_case, volunteer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_record_phone_answer(user=coordinator, routing=routing, answer="no_answer")
    assert [m.to for m in mail.outbox] == [[other.email]]
