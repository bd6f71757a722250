"""Finding a family again: hub staff search by reference, phone or name (or alias), among the cases they may open.

A volunteer finds the cases they logged or are assigned to, a coordinator the hub's; nobody finds another hub's case,
partners and administrators have no search at all. The search posts, so a phone number never ends up in an address.
"""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.models import Role
from referrals import services
from referrals.models import AccessAction, AccessLog, Referral
from tests.conftest import client_for, make_user
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db

SEARCH = "/referrals/search/"
PHONE = "+19195550142"


@pytest.fixture
def family(volunteer, durham, spanish) -> Referral:
    """The volunteer's case for José Peña, phone 919-555-0142."""
    return log_case(volunteer, durham, spanish, contact_name="José Peña", contact_phone=PHONE)


@pytest.fixture
def other_family(volunteer, durham, spanish) -> Referral:
    """Another of the volunteer's cases: Rosa M., 919-555-0143 (never found by the family's searches)."""
    return log_case(volunteer, durham, spanish)


@pytest.fixture
def other_coordinator(other_hub):
    return make_user("cora@example.org", other_hub, Role.COORDINATOR, display_name="Cora")


def search(user_or_client, q: str):
    client = user_or_client if isinstance(user_or_client, Client) else client_for(user_or_client)
    return client.post(SEARCH, {"q": q})


def found(response) -> list[str]:
    """The references listed on the results page (the page answers 200: a single reference would redirect)."""
    assert response.status_code == 200
    return [
        referral.reference
        for referral in (response.context["found"].cases if response.context["found"] else [])
    ]


def error(response) -> str:
    assert response.status_code == 200 and response.context["found"] is None
    return " ".join(response.context["search_form"].errors["q"])


# Each key: reference, phone, name or alias


@pytest.mark.parametrize(
    "shape", ["as written", "lower case", "without R-", "lower case without R-", "spaces"]
)
def test_a_reference_goes_straight_to_the_case(family, other_family, volunteer, shape):
    typed = {
        "as written": family.reference,
        "lower case": family.reference.lower(),
        "without R-": family.reference.removeprefix("R-"),
        "lower case without R-": family.reference.removeprefix("R-").lower(),
        "spaces": f"  {family.reference}  ",
    }[shape]
    response = search(volunteer, typed)
    assert response.status_code == 302
    assert response["Location"] == family.get_absolute_url()


def test_an_unknown_reference_says_no_case_has_it(family, volunteer):
    response = search(volunteer, "R-222222")
    assert found(response) == []
    assert "No case you may open has this reference." in response.content.decode()


@pytest.mark.parametrize("typed", ["(919) 555-0142", "919.555.0142", "+1 919 555 0142", "9195550142"])
def test_a_phone_in_any_format_finds_the_case(family, other_family, volunteer, typed):
    response = search(volunteer, typed)
    assert found(response) == [family.reference]
    assert response.context["found"].key == "phone"


@pytest.mark.parametrize("typed", ["pena", "PEÑA", "josé", "Jose Pe", "  ose p  "])
def test_a_name_is_found_on_part_of_it_whatever_the_case_and_accents(family, other_family, volunteer, typed):
    assert found(search(volunteer, typed)) == [family.reference]


def test_a_name_typed_with_accents_finds_one_stored_without(volunteer, durham, spanish):
    maria = log_case(volunteer, durham, spanish, contact_name="Maria Lopez")
    assert found(search(volunteer, "maría lópez")) == [maria.reference]


def test_results_list_like_the_case_list(family, volunteer):
    page = search(volunteer, "pena").content.decode()
    assert f'href="{family.get_absolute_url()}"' in page
    assert "Durham" in page and "Legal" in page
    # The results show no contact details: finding a case is not reading it.
    assert "José" not in page.split('id="search-results"')[1]


def test_closed_cases_are_not_found_by_name_but_are_by_reference_and_phone(family, coordinator):
    for need in family.needs.all():
        services.need_withdraw(user=coordinator, need=need)
    services.referral_close(user=coordinator, referral=family, outcome="family_withdrew")
    page = search(coordinator, "peña")
    assert found(page) == []
    assert "No open case you may open has this name or alias." in page.content.decode()
    assert search(coordinator, family.reference)["Location"] == family.get_absolute_url()
    assert found(search(coordinator, "919-555-0142")) == [family.reference]


