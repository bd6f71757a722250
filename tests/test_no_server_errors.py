"""No 500 on any input: every form and query parameter, fed hostile values by hypothesis.

For each form view, hypothesis posts values no person would type (text with NUL and any other character that is
not a lone surrogate, integers far beyond any column, negative numbers, several values for one field, nothing at
all) as the role that uses the form, and for each list, filter and API it sends them as query parameters. The answer
is never a server error (the test client raises it), and an answer that refuses the input (a 4xx, a form shown again
with its errors, or an error message on the case page) leaves every table of the directory, the cases and the
accounts as it was (no statement wrote to them). Kept small (25 examples a view) so the file runs in well under a minute on SQLite."""

import re

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import AccountForm, InvitationForm, NotificationsForm
from directory.forms import (
    AdminServiceForm,
    ListingForm,
    OrganizationForm,
    PhoneForm,
    ResourceForm,
    ServiceForm,
    TextAlertForm,
)
from directory.models import Language, Organization, Phone, Resource, TextAlert
from referrals import services
from referrals.forms import IntakeForm
from referrals.models import Routing
from tests.conftest import client_for
from tests.referrals.conftest import case, durham, food_a, legal_a, legal_b, make_service, spanish  # noqa: F401

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# What hypothesis sends: any text (NUL included, lone surrogates excluded: they cannot be encoded in a request),
# the values most likely to break a parser, and whole numbers far beyond 64 bits.
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
SPECIAL = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "1\x00",
        "²",
        "١٢",
        "-1",
        "0",
        "1.5",
        "1e9",
        str(2**31),
        str(2**63),
        "99999999999999999999",
        "-99999999999999999999",
        "x" * 5000,
        "on",
        "true",
        "2025-02-30",
        "00000000-0000-0000-0000-000000000000",
        "R-AAAAAA",
    ]
)
NUMBER = st.integers(min_value=-(2**80), max_value=2**80).map(str)
SCALAR = st.one_of(TEXT, SPECIAL, NUMBER)
VALUE = st.one_of(SCALAR, st.lists(SCALAR, max_size=3))


