"""Query budgets: each page runs exactly the queries listed, with 1 row or with 30.

Every budget names its queries, so a new one has to be argued for: raise a number only with a line saying what the
new query is for. A page that grows a query per row (a missing select_related or prefetch) fails with 30 rows.

Every signed-in page starts with the same two queries:
  session (the session row), user (the signed-in account with its organization, and whether it has a second
  factor), then the page's own queries, and writes nothing more: the session is written at most once a minute
  (core.security.SessionTouchMiddleware), so each client here has its session written ("Stay signed in") just
  before the page is measured. The navigation context processor counts, in one COUNT each and only for the role whose top bar has that link, a coordinator's escalations ("escalations badge") or a partner's
pending referrals still in time ("queue badge").
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import Referral
from tests.conftest import measured_client_for as client_for
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db

SIGNED_IN = 2  # session, user
SESSION_SAVE = 0  # none: written at most once a minute
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(params=[1, 30], ids=["1 row", "30 rows"])
def rows(request) -> int:
    return request.param


@pytest.fixture
def cases(rows, volunteer, partner, durham, spanish, legal_a, food_a) -> list[Referral]:
    """`rows` cases, each with a legal need declined by the partner (an escalation) and a food need waiting for the
    partner's answer, and an overdue follow-up for the volunteer."""
    logged = []
    for _ in range(rows):
        case = log_case(volunteer, durham, spanish, ("legal", "basic-needs"))
        legal = services.routing_create(
            user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
        )
        services.routing_create(
            user=volunteer, need=case.needs.get(category__code="basic-needs"), service=food_a
        )
        services.routing_decline(user=partner, routing=legal, reason="no_capacity")
        services.follow_up_add(
            user=volunteer,
            referral=case,
            due_date=timezone.localdate() - timedelta(days=1),
            assigned_to=volunteer,
        )
        logged.append(case)
    return logged


@pytest.fixture
def busy_case(rows, cases, volunteer, partner) -> Referral:
    """The first case, with `rows` notes from the hub, `rows` from the partner and `rows` follow-ups (and as many
    timeline events)."""
    case = cases[0]
    food = case.needs.get(category__code="basic-needs").routings.get()
    for number in range(rows):
        services.note_add(user=volunteer, referral=case, body=f"Called back, try again ({number})")
        services.note_add(user=partner, referral=case, body=f"Left a message ({number})", routing=food)
        services.follow_up_add(
            user=volunteer,
            referral=case,
            due_date=timezone.localdate() + timedelta(days=number),
            assigned_to=volunteer,
        )
    return case