def test_a_purged_case_is_found_by_nothing_but_its_reference(family, coordinator):
    services.referral_purge(user=coordinator, referral=family)
    assert found(search(coordinator, "919-555-0142")) == []
    assert found(search(coordinator, "peña")) == []
    assert search(coordinator, family.reference)["Location"] == family.get_absolute_url()


# Each role


def test_a_volunteer_finds_only_the_cases_they_logged_or_are_assigned(family, coordinator, durham, spanish):
    colleague = make_user("vicky@example.org", family.hub, Role.VOLUNTEER, display_name="Vicky")
    theirs = log_case(coordinator, durham, spanish, contact_name="José Peña", contact_phone=PHONE)
    assert found(search(colleague, "peña")) == []
    assert found(search(colleague, "919 555 0142")) == []
    assert found(search(colleague, family.reference)) == []
    # Assigned to them, the coordinator's case is theirs to find.
    services.referral_assign(user=coordinator, referral=theirs, assignee=colleague)
    assert found(search(colleague, "peña")) == [theirs.reference]
    assert found(search(colleague, "(919) 555-0142")) == [theirs.reference]
    assert search(colleague, theirs.reference)["Location"] == theirs.get_absolute_url()


def test_a_volunteer_is_told_the_search_covers_only_their_cases(family, volunteer):
    page = search(volunteer, "nobody").content.decode()
    assert "The search covers the cases you logged or are assigned to" in page


def test_a_coordinator_finds_every_case_of_the_hub(family, other_family, coordinator, durham, spanish):
    own = log_case(coordinator, durham, spanish, contact_name="Josefina", contact_phone=PHONE)
    assert found(search(coordinator, "jose")) == [own.reference, family.reference]
    assert found(search(coordinator, "919.555.0142")) == [own.reference, family.reference]
    assert search(coordinator, family.reference)["Location"] == family.get_absolute_url()
    assert "The search covers your hub's cases." in search(coordinator, "nobody").content.decode()


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
def test_nobody_of_another_hub_finds_the_hubs_case(request, family, persona, durham, spanish):
    """Not even a coordinator of another hub with a case for the same phone and name: they find only their own."""
    user = request.getfixturevalue(persona)
    theirs = log_case(user, durham, spanish, contact_name="José Peña", contact_phone=PHONE)
    assert found(search(user, family.reference)) == []
    assert found(search(user, "919-555-0142")) == [theirs.reference]
    assert found(search(user, "peña")) == [theirs.reference]
    assert family.reference not in search(user, "peña").content.decode()


@pytest.mark.parametrize("persona", ["partner", "network_admin"])
def test_partners_and_administrators_have_no_search(request, family, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(SEARCH).status_code == 403
    assert client.post(SEARCH, {"q": family.reference}).status_code == 403
    assert client.post(SEARCH, {"q": "919-555-0142"}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, family):
    for response in (client.get(SEARCH), client.post(SEARCH, {"q": family.reference})):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_search_form_is_on_my_work_and_the_case_list_for_hub_staff_only(volunteer, coordinator, partner):
    for user in (volunteer, coordinator):
        client = client_for(user)
        for url in ("/", "/referrals/"):
            assert 'action="/referrals/search/"' in client.get(url).content.decode(), (user, url)
    partner_client = client_for(partner)
    for url in ("/", "/referrals/"):
        assert 'action="/referrals/search/"' not in partner_client.get(url).content.decode()


# A phone number never in an address


def test_every_search_form_posts_with_its_csrf_token(coordinator):
    client = client_for(coordinator)
    for url in ("/", "/referrals/", SEARCH):
        page = client.get(url).content.decode()
        form = re.search(r'<form method="(\w+)" action="/referrals/search/"[^>]*>(.*?)</form>', page, re.S)
        assert form.group(1) == "post", url
        assert 'name="csrfmiddlewaretoken"' in form.group(2), url


def test_a_phone_search_is_answered_in_place_with_the_number_in_no_address(family, volunteer):
    client = client_for(volunteer)
    response = client.post(SEARCH, {"q": "(919) 555-0142"})
    assert found(response) == [family.reference]
    assert response.wsgi_request.get_full_path() == SEARCH
    # No link or form on the page carries the number (the search box alone holds it, to refine it).
    page = response.content.decode()
    addresses = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', page)
    assert not [address for address in addresses if re.search(r"555|0142", address)]
    assert "no-store" in response["Cache-Control"]


def test_a_search_in_the_address_searches_for_nothing(family, volunteer):
    """Someone who types ?q=<phone> into the address has put it in a log already: the page does not search, and
    sends them to its bare address, so the page, its links and the history entry carry no number."""
    response = client_for(volunteer).get(SEARCH, {"q": "9195550142"}, follow=True)
    assert response.redirect_chain == [(SEARCH, 302)]
    assert response.context["found"] is None
    assert family.reference not in response.content.decode()
    assert "9195550142" not in response.content.decode()


# Input that cannot be searched for


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type a case reference, a phone number or a name."),
        ("   ", "Type a case reference, a phone number or a name."),
        ("é", "Type at least 2 letters of the name."),
        ("555-01", "Enter a phone number with its country code"),
        ("+1 (555) 010 0142", "Enter a phone number with its country code"),
        ("x" * 101, "Ensure this value has at most 100 characters"),
        ("Rosa\x00", "Null characters are not allowed."),
    ],
)
def test_input_that_cannot_be_searched_for_is_explained(family, volunteer, typed, message):
    response = search(volunteer, typed)
    assert message in error(response)
    assert 'aria-invalid="true"' in response.content.decode()


