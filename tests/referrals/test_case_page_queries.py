"""The case page: at most 12 queries for everyone who may open a case, and the same number whatever the case holds.

A case with one need and one note costs what a case with 4 needs, 6 routings, 10 notes, 5 follow-ups and their
timeline costs: a query per row (a missing select_related, a policy check that reads again) fails here.

The queries, for a person who just used the app (the session was written less than a minute ago):
  session, user                  the middleware, on every signed-in page
  referral                       with hub, county, language, logged by, assigned to, incident; for hub staff also
                                 whether another open case has the same phone and whether the hub has an open
                                 incident (case_page.case_rows)
  consents                       with the language explained in, read once for every consent question
  routings                       those the person sees, with organization, service, need and category
  needs                          those the person sees, with category
  notes                          those the person may read, with author, organization and routing
  access log                     the INSERT: contact details or notes were shown
  timeline                       the events the person may read
  hub staff who manage the case: follow-ups (with assignee), the hub's staff (once, for the follow-up form's "who"
                                 and the coordinator's assign form); a coordinator: the escalations badge
  partner staff:                 the categories the consent covers (may they see the contact details), the queue
                                 badge
So 12 for a coordinator, 11 for a volunteer and for partner staff. Two parts of the page add their query only when
they have something to show (a duplicate phone number, an open incident to link the case to), and a need still to
send adds the suggestions' 7 queries however many needs wait: tested below with their counts.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import Note, Referral, Routing
from tests.conftest import client_for as signed_in_client
from tests.referrals.conftest import log_case, make_service

pytestmark = pytest.mark.django_db

BUDGET = 12
SUGGESTIONS = (
    7  # services of the kinds of help (with counties, approved counties, languages, phones), open counts,
)
# response times: suggestions.suggestions_for_needs, for every need to send at once
ROLES = ["coordinator", "volunteer", "assigned_volunteer", "partner"]


def client_for(user):
    """Signed in, the session written a moment ago, as for anyone using the app (it is written once a minute)."""
    client = signed_in_client(user)
    assert client.post("/accounts/keepalive/").status_code == 204
    return client


@pytest.fixture
def assigned_volunteer(untrained_volunteer):
    """A volunteer who did not log the cases but is assigned them (training is for intake only)."""
    return untrained_volunteer


@pytest.fixture
def directory(partner_org, other_partner_org, partner, partner2, durham):
    """Two partner organizations offering every kind of help the cases need, in Durham."""
    for org in (partner_org, other_partner_org):
        for code in ("legal", "basic-needs", "transportation", "interpretation"):
            make_service(org, code, [durham])


def small_case(volunteer, coordinator, assigned_volunteer, partner, durham, spanish) -> Referral:
    """One need, accepted by partner_org; one note, one follow-up."""
    case = log_case(volunteer, durham, spanish, ("legal",), contact_phone="+19195550101")
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(), service=_service(partner, "legal")
    )
    services.routing_accept(user=partner, routing=routing)
    services.note_add(user=volunteer, referral=case, body="Called back")
    services.follow_up_add(
        user=volunteer, referral=case, due_date=timezone.localdate(), assigned_to=volunteer
    )
    services.referral_assign(user=coordinator, referral=case, assignee=assigned_volunteer)
    return case


def busy_case(volunteer, coordinator, assigned_volunteer, partner, partner2, durham, spanish) -> Referral:
    """4 needs and 6 routings (partner_org: one accepted, one pending, one declined and one withdrawn, the last two
    re-sent to the other organization), 10 notes (5 from the hub, 5 from partner_org), 5 follow-ups."""
    codes = ("legal", "basic-needs", "transportation", "interpretation")
    case = log_case(volunteer, durham, spanish, codes, contact_phone="+19195550102")
    need = {code: case.needs.get(category__code=code) for code in codes}
    send = {
        code: services.routing_create(user=volunteer, need=need[code], service=_service(partner, code))
        for code in codes
    }
    services.routing_accept(user=partner, routing=send["basic-needs"])
    services.routing_decline(user=partner, routing=send["legal"], reason="no_capacity")
    services.routing_withdraw(user=volunteer, routing=send["transportation"])
    for code in ("legal", "transportation"):
        services.routing_create(user=coordinator, need=need[code], service=_service(partner2, code))
    for number in range(5):
        services.note_add(user=volunteer, referral=case, body=f"Called back ({number})")
        services.note_add(
            user=partner, referral=case, body=f"Left a message ({number})", routing=send["basic-needs"]
        )
        services.follow_up_add(
            user=volunteer,
            referral=case,
            due_date=timezone.localdate() + timedelta(days=number),
            assigned_to=volunteer,
        )
    services.referral_assign(user=coordinator, referral=case, assignee=assigned_volunteer)
    return case


def _service(staff, code: str):
    return staff.organization.services.get(category__code=code)


@pytest.fixture
def cases(directory, volunteer, coordinator, assigned_volunteer, partner, partner2, durham, spanish):
    small = small_case(volunteer, coordinator, assigned_volunteer, partner, durham, spanish)
    busy = busy_case(volunteer, coordinator, assigned_volunteer, partner, partner2, durham, spanish)
    assert Routing.objects.filter(need__referral=busy).count() == 6
    assert (Note.objects.filter(referral=busy).count(), busy.follow_ups.count()) == (10, 5)
    return small, busy


def queries_for(client, case: Referral, django_assert_max_num_queries, budget: int = BUDGET) -> int:
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ROLES)
def test_the_case_page_costs_the_same_few_queries_however_much_the_case_holds(
    request, django_assert_max_num_queries, cases, persona
):
    small, busy = cases
    client = client_for(request.getfixturevalue(persona))
    one_of_each = queries_for(client, small, django_assert_max_num_queries)
    everything = queries_for(client, busy, django_assert_max_num_queries)
    assert one_of_each == everything
    # What each person was shown: the page read what the counts claim (contact details and every note).
    page = client.get(busy.get_absolute_url()).content.decode()
    assert "Rosa M." in page
    assert page.count("Left a message (") == 5
    assert page.count("Called back (") == 5  # a partner too: its routing is live and consent covers it


@pytest.mark.parametrize("persona", ["outsider", "network_admin", "partner2"])
def test_whoever_may_not_open_the_case_gets_a_404(request, cases, persona):
    small, _ = cases  # partner2's organization has no routing of the small case
    response = client_for(request.getfixturevalue(persona)).get(small.get_absolute_url())
    assert response.status_code == 404


@pytest.mark.parametrize(("persona", "extra"), [("coordinator", 2), ("volunteer", 2), ("partner", 0)])
def test_a_duplicate_phone_and_an_open_incident_add_one_query_each_for_the_hub(
    request, django_assert_max_num_queries, cases, volunteer, coordinator, durham, spanish, persona, extra
):
    small, _ = cases
    client = client_for(request.getfixturevalue(persona))
    usual = queries_for(client, small, django_assert_max_num_queries)
    twin = log_case(volunteer, durham, spanish, ("legal",), contact_phone="+19195550101")
    services.incident_create(
        user=coordinator, county=durham, occurred_at=timezone.now(), description="Checkpoint on Main St"
    )
    assert queries_for(client, small, django_assert_max_num_queries, BUDGET + extra) == usual + extra
    page = client.get(small.get_absolute_url()).content.decode()
    if persona == "partner":
        assert twin.reference not in page and "Checkpoint on Main St" not in page
    else:
        assert twin.reference in page  # the hint
        assert "Checkpoint on Main St" in page  # the form linking the case to the incident


@pytest.mark.parametrize("persona", ["coordinator", "volunteer"])
def test_the_suggestions_cost_the_same_for_one_need_to_send_as_for_four(
    request, django_assert_max_num_queries, directory, volunteer, durham, spanish, persona
):
    client = client_for(request.getfixturevalue(persona))
    one = log_case(volunteer, durham, spanish, ("legal",), contact_phone="+19195550103")
    four = log_case(
        volunteer,
        durham,
        spanish,
        ("legal", "basic-needs", "transportation", "interpretation"),
        contact_phone="+19195550104",
    )
    with_suggestions = BUDGET + SUGGESTIONS
    assert queries_for(client, one, django_assert_max_num_queries, with_suggestions) == queries_for(
        client, four, django_assert_max_num_queries, with_suggestions
    )
    assert client.get(four.get_absolute_url()).content.decode().count("Send to ") >= 4


def test_after_the_family_withdraws_consent_a_partners_page_costs_the_same_for_one_live_routing_as_for_two(
    django_assert_max_num_queries, cases, volunteer, partner
):
    small, busy = cases  # partner_org has one live routing of the small case, two of the busy one
    for case in cases:
        services.consent_withdraw(user=volunteer, referral=case)
    client = client_for(partner)
    # Whether the family withdrew consent is asked for the notes and for each live routing (may it write a note):
    # answered from the consents read once.
    assert queries_for(client, small, django_assert_max_num_queries) == queries_for(
        client, busy, django_assert_max_num_queries
    )
    page = client.get(busy.get_absolute_url()).content.decode()
    assert "Rosa M." not in page and "Left a message" not in page and "Add note" not in page