def get(client, url: str, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response


def same_phone(rows: int) -> int:
    """The duplicate-phone hint's references (hub staff): read only when another open case of the hub has the same
    phone number, as every case here does once there are several (referrals/case_page.py)."""
    return 1 if rows > 1 else 0


def test_case_page_for_the_coordinator(django_assert_num_queries, rows, busy_case, coordinator):
    client = client_for(coordinator)
    page = SIGNED_IN + 17 + same_phone(rows) + SESSION_SAVE
    # referral (with hub, county, language, logged by, assigned to, incident; whether another open case has the same
    # phone, whether the hub has an open incident), consents (with the language explained in), routings (with
    # organization, service, need, category), needs (with category), SUGGESTIONS (however many needs: the services
    # of their kinds of help with organization and whether it answers in the app, their counties, approved counties,
    # languages and organizations' phones, open routings per service, response times), notes (with author,
    # routing's organization), access log insert (notes and contact were shown), timeline events (with actor's
    # organization, routing's organization, category), escalations badge, follow-ups (with assignee), the hub's
    # staff (once for the follow-up form and the assign form). No open incident: no incident form, no query.
    with django_assert_num_queries(page):
        get(client, busy_case.get_absolute_url())


def test_case_page_for_the_volunteer(django_assert_num_queries, rows, busy_case, volunteer):
    client = client_for(volunteer)
    # As the coordinator's, without the escalations badge, and without the suggestions: the one need without a live
    # routing was declined, so re-sending it is a coordinator's (the suggestions' cost is the coordinator's test
    # above).
    with django_assert_num_queries(SIGNED_IN + 9 + same_phone(rows) + SESSION_SAVE):
        get(client, busy_case.get_absolute_url())


def test_case_page_for_the_partner(django_assert_num_queries, busy_case, partner):
    client = client_for(partner)
    # referral, consents, the categories the consent covers (contact details: a live routing of ours it covers,
    # read from our routings), our routings, our needs, notes we may read, access log insert, queue badge, our
    # timeline events
    with django_assert_num_queries(SIGNED_IN + 9 + SESSION_SAVE):
        get(client, busy_case.get_absolute_url())


def test_case_list(django_assert_num_queries, cases, coordinator):
    client = client_for(coordinator)
    # count (up to 1,001 cases), escalations badge, filter choices: counties, categories, partner organizations,
    # assignees; the page of cases (with county, assignee), their needs (with category), the needs' routings
    with django_assert_num_queries(SIGNED_IN + 9 + SESSION_SAVE):
        page = get(client, "/referrals/?status=open&urgency=urgent")
    assert len(page.context["page"].object_list) == min(len(cases), 25)


def test_case_list_rows_for_htmx(django_assert_num_queries, cases, coordinator):
    client = client_for(coordinator)
    # count (up to 1,001 cases) and escalations badge (the context processor runs for fragments too), the page of
    # cases, their needs, the needs' routings: the filter form is not drawn, so none of its choice lists is read.
    with django_assert_num_queries(SIGNED_IN + 5 + SESSION_SAVE):
        response = get(client, "/referrals/?status=open", **HTMX)
    assert b"<html" not in response.content


@pytest.mark.parametrize(
    ("persona", "own_queries"),
    [
        # follow-ups due (with case, assignee), open cases (with county, assignee), their needs, the
        # needs' routings, their own training's latest expiry (flagged when missing, expired or expiring)
        ("volunteer", 5),
        # as the volunteer's, plus escalations badge, escalations (needs with case, county, language, category),
        # their routings, and the SUGGESTIONS for all of them at once (7, as on the case page)
        ("coordinator", 14),
        # queue badge, the queue's routings (with need, category, case, county, language)
        ("partner", 2),
    ],
)
def test_my_work(request, django_assert_num_queries, cases, persona, own_queries):
    client = client_for(request.getfixturevalue(persona))
    with django_assert_num_queries(SIGNED_IN + own_queries + SESSION_SAVE):
        get(client, "/")


def test_partner_queue(django_assert_num_queries, cases, partner):
    client = client_for(partner)
    # queue badge, the page of routings (with need, category, case, county, language; one more row than shown, to
    # know of a next page: no count), the organization's services (each with its "we're full tonight" switch)
    with django_assert_num_queries(SIGNED_IN + 3 + SESSION_SAVE):
        page = get(client, "/referrals/queue/")
    assert len(page.context["page"].object_list) == min(2 * len(cases), 25)


def test_escalations(django_assert_num_queries, cases, coordinator):
    client = client_for(coordinator)
    # escalations badge (a COUNT that stops at 100), the page of needs (one more than shown, for the next page's
    # link: no count) (with case, county, language, category), their
    # routings (with organization), and each row's next suggestion, ranked for the whole page at once: the services
    # of their kinds of help, their counties, approved counties, languages and organizations' phones, open routings
    # per service, response times
    with django_assert_num_queries(SIGNED_IN + 10 + SESSION_SAVE):
        page = get(client, "/referrals/escalations/")
    assert len(page.context["page"].object_list) == min(len(cases), 25)


@pytest.mark.parametrize(
    ("typed", "own_queries"),
    [
        # the cases with this phone (with county, assignee), their needs (with category), the needs' routings;
        # escalations badge; the access log's rows for the cases shown (one INSERT)
        ("919-555-0143", 5),
        # as by phone, after one query reading the names of the hub's open cases (decrypted and matched in Python)
        ("rosa", 6),
    ],
    ids=["phone", "name"],
)
def test_search_results(django_assert_num_queries, cases, coordinator, typed, own_queries):
    client = client_for(coordinator)
    with django_assert_num_queries(SIGNED_IN + own_queries + SESSION_SAVE):
        response = client.post("/referrals/search/", {"q": typed})
    assert response.status_code == 200
    assert len(response.context["found"].cases) == min(len(cases), 25)
