"""Each persona gets exactly the access of the role table in DESIGN.md, and nothing else."""

import pytest
from django.test import Client

from referrals import services
from referrals.models import AccessLog, Routing
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed_case(case, volunteer, legal_a):
    """The case with its legal need sent to partner_org (pending)."""
    legal = case.needs.get(category__code="legal")
    services.routing_create(user=volunteer, need=legal, service=legal_a)
    return case


def detail(case) -> str:
    return f"/referrals/{case.reference}/"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("volunteer", 200),
        ("coordinator", 200),
        ("partner", 200),
        ("partner2", 404),
        ("network_admin", 404),
        ("outsider", 404),
    ],
)
def test_who_can_open_a_case(request, routed_case, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(detail(routed_case)).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(routed_case):
    response = Client().get(detail(routed_case))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_volunteer_does_not_see_another_volunteers_case(routed_case, hub):
    from tests.conftest import make_user

    other = make_user("otra@example.org", hub, "volunteer")
    assert client_for(other).get(detail(routed_case)).status_code == 404


def test_a_volunteer_sees_a_case_assigned_to_them(routed_case, coordinator, hub):
    from tests.conftest import make_user

    other = make_user("otra@example.org", hub, "volunteer")
    services.referral_assign(user=coordinator, referral=routed_case, assignee=other)
    assert client_for(other).get(detail(routed_case)).status_code == 200


@pytest.mark.parametrize(
    ("persona", "sees_contact"),
    [("volunteer", True), ("coordinator", True), ("partner", True)],
)
def test_contact_details_are_shown_to_those_allowed(request, routed_case, persona, sees_contact):
    body = client_for(request.getfixturevalue(persona)).get(detail(routed_case)).content.decode()
    assert ("Rosa M." in body) is sees_contact
    assert ("919-555-0143" in body) is sees_contact


def test_viewing_contact_details_is_logged_without_the_values(routed_case, partner):
    client_for(partner).get(detail(routed_case))
    log = AccessLog.objects.get(user=partner)
    assert (log.action, log.reference, log.role) == ("view_contact", routed_case.reference, "partner")
    assert "Rosa" not in str(AccessLog.objects.values_list())


def test_a_partner_loses_contact_details_when_it_declines(routed_case, partner):
    routing = Routing.objects.get(organization=partner.organization)
    services.routing_decline(user=partner, routing=routing, reason="no_capacity", note="")
    response = client_for(partner).get(detail(routed_case))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rosa M." not in body and "555-0143" not in body
    assert "Declined" in body


def test_withdrawing_consent_hides_contact_details_from_partners_at_once(routed_case, partner, volunteer):
    client = client_for(volunteer)
    client.post(f"/referrals/{routed_case.reference}/consent/withdraw/")
    body = client_for(partner).get(detail(routed_case)).content.decode()
    assert "Rosa M." not in body and "555-0143" not in body
    assert routed_case.events.filter(kind="consent_withdrawn", actor=volunteer).exists()
    # The hub still sees them: it is their case.
    assert "Rosa M." in client.get(detail(routed_case)).content.decode()


def test_without_consent_the_partner_sees_only_the_need(volunteer, partner, durham, spanish, legal_a):
    from tests.referrals.conftest import log_case

    case = log_case(volunteer, durham, spanish, ("legal",), consent=False)
    services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    body = client_for(partner).get(detail(case)).content.decode()
    assert "Rosa M." not in body
    assert "Durham" in body and "Legal consultation" in body
    assert "Contact the family through the hub" in body


def test_consent_covers_only_the_needs_it_names(volunteer, partner, durham, spanish, legal_a, food_a):
    from referrals.models import Consent
    from tests.referrals.conftest import category, log_case

    case = log_case(volunteer, durham, spanish, ("legal", "basic-needs"))
    Consent.objects.get(referral=case).categories.set([category("legal")])
    services.routing_create(user=volunteer, need=case.needs.get(category__code="basic-needs"), service=food_a)
    assert "Rosa M." not in client_for(partner).get(detail(case)).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("partner", 302), ("partner2", 404), ("volunteer", 403), ("coordinator", 403), ("network_admin", 404)],
)
def test_only_the_routed_partner_can_accept(request, routed_case, persona, status):
    routing = Routing.objects.get()
    response = client_for(request.getfixturevalue(persona)).post(
        f"/referrals/{routed_case.reference}/routings/{routing.pk}/accept/"
    )
    assert response.status_code == status
    routing.refresh_from_db()
    assert routing.status == ("accepted" if persona == "partner" else "pending")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("volunteer", 302), ("coordinator", 302), ("partner", 403), ("partner2", 404), ("outsider", 404)],
)
def test_only_hub_staff_on_the_case_can_withdraw_a_routing(request, routed_case, persona, status):
    routing = Routing.objects.get()
    response = client_for(request.getfixturevalue(persona)).post(
        f"/referrals/{routed_case.reference}/routings/{routing.pk}/withdraw/"
    )
    assert response.status_code == status
    routing.refresh_from_db()
    assert routing.status == ("withdrawn" if status == 302 else "pending")


@pytest.mark.parametrize(
    ("persona", "status"), [("volunteer", 403), ("partner", 403), ("network_admin", 403), ("outsider", 403)]
)
def test_only_coordinators_see_escalations(request, persona, status):
    assert client_for(request.getfixturevalue(persona)).get("/referrals/escalations/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("partner", 403), ("network_admin", 403), ("volunteer", 200)]
)
def test_only_hub_staff_log_cases(request, persona, status):
    assert client_for(request.getfixturevalue(persona)).get("/referrals/new/").status_code == status


def test_the_admin_sees_no_case_at_all(routed_case, network_admin):
    client = client_for(network_admin)
    assert routed_case.reference not in client.get("/").content.decode()
    assert client.get("/referrals/").status_code == 403


@pytest.mark.parametrize(("persona", "status"), [("volunteer", 403), ("coordinator", 302)])
def test_only_coordinators_close_cases(request, routed_case, persona, status):
    for need in routed_case.needs.all():
        services.need_withdraw(user=request.getfixturevalue("coordinator"), need=need)
    response = client_for(request.getfixturevalue(persona)).post(
        f"/referrals/{routed_case.reference}/close/", {"outcome": "family_withdrew"}
    )
    assert response.status_code == status
    routed_case.refresh_from_db()
    assert routed_case.is_open is (status == 403)


def test_case_pages_are_never_cached(routed_case, volunteer):
    response = client_for(volunteer).get(detail(routed_case))
    assert "no-store" in response["Cache-Control"]


def test_a_partner_cannot_post_a_note_on_another_organizations_routing(
    routed_case, partner2, legal_b, volunteer
):
    routing = Routing.objects.get()
    response = client_for(partner2).post(
        f"/referrals/{routed_case.reference}/notes/", {"body": "hello", "routing": routing.pk}
    )
    assert response.status_code == 404
    assert not routed_case.case_notes.exists()


def test_each_answer_form_on_a_case_has_its_own_labelled_fields(case, volunteer, partner, legal_a, food_a):
    for need, service in [("legal", legal_a), ("basic-needs", food_a)]:
        services.routing_create(user=volunteer, need=case.needs.get(category__code=need), service=service)
    body = client_for(partner).get(detail(case)).content.decode()
    import re

    ids = re.findall(r'id="(id_routing\d+_reason)"', body)
    assert len(ids) == 2 and len(set(ids)) == 2
    for element_id in ids:
        assert f'for="{element_id}"' in body
