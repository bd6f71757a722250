"""What the lists show each role, in which order, filtered how. Their query budgets are in test_query_budgets.py."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import Referral
from tests.conftest import client_for
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db


def log_routed_cases(n, volunteer, partner, durham, spanish, legal_a, food_a, *, decline=False):
    for _ in range(n):
        case = log_case(volunteer, durham, spanish, ("legal", "basic-needs"))
        routing = services.routing_create(
            user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
        )
        services.routing_create(
            user=volunteer, need=case.needs.get(category__code="basic-needs"), service=food_a
        )
        services.follow_up_add(
            user=volunteer,
            referral=case,
            due_date=timezone.localdate() - timedelta(days=1),
            assigned_to=volunteer,
        )
        if decline:
            services.routing_decline(user=partner, routing=routing, reason="no_capacity")


def test_my_work_shows_each_role_what_needs_doing(
    volunteer, coordinator, partner, durham, spanish, legal_a, food_a
):
    log_routed_cases(1, volunteer, partner, durham, spanish, legal_a, food_a, decline=True)
    reference = Referral.objects.get().reference

    volunteer_page = client_for(volunteer).get("/").content.decode()
    assert reference in volunteer_page and "overdue" in volunteer_page
    # Escalations are the coordinator's: a volunteer does not re-send declined needs.
    assert "Close as unmet" not in volunteer_page

    coordinator_page = client_for(coordinator).get("/").content.decode()
    escalations = coordinator_page.split("Escalations", 1)[1].split("Follow-ups due", 1)[0]
    # No other organization takes legal help in Durham: the row says so and offers what remains.
    assert reference in escalations and "No other organization takes this need in this county." in escalations
    assert "Send elsewhere" in escalations and "Close as unmet" in escalations
    assert re.search(r"The Hispanic Liaison</strong>:\s+declined · No capacity right now", escalations)

    partner_page = client_for(partner).get("/").content.decode()
    assert reference in partner_page and "Referrals to your organization" in partner_page
    # A partner has no follow-ups or escalations of the hub's.
    assert "overdue" not in partner_page and "Close as unmet" not in partner_page


def test_nothing_to_do_says_so(volunteer, coordinator):
    page = client_for(coordinator).get("/").content.decode()
    assert "No declined or expired needs waiting." in page and "Nothing due." in page and "No cases." in page


def test_a_filter_across_needs_lists_each_case_once(volunteer, coordinator, durham, spanish, legal_a, food_a):
    """Both needs of the case went to the same organization: the "sent to" filter joins two routings."""
    case = log_case(volunteer, durham, spanish, ("legal", "basic-needs"))
    services.routing_create(user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a)
    services.routing_create(user=volunteer, need=case.needs.get(category__code="basic-needs"), service=food_a)
    other = log_case(volunteer, durham, spanish)
    response = client_for(coordinator).get(f"/referrals/?organization={legal_a.organization_id}")
    assert [referral.reference for referral in response.context["page"].object_list] == [case.reference]
    assert other.reference not in response.content.decode()


def test_the_case_list_shows_newest_first_with_each_needs_latest_answer(
    volunteer, partner, durham, spanish, legal_a
):
    older = log_case(volunteer, durham, spanish)
    routing = services.routing_create(user=volunteer, need=older.needs.get(), service=legal_a)
    services.routing_accept(user=partner, routing=routing)
    newer = log_case(volunteer, durham, spanish)
    page = client_for(volunteer).get("/referrals/").content.decode()
    assert page.index(newer.reference) < page.index(older.reference)
    older_row = page[page.index(older.reference) :].split("</li>", 1)[0]
    assert "(accepted)" in older_row


def test_the_partner_queue_lists_pending_first_by_deadline(volunteer, partner, durham, spanish, legal_a):
    routine = log_case(volunteer, durham, spanish, urgency="routine")
    emergency = log_case(volunteer, durham, spanish, urgency="emergency")
    accepted = log_case(volunteer, durham, spanish, urgency="emergency")
    for case in (routine, emergency, accepted):
        services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    services.routing_accept(user=partner, routing=accepted.needs.get().routings.get())
    page = client_for(partner).get("/referrals/queue/").content.decode()
    assert page.index(emergency.reference) < page.index(routine.reference) < page.index(accepted.reference)


def test_the_case_list_filters_by_urgency(volunteer, durham, spanish):
    routine = log_case(volunteer, durham, spanish, urgency="routine")
    emergency = log_case(volunteer, durham, spanish, urgency="emergency")
    page = client_for(volunteer).get("/referrals/?urgency=emergency").content.decode()
    assert emergency.reference in page and routine.reference not in page


def test_a_partners_filters_offer_no_hub_staff_or_other_organizations(partner):
    form = client_for(partner).get("/referrals/").context["filter"].form
    assert "assigned_to" not in form.fields and "organization" not in form.fields


def test_the_coordinators_export_asks_for_the_password_and_holds_no_contact_details(
    coordinator, volunteer, durham, spanish
):
    from referrals.models import AccessLog
    from tests.conftest import PASSWORD

    case = log_case(volunteer, durham, spanish)
    client = client_for(coordinator)
    response = client.get("/referrals/export.csv")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.get("/referrals/export.csv")
    body = response.getvalue().decode()
    assert response["Content-Type"].startswith("text/csv")
    assert case.reference in body and "Durham" in body
    for secret in ["Rosa", "9195550143", "Two kids"]:
        assert secret not in body
    assert AccessLog.objects.filter(user=coordinator, action="export").exists()


@pytest.mark.parametrize("persona", ["volunteer", "partner", "network_admin"])
def test_only_coordinators_export(request, persona):
    from tests.conftest import PASSWORD

    client = client_for(request.getfixturevalue(persona))
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/referrals/export.csv").status_code == 403