def params(names: list[str]):
    """Any subset of the named fields, each with one hostile value or several."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, VALUE))


# Writes that reading a page makes (the access log, the session, the rate-limit cache, the tasks queue for an
# email): anything else written while refusing input is a change.
READ_SIDE_TABLES = ("referrals_accesslog", "django_session", "django_cache", "django_tasks")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


def writes(queries) -> list[str]:
    """The tables written by these statements, less the ones reading writes to."""
    tables = [match.group(2) for query in queries if (match := WRITE.match(query["sql"]))]
    return [table for table in tables if not table.startswith(READ_SIDE_TABLES)]


def refused(response, method: str) -> bool:
    if response.status_code >= 400:
        return True
    if method == "post" and response.status_code == 200:
        return True  # the form, shown again with its errors
    queued = getattr(response.wsgi_request, "_messages", None)
    return any(message.level >= messages.WARNING for message in getattr(queued, "_queued_messages", []))


def send(client, method: str, url: str, data: dict) -> None:
    """Send it; a refusal must not have written to any table (watching the statements is cheaper than comparing
    every table before and after, and stricter: an update to the same value shows too)."""
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data)
    assert response.status_code < 500, (url, data)
    if refused(response, method):
        assert writes(captured.captured_queries) == [], (url, data)


@pytest.fixture
def world(request, volunteer, coordinator, partner, network_admin, partner_org):
    """A case with one need pending at the partner (to decline) and one accepted by it (to complete)."""
    # The referral tests' fixtures (imported above), asked by name.
    the_case, legal_service, food_service = map(request.getfixturevalue, ("case", "legal_a", "food_a"))
    legal = services.routing_create(
        user=volunteer, need=the_case.needs.get(category__code="legal"), service=legal_service
    )
    food = services.routing_create(
        user=volunteer, need=the_case.needs.get(category__code="basic-needs"), service=food_service
    )
    services.routing_accept(user=partner, routing=food)
    services.note_add(user=volunteer, referral=the_case, body="Call after 6pm")
    Phone.objects.create(organization=partner_org, number="+19195550100")
    TextAlert.objects.create(organization=partner_org, keyword="@help", short_code="81010")
    Resource.objects.create(kind="guide", title="Know your rights").languages.add(Language.objects.first())
    return {
        "case": the_case,
        "legal": legal,
        "food": food,
        "service": make_service(partner_org, "transportation", statewide=True),
        "volunteer": client_for(volunteer),
        "coordinator": client_for(coordinator),
        "partner": client_for(partner),
        "admin": client_for(network_admin, reauthenticated=True),
    }


# Every field each form has, read from the form classes, so a field added later is fuzzed too.
INTAKE = list(IntakeForm.base_fields)
ORGANIZATION = list(OrganizationForm.base_fields)
LISTING = list(ListingForm.base_fields)
SERVICE = list(AdminServiceForm.base_fields)
PARTNER_SERVICE = list(ServiceForm.base_fields)
PHONE = list(PhoneForm.base_fields)
TEXT_ALERT = list(TextAlertForm.base_fields)
RESOURCE = list(ResourceForm.base_fields)
INVITATION = list(InvitationForm.base_fields)
ACCOUNT = list(AccountForm.base_fields)

# (who, url with {placeholders} from the world, field names)
FORMS = [
    ("volunteer", "/referrals/new/", INTAKE),
    ("volunteer", "/referrals/{case}/notes/", ["body", "routing"]),
    ("partner", "/referrals/{case}/notes/", ["body", "routing"]),
    ("partner", "/referrals/{case}/routings/{legal}/decline/", ["reason", "note"]),
    ("partner", "/referrals/{case}/routings/{food}/complete/", ["outcome"]),
    ("partner", "/referrals/{case}/routings/{legal}/accept/", ["routing"]),
    ("volunteer", "/referrals/{case}/follow-ups/", ["due_date", "assigned_to", "note"]),
    ("volunteer", "/referrals/search/", ["q"]),
    ("volunteer", "/referrals/new/same-phone/", ["contact_phone"]),
    ("volunteer", "/referrals/{case}/needs/{legal_need}/route/", ["service", "by_phone", "reason"]),
    (
        "coordinator",
        "/referrals/{case}/needs/{legal_need}/reroute/",
        ["service", "by_phone", "reason", "next"],
    ),
    (
        "coordinator",
        "/referrals/{case}/needs/{legal_need}/elsewhere/send/",
        ["service", "by_phone", "reason"],
    ),
    ("coordinator", "/referrals/{case}/needs/{legal_need}/unmet/", ["reason", "next"]),
    ("volunteer", "/referrals/{case}/routings/{legal}/phone-answer/", ["answer", "reason", "note"]),
    ("volunteer", "/referrals/{case}/routings/{food}/phone-outcome/", ["outcome"]),
    ("coordinator", "/referrals/{case}/assign/", ["assignee"]),
    ("coordinator", "/referrals/{case}/close/", ["outcome"]),
    ("coordinator", "/referrals/{case}/purge/", ["confirm"]),
    ("partner", "/manage/organizations/the-hispanic-liaison/edit/", LISTING),
    ("partner", "/manage/organizations/the-hispanic-liaison/services/new/", PARTNER_SERVICE),
    ("partner", "/manage/services/{service}/edit/", PARTNER_SERVICE),
    ("admin", "/manage/organizations/new/", ORGANIZATION),
    ("admin", "/manage/services/new/", SERVICE),
    ("admin", "/manage/phones/new/", PHONE),
    ("admin", "/manage/text-alerts/new/", TEXT_ALERT),
    ("admin", "/manage/resources/new/", RESOURCE),
    ("admin", "/manage/users/invite/", INVITATION),
    ("admin", "/manage/users/{volunteer_id}/edit/", ACCOUNT),
    ("coordinator", "/accounts/notifications/", list(NotificationsForm.base_fields)),
]

PAGE = ["page"]
QUERIES = [
    (
        "coordinator",
        "/referrals/",
        ["status", "county", "category", "urgency", "organization", "assigned_to", "overdue", *PAGE],
    ),
    ("partner", "/referrals/", ["status", "county", "category", "urgency", *PAGE]),
    ("partner", "/referrals/queue/", PAGE),
    ("coordinator", "/referrals/escalations/", PAGE),
    ("coordinator", "/referrals/access-log/", PAGE),
    ("coordinator", "/referrals/export.csv", ["status", "county", "category"]),
    ("volunteer", "/", PAGE),
    ("admin", "/manage/organizations/", ["q", "kind", "stale", "unreachable", *PAGE]),
    ("coordinator", "/referrals/{case}/needs/{legal_need}/elsewhere/", ["q", "county", "category"]),
    (
        "admin",
        "/manage/services/",
        ["county", "category", "language", "accepting", "status", "organization", *PAGE],
    ),
    ("admin", "/manage/phones/", ["county", "type", "organization", *PAGE]),
    ("admin", "/manage/text-alerts/", ["county", "organization", *PAGE]),
    ("admin", "/manage/resources/", ["kind", "language", "organization", *PAGE]),
    ("admin", "/manage/users/", ["q", "organization", "role", "is_active", *PAGE]),
    (
        "anonymous",
        "/api/hsds/services",
        ["page", "per_page", "full", "taxonomy_term_id", "organization_id", "modified_after"],
    ),
    ("anonymous", "/api/hsds/organizations", ["page", "per_page", "full_service"]),
    ("anonymous", "/api/hsds/taxonomy_terms", ["taxonomy_id", "page", "per_page"]),
    ("anonymous", "/help/", ["q", "county"]),
]


def fill(url: str, world: dict) -> str:
    return url.format(
        case=world["case"].reference,
        legal=world["legal"].pk,
        food=world["food"].pk,
        legal_need=world["legal"].need_id,
        service=world["service"].pk,
        volunteer_id=world["case"].created_by_id,
    )


@pytest.mark.parametrize(("who", "url", "fields"), FORMS, ids=[f"{who} {url}" for who, url, _ in FORMS])
@HYPOTHESIS
@given(data=st.data())
def test_no_form_answers_hostile_input_with_a_server_error_or_a_change(world, who, url, fields, data):
    send(world[who], "post", fill(url, world), data.draw(params(fields)))


@pytest.mark.parametrize(("who", "url", "names"), QUERIES, ids=[f"{who} {url}" for who, url, _ in QUERIES])
@HYPOTHESIS
@given(data=st.data())
def test_no_list_filter_or_api_answers_hostile_parameters_with_a_server_error(
    client, world, who, url, names, data
):
    send(client if who == "anonymous" else world[who], "get", fill(url, world), data.draw(params(names)))


def test_the_partners_routing_is_still_as_the_world_made_it_when_nothing_was_sent(world):
    """The world itself: the decline and complete forms above have a live routing to work on."""
    assert {routing.status for routing in Routing.objects.all()} == {"pending", "accepted"}
    assert Organization.objects.filter(slug="the-hispanic-liaison").exists()
