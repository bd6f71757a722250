"""Who may see and do what on cases: one table, the role table of DESIGN.md, run against `referrals.policy` and over
HTTP.

Each column is a role and the relation of a case to the person; each row an action; each cell what happens:
ALLOWED, 404 (a record you may not see) or 403 (a record you may see but not change, or a section your role has no
use for). "See contact" 403: the case opens, its name, phone and notes do not show. Every role has refusals.

Over HTTP an "allowed" write must change the database, a refused one must leave it as it was. Two cells read
differently over HTTP, on purpose:
- a partner whose routing has ended may not answer it or write on it, but the services say so with "this referral
  changed, reload" (the routing may have ended a second ago in another tab), not with a 403 page;
- an inactive account is signed out: every page sends it to sign in.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.utils import timezone

from directory.models import Role, Service, User
from referrals import audit, policy, services
from referrals.models import AccessLog, FollowUp, Need, Note, Referral, Routing
from tests.conftest import PASSWORD, TOTP_SECRET, client_for, make_user
from tests.referrals.conftest import category, log_case

pytestmark = pytest.mark.django_db

ALLOWED, HIDDEN, FORBIDDEN = "allowed", 404, 403
SIGN_IN = "sent to sign in"
A, N, F = ALLOWED, HIDDEN, FORBIDDEN


@dataclass(frozen=True)
class Column:
    role: str
    relation: str
    persona: str  # who acts
    case: str  # which case of the world they act on


COLUMNS = [
    Column("volunteer", "own case (logged it)", "vera", "own"),
    Column("volunteer", "case assigned to them", "vera", "assigned"),
    Column("volunteer", "another volunteer's case, same hub", "vera", "colleague"),
    Column("volunteer", "another hub's case", "vera", "elsewhere"),
    Column("coordinator", "own hub's case (neither logged nor assigned)", "carmen", "colleague"),
    Column("coordinator", "another hub's case", "carmen", "elsewhere"),
    Column("partner", "routed, live, consent covers it", "pablo", "own"),
    Column("partner", "routed, live, no consent", "pablo", "no_consent"),
    Column("partner", "routing ended (declined)", "pablo", "ended"),
    Column("partner", "not routed anywhere", "pablo", "unrouted"),
    Column("partner", "routed to another partner org", "paula", "own"),
    Column("admin", "a case of their own organization", "ana", "own"),
    Column("outsider", "inactive (logged the case before)", "inactive", "own"),
    Column("outsider", "no organization", "nobody", "own"),
]
ENDED = "routing ended (declined)"
INACTIVE = "inactive (logged the case before)"

# fmt: off
TABLE = {
    # action              vol: own  asg  col  oth | coord: hub oth | partner: live noc  end  not  org | adm | out: ina org
    "list":                  (A,   A,   N,   N,          A,  N,              A,   A,   A,   N,   N,    F,        F,  F),
    "open":                  (A,   A,   N,   N,          A,  N,              A,   A,   A,   N,   N,    N,        N,  N),
    "see contact":           (A,   A,   N,   N,          A,  N,              A,   F,   F,   N,   N,    N,        N,  N),
    "create":                (A,   A,   A,   A,          A,  A,              F,   F,   F,   F,   F,    F,        F,  F),
    "route a need":          (A,   A,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "withdraw a routing":    (A,   A,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "withdraw a need":       (A,   A,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "withdraw consent":      (A,   A,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "re-route":              (F,   F,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "send elsewhere":        (F,   F,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "close as unmet":        (F,   F,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "accept":                (F,   F,   N,   N,          F,  N,              A,   A,   F,   N,   N,    N,        N,  N),
    "decline":               (F,   F,   N,   N,          F,  N,              A,   A,   F,   N,   N,    N,        N,  N),
    "complete":              (F,   F,   N,   N,          F,  N,              A,   A,   F,   N,   N,    N,        N,  N),
    "add note":              (A,   A,   N,   N,          A,  N,              A,   A,   F,   N,   N,    N,        N,  N),
    "add follow-up":         (A,   A,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "follow-up done":        (A,   A,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "assign":                (F,   F,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "close":                 (F,   F,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "purge":                 (F,   F,   N,   N,          A,  N,              F,   F,   F,   N,   N,    N,        N,  N),
    "search (same phone)":   (A,   A,   N,   N,          A,  N,              F,   F,   F,   F,   F,    F,        F,  F),
    "access log":            (F,   F,   F,   F,          A,  N,              F,   F,   F,   F,   F,    A,        F,  F),
    "export":                (F,   F,   F,   F,          A,  N,              F,   F,   F,   F,   F,    F,        F,  F),
    "escalations page":      (F,   F,   F,   F,          A,  A,              F,   F,   F,   F,   F,    F,        F,  F),
    "queue page":            (F,   F,   F,   F,          F,  F,              A,   A,   A,   A,   A,    F,        F,  F),
}
# fmt: on

# The table as rows: (role, relation of the record to the person, action, expected).
ROWS = [
    (column.role, column.relation, action, expected)
    for action, cells in TABLE.items()
    for column, expected in zip(COLUMNS, cells, strict=True)
]


def expected_for(column: Column) -> dict:
    return {
        action: expected
        for role, relation, action, expected in ROWS
        if (role, relation) == (column.role, column.relation)
    }


def test_every_role_is_refused_something_and_allowed_what_the_design_gives_it():
    """A matrix without refusals proves nothing: each role (and each relation) has them."""
    for role in {column.role for column in COLUMNS}:
        outcomes = {expected for row_role, _, _, expected in ROWS if row_role == role}
        assert HIDDEN in outcomes or FORBIDDEN in outcomes, role
    for column in COLUMNS:
        assert set(expected_for(column).values()) - {ALLOWED}, column.relation
    assert {role for role, _, _, expected in ROWS if expected == ALLOWED} == {
        "volunteer",
        "coordinator",
        "partner",
        "admin",
    }


# The world: two hubs, two partner organizations, one case per relation. Every case has a legal and a food need,
# the same phone (for the duplicate-phone hint), and a row in the access log.


@dataclass
class World:
    people: dict[str, User]
    cases: dict[str, Referral]
    routings: dict[str, Routing]  # each case's legal routing, where it has one


@pytest.fixture
def world(
    hub, volunteer, coordinator, partner, partner2, network_admin, outsider, durham, spanish, legal_a, food_a
):
    otra = make_user("otra@example.org", hub, Role.VOLUNTEER, display_name="Otra")
    nobody = User.objects.create_user(
        email="nobody@example.org",
        password=PASSWORD,
        organization=None,
        role=Role.VOLUNTEER,
        is_superuser=True,
    )
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(nobody, TOTP_SECRET)
    codes = ("legal", "basic-needs")
    cases = {
        "own": log_case(volunteer, durham, spanish, codes),
        "assigned": log_case(otra, durham, spanish, codes),
        "colleague": log_case(otra, durham, spanish, codes),
        "elsewhere": log_case(outsider, durham, spanish, codes),
        "no_consent": log_case(volunteer, durham, spanish, codes, consent=False),
        "ended": log_case(volunteer, durham, spanish, codes),
        "unrouted": log_case(volunteer, durham, spanish, codes),
    }
    services.referral_assign(user=coordinator, referral=cases["assigned"], assignee=volunteer)
    routings = {}
    for key, case in cases.items():
        if key != "unrouted":
            routings[key] = services.routing_create(
                user=case.created_by, need=case.needs.get(category__code="legal"), service=legal_a
            )
        audit.log_access(user=case.created_by, action="view_contact", reference=case.reference)
    services.routing_decline(user=partner, routing=routings["ended"], reason="no_capacity")
    people = {
        "vera": volunteer,
        "carmen": coordinator,
        "pablo": partner,
        "paula": partner2,
        "ana": network_admin,
        "inactive": volunteer,
        "nobody": nobody,
        "otto": outsider,
    }
    return World(
        people=people, cases={k: Referral.objects.get(pk=v.pk) for k, v in cases.items()}, routings=routings
    )


def actor(world: World, column: Column) -> User:
    user = world.people[column.persona]
    if column.relation == INACTIVE:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


def food_need(case: Referral) -> Need:
    return case.needs.get(category__code="basic-needs")


def legal_routing(world: World, case_key: str) -> Routing:
    """The case's legal routing; a case with none is tried with another case's routing (it must still be a 404)."""
    return world.routings.get(case_key, world.routings["own"])


def manager(world: World, case: Referral) -> User:
    """Someone who runs the case whatever the column does to its people: the coordinator of its hub (or, for the
    other hub's case, the volunteer who logged it)."""
    return (
        world.people["otto"]
        if case.hub_id == world.people["otto"].organization_id
        else world.people["carmen"]
    )


def prepare(action: str, world: World) -> None:
    """What a case must look like before the action makes sense (the changes are rolled back after each action)."""
    if action == "complete":
        for key, routing in world.routings.items():
            if key != "ended":
                services.routing_accept(user=world.people["pablo"], routing=routing)
    elif action == "close":
        for case in world.cases.values():
            for need in case.needs.filter(status="open"):
                services.need_withdraw(user=manager(world, case), need=need)
    elif action == "follow-up done":
        for case in world.cases.values():
            services.follow_up_add(
                user=manager(world, case),
                referral=case,
                due_date=timezone.localdate(),
                assigned_to=manager(world, case),
            )


def each_action(column: Column, world: World, observe) -> dict:
    """Run every action of the table for this column, each inside a savepoint rolled back afterwards."""
    user = actor(world, column)
    case = world.cases[column.case]
    observed = {}
    for action in TABLE:
        with transaction.atomic():
            prepare(action, world)
            observed[action] = observe(action, user, Referral.objects.get(pk=case.pk), world, column)
            transaction.set_rollback(True)
    return observed


# (a) The policy functions.


def through_policy(action: str, user: User, case: Referral, world: World, column: Column):
    try:
        return ALLOWED if _policy_allows(action, user, case, world, column) else FORBIDDEN
    except Http404:
        return HIDDEN
    except PermissionDenied:
        return FORBIDDEN


def _policy_allows(action: str, user: User, case: Referral, world: World, column: Column) -> bool:
    just_this = Referral.objects.filter(pk=case.pk)
    if action == "list":
        if not policy.may_list_cases(user):
            raise PermissionDenied
        if not policy.visible_referrals(user, just_this).exists():
            raise Http404
        return True
    if action == "create":
        return policy.may_create_referral(user)
    if action == "escalations page":
        return policy.may_see_escalations(user)
    if action == "queue page":
        return policy.may_use_queue(user)
    if action == "search (same phone)":
        if not policy.may_search_cases(user):
            raise PermissionDenied
        if not policy.duplicate_hint_scope(user, just_this).exists():
            raise Http404
        return True
    if action == "access log":
        if not policy.may_see_access_log(user):
            raise PermissionDenied
        if not policy.access_log_scope(user, AccessLog.objects.filter(reference=case.reference)).exists():
            raise Http404
        return True
    if action == "export":
        if not policy.may_export(user):
            raise PermissionDenied
        if not policy.export_scope(user, just_this).exists():
            raise Http404
        return True
    referral = policy.get_referral_for_user(user, case.reference)
    if action == "open":
        return True
    if action == "see contact":
        return policy.can_see_contact(user, referral)
    if action in ("accept", "decline", "complete"):
        routing = policy.get_routing_for_partner(user, referral, legal_routing(world, column.case).pk)
        return policy.may_answer_routing(user, routing)
    if action == "add note":
        if policy.manages(user, referral):
            return policy.may_add_note(user, referral, None)
        routing = policy.get_routing_for_partner(user, referral, legal_routing(world, column.case).pk)
        return policy.may_add_note(user, referral, routing)
    predicate = {
        "route a need": policy.may_route,
        "withdraw a routing": policy.may_route,
        "withdraw a need": policy.may_route,
        "withdraw consent": policy.may_route,
        "add follow-up": policy.may_route,
        "follow-up done": policy.may_route,
        "re-route": policy.may_reroute,
        "send elsewhere": policy.may_reroute,
        "close as unmet": policy.may_reroute,
        "assign": policy.may_assign,
        "close": policy.may_close,
        "purge": policy.may_purge,
    }[action]
    return predicate(user, referral)


@pytest.mark.parametrize("column", COLUMNS, ids=lambda column: f"{column.role}: {column.relation}")
def test_the_policy_follows_the_table(world, column):
    assert each_action(column, world, through_policy) == expected_for(column)


# (b) Over HTTP, as the person's browser would ask.


def _refusal(response, changed: bool, column: Column):
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        outcome = SIGN_IN
    elif response.status_code in (403, 404):
        outcome = response.status_code
    elif response.status_code == 302 and changed:
        return ALLOWED
    elif response.status_code == 302 and column.relation == ENDED and _told_it_changed(response):
        outcome = FORBIDDEN
    else:
        outcome = f"HTTP {response.status_code}"
    return outcome if not changed else f"{outcome}, but the database changed"


def _told_it_changed(response) -> bool:
    return any("This referral changed" in str(message) for message in get_messages(response.wsgi_request))


def _write(client, url: str, data: dict, changed, column: Column):
    response = client.post(url, data)
    return _refusal(response, changed(), column)


def _read(response, found: bool):
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return SIGN_IN
    if response.status_code != 200:
        return response.status_code
    return ALLOWED if found else HIDDEN


def through_http(action: str, user: User, case: Referral, world: World, column: Column):
    client = client_for(user, reauthenticated=action == "export" and user.is_active)
    url = f"/referrals/{case.reference}"
    routing = legal_routing(world, column.case)
    food = food_need(case)

    def routing_status() -> str:
        return Routing.objects.get(pk=routing.pk).status

    before = routing_status()
    if action == "list":
        response = client.get("/referrals/")
        return _read(response, case.reference in response.content.decode())
    if action == "open":
        return _read(client.get(f"{url}/"), True)
    if action in ("escalations page", "queue page"):
        response = client.get(
            "/referrals/escalations/" if action == "escalations page" else "/referrals/queue/"
        )
        return FORBIDDEN if response.status_code == 403 else _read(response, True)
    if action == "see contact":
        response = client.get(f"{url}/")
        body = response.content.decode()
        shown = {"Rosa M." in body, "919-555-0143" in body}
        if response.status_code == 200 and shown == {False}:
            return FORBIDDEN
        return _read(response, shown == {True})
    if action == "create":
        count = Referral.objects.count()
        data = {
            "county": case.county_id,
            "language": case.language_id,
            "urgency": "urgent",
            "categories": [category("legal").pk],
            "contact_phone": "919-555-0177",
            "safe_to_call": "on",
            "intake_token": str(uuid.uuid4()),
        }
        return _write(client, "/referrals/new/", data, lambda: Referral.objects.count() > count, column)
    if action == "route a need":
        service = Service.objects.get(
            organization=world.people["pablo"].organization, category__code="basic-needs"
        )
        return _write(
            client, f"{url}/needs/{food.pk}/route/", {"service": service.pk}, food.routings.exists, column
        )
    if action == "re-route":
        service = Service.objects.get(
            organization=world.people["pablo"].organization, category__code="basic-needs"
        )
        return _write(
            client, f"{url}/needs/{food.pk}/reroute/", {"service": service.pk}, food.routings.exists, column
        )
    if action == "send elsewhere":
        service = Service.objects.get(
            organization=world.people["pablo"].organization, category__code="basic-needs"
        )
        return _write(
            client,
            f"{url}/needs/{food.pk}/elsewhere/send/",
            {"service": service.pk, "reason": "Takes families from every county"},
            food.routings.exists,
            column,
        )
    if action == "close as unmet":
        return _write(
            client,
            f"{url}/needs/{food.pk}/unmet/",
            {"reason": "Nobody offers it"},
            lambda: Need.objects.get(pk=food.pk).status != "open",
            column,
        )
    if action == "withdraw a routing":
        return _write(
            client,
            f"{url}/routings/{routing.pk}/withdraw/",
            {},
            lambda: routing_status() == "withdrawn",
            column,
        )
    if action == "withdraw a need":
        return _write(
            client,
            f"{url}/needs/{food.pk}/withdraw/",
            {},
            lambda: Need.objects.get(pk=food.pk).status == "withdrawn",
            column,
        )
    if action == "withdraw consent":
        return _write(
            client,
            f"{url}/consent/withdraw/",
            {},
            case.consents.filter(revoked_at__isnull=False).exists,
            column,
        )
    if action in ("accept", "decline", "complete"):
        path, data, after = {
            "accept": ("accept", {}, "accepted"),
            "decline": ("decline", {"reason": "no_capacity"}, "declined"),
            "complete": ("complete", {"outcome": "helped"}, "completed"),
        }[action]
        changed = lambda: routing_status() != before  # noqa: E731
        result = _write(client, f"{url}/routings/{routing.pk}/{path}/", data, changed, column)
        assert result != ALLOWED or routing_status() == after
        return result
    if action == "add note":
        body = "Called the family back"
        return _write(
            client,
            f"{url}/notes/",
            {"body": body, "routing": routing.pk},
            lambda: any(note.body == body for note in Note.objects.filter(referral=case)),
            column,
        )
    if action == "add follow-up":
        data = {
            "due_date": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "assigned_to": case.created_by_id,
            "note": "Check on the lawyer",
        }
        return _write(client, f"{url}/follow-ups/", data, case.follow_ups.exists, column)
    if action == "follow-up done":
        follow_up = case.follow_ups.get()
        return _write(
            client,
            f"{url}/follow-ups/{follow_up.pk}/done/",
            {},
            lambda: FollowUp.objects.get(pk=follow_up.pk).done_at is not None,
            column,
        )
    if action == "assign":
        assignee = world.people["carmen"]
        return _write(
            client,
            f"{url}/assign/",
            {"assignee": assignee.pk},
            lambda: Referral.objects.get(pk=case.pk).assigned_to_id == assignee.pk,
            column,
        )
    if action == "close":
        return _write(
            client,
            f"{url}/close/",
            {"outcome": "helped"},
            lambda: not Referral.objects.get(pk=case.pk).is_open,
            column,
        )
    if action == "purge":
        return _write(
            client,
            f"{url}/purge/",
            {"confirm": case.reference},
            lambda: Referral.objects.get(pk=case.pk).purged_at is not None,
            column,
        )
    if action == "search (same phone)":
        return _search_over_http(client, user, case)
    if action == "access log":
        response = client.get("/referrals/access-log/")
        return _read(response, case.reference in response.content.decode())
    if action == "export":
        response = client.get("/referrals/export.csv")
        return _read(response, case.reference in response.getvalue().decode())
    raise AssertionError(action)


def _search_over_http(client, user: User, case: Referral):
    """The duplicate-phone hint on a case with the same phone. Hub staff log a new one; anyone else looks at the
    cases they can open: a role that may not search never sees the hint."""
    hint = "may already have an open case with the same phone number"
    if policy.may_create_referral(user):
        anchor = log_case(user, case.county, case.language)
        response = client.get(f"/referrals/{anchor.reference}/")
        body = response.content.decode()
        if response.status_code == 200 and hint not in body:
            return "no hint at all"
        return _read(response, case.reference in body.split(hint, 1)[-1].split("</div>", 1)[0])
    response = client.get(f"/referrals/{case.reference}/")
    if response.status_code == 302:
        return _read(response, False)
    assert hint not in response.content.decode()
    return FORBIDDEN


@pytest.mark.parametrize("column", COLUMNS, ids=lambda column: f"{column.role}: {column.relation}")
def test_the_pages_follow_the_table(world, column):
    expected = expected_for(column)
    if column.relation == INACTIVE:
        expected = dict.fromkeys(expected, SIGN_IN)
    assert each_action(column, world, through_http) == expected


def test_anonymous_visitors_are_sent_to_sign_in(world):
    case = world.cases["own"]
    for path in [f"/referrals/{case.reference}/", "/referrals/", "/referrals/new/", "/referrals/access-log/"]:
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path


def test_the_admin_sees_no_case_on_my_work_either(world):
    """My work is not in the table (it is each role's own start page): the administrator's shows no case."""
    page = client_for(world.people["ana"]).get("/").content.decode()
    assert not [case.reference for case in world.cases.values() if case.reference in page]
    # ...while the volunteer's, on the same cases, does.
    page = client_for(world.people["vera"]).get("/").content.decode()
    assert world.cases["own"].reference in page


CASE_PAGES = {
    "new": "/referrals/new/",
    "cases": "/referrals/",
    "queue": "/referrals/queue/",
    "escalations": "/referrals/escalations/",
    "access log": "/referrals/access-log/",
}


@pytest.mark.parametrize(
    ("persona", "pages"),
    [
        ("vera", {"new", "cases"}),
        ("carmen", {"new", "cases", "escalations", "access log"}),
        ("pablo", {"cases", "queue"}),
        ("ana", {"access log"}),
        ("nobody", set()),
    ],
)
def test_the_top_bar_offers_exactly_the_case_pages_that_open(world, persona, pages):
    client = client_for(world.people[persona])
    offered = {url for url, _ in client.get("/").context["nav_items"]}
    assert {name for name, path in CASE_PAGES.items() if path in offered} == pages
    for name, path in CASE_PAGES.items():
        assert client.get(path).status_code == (200 if name in pages else 403), path