def test_six_digits_are_read_as_a_reference(family, volunteer):
    assert found(search(volunteer, "234567")) == []
    assert search(volunteer, "234567").context["found"].key == "reference"


def test_a_name_that_could_be_a_reference_is_searched_as_a_name(volunteer, durham, spanish):
    martha = log_case(volunteer, durham, spanish, contact_name="Martha")
    assert found(search(volunteer, "MARTHA")) == [martha.reference]


def test_no_post_is_missing_its_field_or_sends_several(family, volunteer):
    client = client_for(volunteer)
    assert "Type a case reference" in error(client.post(SEARCH, {}))
    assert found(client.post(SEARCH, {"q": ["nobody", "peña"]})) == [family.reference]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=120))
def test_no_text_answers_with_a_server_error(family, volunteer, typed):
    response = search(volunteer, typed)
    assert response.status_code in (200, 302)


# The list and its cost


def test_past_25_matches_only_the_newest_are_listed(volunteer, durham, spanish):
    cases = [log_case(volunteer, durham, spanish, contact_phone=PHONE) for _ in range(27)]
    response = search(volunteer, "919-555-0142")
    assert found(response) == [case.reference for case in reversed(cases)][:25]
    assert "Only the newest 25 cases are listed" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30], ids=["1 row", "30 rows"])
@pytest.mark.parametrize(("typed", "budget"), [("919-555-0142", 12), ("peña", 13)], ids=["phone", "name"])
def test_the_results_cost_the_same_queries_for_one_case_or_many(
    django_assert_max_num_queries, coordinator, durham, spanish, legal_a, rows, typed, budget
):
    for _ in range(rows):
        case = log_case(coordinator, durham, spanish, contact_name="José Peña", contact_phone=PHONE)
        services.routing_create(user=coordinator, need=case.needs.get(), service=legal_a)
    client = client_for(coordinator)
    # session, user, mfa; the names of the hub's open cases (a name search only); the cases (with county,
    # assignee), their needs (with category), the needs' routings; nav org, escalations badge; savepoint, session
    # save, release savepoint; the access log's rows for the cases shown (one INSERT)
    with django_assert_max_num_queries(budget):
        assert len(found(client.post(SEARCH, {"q": typed}))) == min(rows, 25)


def test_a_search_by_name_or_phone_is_in_the_access_log_without_what_was_typed(
    family, other_family, volunteer, coordinator
):
    """Whether a family is a client shows in a search without opening the case: the hub's coordinators see who
    searched and which cases it showed, never the name or number typed. A reference search opens the case (logged
    there when it shows contact details) and adds nothing here."""
    search(volunteer, "peña")
    search(volunteer, "Nadie Conocido")
    search(volunteer, family.reference)
    rows = list(AccessLog.objects.filter(action=AccessAction.SEARCH).values_list("user", "reference"))
    assert sorted(rows) == sorted([(volunteer.pk, family.reference), (volunteer.pk, "")])
    log = client_for(coordinator).get("/referrals/access-log/").content.decode()
    assert log.count("Searched cases by name or phone") == 2
    assert "Peña" not in log and "peña" not in log and "Nadie" not in log
