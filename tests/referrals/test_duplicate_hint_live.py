"""The duplicate-phone hint at intake, while the phone is typed and before the case is saved.

htmx posts the phone field (never a GET: the number stays out of addresses) to /referrals/new/same-phone/, which
answers with the hint: each open case of the hub with this number that the person may open, with a link to open it
instead. It says nothing of cases they may not open (unless the policy counts them for their role), of closed cases,
or of another hub's. Without JavaScript the form saves as before and the case page shows the hint after saving.
"""

import re
import uuid

import pytest

from directory.models import Role
from referrals import services
from referrals.models import Referral
from tests.conftest import client_for, make_user, train
from tests.referrals.conftest import log_case
from tests.referrals.test_integrity import intake_post

pytestmark = pytest.mark.django_db

HINT = "/referrals/new/same-phone/"
HTMX = {"HTTP_HX_REQUEST": "true"}
PHONE = "+19195550142"


def hint(user, phone: str) -> str:
    response = client_for(user).post(HINT, {"contact_phone": phone}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    return body


def shown(body: str) -> list[str]:
    """The references the hint offers to open instead."""
    return re.findall(r'<a href="/referrals/(R-\w+)/">R-\w+: open that case instead</a>', body)


@pytest.fixture
def family(volunteer, durham, spanish) -> Referral:
    return log_case(volunteer, durham, spanish, contact_phone=PHONE)


@pytest.mark.parametrize("typed", ["(919) 555-0142", "919.555.0142", "+1 919 555 0142"])
def test_a_case_the_volunteer_may_open_is_offered_instead(family, volunteer, typed):
    body = hint(volunteer, typed)
    assert shown(body) == [family.reference]
    assert "Your hub already has an open case for this phone number" in body


def test_a_case_the_volunteer_may_not_open_is_not_even_counted(family, coordinator, durham, spanish):
    """A volunteer could otherwise test whether a number belongs to a family with a case (the policy counts hidden
    matches for coordinators only, who may open every case of their hub anyway)."""
    colleague = make_user("vicky@example.org", family.hub, Role.VOLUNTEER, display_name="Vicky")
    train(colleague)
    body = hint(colleague, "919-555-0142")
    assert body.strip() == ""
    own = log_case(colleague, durham, spanish, contact_phone=PHONE)
    body = hint(colleague, "919-555-0142")
    assert shown(body) == [own.reference]
    assert family.reference not in body and "cannot open" not in body


def test_the_coordinator_is_offered_every_open_case_of_the_hub(family, coordinator, durham, spanish):
    own = log_case(coordinator, durham, spanish, contact_phone=PHONE)
    assert sorted(shown(hint(coordinator, "919 555 0142"))) == sorted([family.reference, own.reference])


def test_no_open_case_with_the_number_means_no_hint(family, coordinator, volunteer):
    assert hint(volunteer, "919-555-0199").strip() == ""
    for need in family.needs.all():
        services.need_withdraw(user=coordinator, need=need)
    services.referral_close(user=coordinator, referral=family, outcome="helped")
    assert hint(volunteer, "919-555-0142").strip() == ""
    assert hint(coordinator, "919-555-0142").strip() == ""


@pytest.mark.parametrize("typed", ["", "9", "919-55", "919-555-01420000", "not a phone", "\x00", "x" * 5000])
def test_a_number_not_yet_whole_gives_no_hint_and_no_error(family, volunteer, typed):
    assert hint(volunteer, typed).strip() == ""


def test_nothing_of_another_hub_ever(family, volunteer, outsider, other_hub, durham, spanish):
    other_coordinator = make_user("cora@example.org", other_hub, Role.COORDINATOR, display_name="Cora")
    assert hint(outsider, "919-555-0142").strip() == ""
    assert hint(other_coordinator, "919-555-0142").strip() == ""
    theirs = log_case(outsider, durham, spanish, contact_phone=PHONE)
    assert shown(hint(other_coordinator, "919-555-0142")) == [theirs.reference]
    assert shown(hint(volunteer, "919-555-0142")) == [family.reference]


@pytest.mark.parametrize("persona", ["partner", "network_admin"])
def test_only_people_who_log_cases_may_ask(request, family, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(HINT, {"contact_phone": "919-555-0142"}, **HTMX).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, family):
    response = client.post(HINT, {"contact_phone": "919-555-0142"}, **HTMX)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_answers_posts_only(family, volunteer):
    """A GET would carry the number in its address."""
    response = client_for(volunteer).get(HINT, {"contact_phone": "919-555-0142"}, **HTMX)
    assert response.status_code == 405
    assert family.reference not in response.content.decode()


def test_the_phone_field_posts_only_itself_as_it_is_typed(volunteer):
    page = client_for(volunteer).get("/referrals/new/").content.decode()
    trigger = re.search(r"<div hx-post=\"([^\"]+)\"([^>]*)>", page)
    assert trigger.group(1) == HINT
    attributes = trigger.group(2)
    assert 'hx-params="contact_phone"' in attributes
    assert "input changed delay:500ms from:#id_contact_phone" in attributes
    assert 'hx-target="#same-phone-hint"' in attributes
    assert "hx-get" not in page
    assert '<div id="same-phone-hint" aria-live="polite"></div>' in page
    # The page carries the CSRF token htmx sends with the POST.
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"\w+\"\}'", page)


def test_a_form_shown_again_with_a_phone_asks_at_once(volunteer, durham, spanish):
    data = {**intake_post(durham, spanish, str(uuid.uuid4())), "categories": []}
    page = client_for(volunteer).post("/referrals/new/", data).content.decode()
    assert re.search(r'hx-trigger="[^"]*, load"', page)


def test_without_javascript_the_form_still_saves_and_the_case_page_hints(family, volunteer, durham, spanish):
    client = client_for(volunteer)
    data = {**intake_post(durham, spanish, str(uuid.uuid4())), "contact_phone": "(919) 555-0142"}
    response = client.post("/referrals/new/", data, follow=True)
    second = Referral.objects.exclude(pk=family.pk).get()
    assert response.redirect_chain == [(second.get_absolute_url(), 302)]
    body = response.content.decode()
    assert "may already have an open case" in body and family.reference in body


def test_the_hint_costs_a_few_queries_whatever_the_number_of_matches(
    django_assert_max_num_queries, volunteer, durham, spanish
):
    for _ in range(30):
        log_case(volunteer, durham, spanish, contact_phone=PHONE)
    client = client_for(volunteer)
    # session, user, mfa; the hub's org (may the person log cases); their training (a volunteer's must be current);
    # the references they may open; nav org; savepoint, session save, release savepoint
    with django_assert_max_num_queries(10):
        response = client.post(HINT, {"contact_phone": "919-555-0142"}, **HTMX)
    assert len(shown(response.content.decode())) == 30


def test_a_live_hint_that_names_a_case_is_in_the_access_log(volunteer, durham, spanish):
    from referrals.models import AccessAction, AccessLog
    from tests.referrals.conftest import log_case

    case = log_case(volunteer, durham, spanish, contact_phone="+19195550142")
    client_for(volunteer).post("/referrals/new/same-phone/", {"contact_phone": "919 555 0199"})
    assert not AccessLog.objects.filter(action=AccessAction.SEARCH).exists()
    client_for(volunteer).post("/referrals/new/same-phone/", {"contact_phone": "(919) 555-0142"})
    assert list(AccessLog.objects.filter(action=AccessAction.SEARCH).values_list("reference", flat=True)) == [
        case.reference
    ]
