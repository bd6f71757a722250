"""A family's phone from any country, at intake on a phone at night.

Many families use a Mexican, Guatemalan or Honduran number (their WhatsApp). The volunteer types it however the
family says it; the case keeps it in E.164 form (encrypted), shows a US number as "919-555-0143" and any other with
its country code, calls it through a tel: link, and finds the family again by it (the case page's same-phone hint,
the live hint while typing, the search), however it was written each time. A number that is not one is refused with
a message and no case is made. Existing cases' digests are computed again over E.164 by a data migration.
"""

import hashlib
import hmac
import re
import uuid
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.conf import settings

from core.crypto import phone_digest
from referrals.models import Referral
from tests.conftest import client_for
from tests.referrals.conftest import log_case
from tests.referrals.test_integrity import intake_post

pytestmark = pytest.mark.django_db

MESSAGE = "Enter a phone number with its country code if it is not a US number, such as +52 55 1234 5678."
HTMX = {"HTTP_HX_REQUEST": "true"}

# (as the family says it, as stored, as the case page shows it)
NUMBERS = [
    ("919-555-0143", "+19195550143", "919-555-0143"),
    ("(919) 555 0143", "+19195550143", "919-555-0143"),
    ("+1 919 555 0143", "+19195550143", "919-555-0143"),
    ("+52 55 1234 5678", "+525512345678", "+52 55 1234 5678"),
    ("00 52 1 55 1234 5678", "+525512345678", "+52 55 1234 5678"),
    ("011 52 55 1234 5678", "+525512345678", "+52 55 1234 5678"),
    ("+502 5123 4567", "+50251234567", "+502 5123 4567"),
    ("00 502 5123-4567", "+50251234567", "+502 5123 4567"),
    ("+504 9123-4567", "+50491234567", "+504 9123-4567"),
    ("011 504 9123 4567", "+50491234567", "+504 9123-4567"),
]

# The same three families' numbers, written another way than at intake.
OTHER_WAY = {
    "+19195550143": "919.555.0143",
    "+525512345678": "+52 1 55 1234 5678",
    "+50251234567": "+502 5123-4567",
    "+50491234567": "00504 91234567",
}


def intake(user, durham, spanish, phone: str):
    data = {**intake_post(durham, spanish, str(uuid.uuid4())), "contact_phone": phone}
    return client_for(user).post("/referrals/new/", data)


def contact_phone_link(page: str) -> tuple[str, str]:
    """The case page's phone: where its link calls, and what it shows."""
    match = re.search(r'<a href="tel:([^"]+)">([^<]+)</a>', page)
    assert match, "no phone link on the case page"
    return match.group(1), match.group(2)


# Intake and the case page


@pytest.mark.parametrize(("typed", "stored", "shown"), NUMBERS)
def test_a_number_of_any_country_is_taken_kept_in_e164_and_shown_as_people_dial_it(
    volunteer, durham, spanish, typed, stored, shown
):
    response = intake(volunteer, durham, spanish, typed)
    case = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.contact_phone == stored
    assert case.phone_digest == phone_digest(stored)
    page = client_for(volunteer).get(case.get_absolute_url()).content.decode()
    assert contact_phone_link(page) == (stored, shown)


@pytest.mark.parametrize(
    "typed",
    [
        "5123 4567",  # a Guatemalan number without +502
        "55 1234",  # half a Mexican number
        "+52 55 1234",
        "555-0143",  # no area code
        "919-555-0143 ext. 2",
        "+999 1234 5678",
    ],
)
def test_a_number_that_is_not_one_is_explained_and_no_case_is_made(volunteer, durham, spanish, typed):
    response = intake(volunteer, durham, spanish, typed)
    assert response.status_code == 200
    assert response.context["form"].errors["contact_phone"] == [MESSAGE]
    assert MESSAGE in response.content.decode()
    assert not Referral.objects.exists()


def test_the_service_keeps_the_number_in_e164_form_whoever_calls_it(volunteer, durham, spanish):
    case = log_case(volunteer, durham, spanish, contact_phone="011 52 55 1234 5678")
    case.refresh_from_db()
    assert case.contact_phone == "+525512345678"
    assert case.phone_digest == phone_digest("+525512345678")


# Finding the family again by the number, written another way


@pytest.mark.parametrize("stored", list(OTHER_WAY))
def test_the_case_page_says_another_open_case_has_the_same_number(volunteer, durham, spanish, stored):
    first = log_case(volunteer, durham, spanish, contact_phone=stored)
    intake(volunteer, durham, spanish, OTHER_WAY[stored])
    second = Referral.objects.exclude(pk=first.pk).get()
    page = client_for(volunteer).get(second.get_absolute_url()).content.decode()
    assert "This family may already have an open case with the same phone number:" in page
    assert f'<a href="/referrals/{first.reference}/">{first.reference}</a>' in page


@pytest.mark.parametrize("stored", list(OTHER_WAY))
def test_the_live_hint_offers_the_open_case_while_the_number_is_typed(
    volunteer, outsider, durham, spanish, stored
):
    case = log_case(volunteer, durham, spanish, contact_phone=stored)
    response = client_for(volunteer).post(
        "/referrals/new/same-phone/", {"contact_phone": OTHER_WAY[stored]}, **HTMX
    )
    assert f'<a href="/referrals/{case.reference}/">{case.reference}: open that case instead</a>' in (
        response.content.decode()
    )
    # Another hub's volunteer typing the same number hears nothing of it.
    response = client_for(outsider).post(
        "/referrals/new/same-phone/", {"contact_phone": OTHER_WAY[stored]}, **HTMX
    )
    assert response.status_code == 200 and response.content.decode().strip() == ""


@pytest.mark.parametrize("stored", list(OTHER_WAY))
def test_the_search_finds_the_family_by_the_number_written_another_way(
    volunteer, outsider, durham, spanish, stored
):
    case = log_case(volunteer, durham, spanish, contact_phone=stored)
    response = client_for(volunteer).post("/referrals/search/", {"q": OTHER_WAY[stored]})
    assert [found.reference for found in response.context["found"].cases] == [case.reference]
    # Nobody finds another hub's family.
    response = client_for(outsider).post("/referrals/search/", {"q": OTHER_WAY[stored]})
    assert response.context["found"].cases == []


def test_a_partner_has_no_search_and_no_hint(partner, volunteer, durham, spanish):
    log_case(volunteer, durham, spanish, contact_phone="+525512345678")
    client = client_for(partner)
    assert client.post("/referrals/search/", {"q": "+52 55 1234 5678"}).status_code == 403
    assert (
        client.post("/referrals/new/same-phone/", {"contact_phone": "+52 55 1234 5678"}, **HTMX).status_code
        == 403
    )


def test_a_mexican_number_is_not_mistaken_for_a_us_number_with_the_same_ten_digits(
    volunteer, durham, spanish
):
    """+52 55 1234 5678 ends with the digits of 551-234-5678, a New Jersey number: two families, not one."""
    mexican = log_case(volunteer, durham, spanish, contact_phone="+52 55 1234 5678")
    new_jersey = log_case(volunteer, durham, spanish, contact_phone="551-234-5678")
    client = client_for(volunteer)
    assert [
        c.reference
        for c in client.post("/referrals/search/", {"q": "+52 55 1234 5678"}).context["found"].cases
    ] == [mexican.reference]
    assert [
        c.reference for c in client.post("/referrals/search/", {"q": "551-234-5678"}).context["found"].cases
    ] == [new_jersey.reference]
    page = client.get(mexican.get_absolute_url()).content.decode()
    assert "This family may already have an open case with the same phone number" not in page


def test_the_search_explains_a_number_that_is_not_one(volunteer, durham, spanish):
    log_case(volunteer, durham, spanish, contact_phone="+50251234567")
    response = client_for(volunteer).post("/referrals/search/", {"q": "5123 4567"})
    assert response.context["found"] is None
    assert response.context["search_form"].errors["q"] == [MESSAGE]


# The data migration: digests computed again over E.164


def old_digest(phone: str) -> str:
    """How the digest was computed before: a keyed hash of the number's last ten digits."""
    digits = re.sub(r"\D", "", phone)[-10:]
    return hmac.new(settings.FIELD_HASH_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()


def test_the_migration_computes_each_digest_again_over_e164(volunteer, durham, spanish):
    migration = import_module("referrals.migrations.0007_phone_digest_e164")
    us = log_case(volunteer, durham, spanish, contact_phone="+19195550143")
    mexican = log_case(volunteer, durham, spanish, contact_phone="+525512345678")
    unreadable = log_case(volunteer, durham, spanish, contact_phone="+19195550199")
    no_phone = log_case(volunteer, durham, spanish, contact_phone="")
    # As the rows were before: digests of the last ten digits, and one phone that is not a number (none should be).
    for case in (us, mexican):
        Referral.objects.filter(pk=case.pk).update(phone_digest=old_digest(case.contact_phone))
    Referral.objects.filter(pk=unreadable.pk).update(contact_phone="555-0199", phone_digest="kept as it was")
    client = client_for(volunteer)
    assert client.post("/referrals/search/", {"q": "919-555-0143"}).context["found"].cases == []

    migration.rehash_phones(django_apps, None)

    digests = dict(Referral.objects.values_list("pk", "phone_digest"))
    assert digests[us.pk] == phone_digest("+19195550143")
    assert digests[mexican.pk] == phone_digest("+525512345678")
    assert digests[unreadable.pk] == "kept as it was"
    assert digests[no_phone.pk] == ""
    found = client.post("/referrals/search/", {"q": "919-555-0143"}).context["found"].cases
    assert [c.reference for c in found] == [us.reference]
    found = client.post("/referrals/search/", {"q": "00 52 1 55 1234 5678"}).context["found"].cases
    assert [c.reference for c in found] == [mexican.reference]
    # The phones themselves are untouched, and running it again changes nothing.
    assert Referral.objects.get(pk=mexican.pk).contact_phone == "+525512345678"
    migration.rehash_phones(django_apps, None)
    assert dict(Referral.objects.values_list("pk", "phone_digest")) == digests


def test_the_migration_reverses_as_a_no_op():
    migration = import_module("referrals.migrations.0007_phone_digest_e164").Migration
    (operation,) = migration.operations
    assert operation.reversible
    assert operation.reverse_code is operation.noop
