"""A family's phone number from any country: read however it is written, kept as E.164, shown as people dial it, and
hashed over E.164 so that the same number always has the same digest (and two different numbers never share one)."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError

from core.crypto import phone_digest
from core.phones import format_family_phone, parse_family_phone

MESSAGE = "Enter a phone number with its country code if it is not a US number, such as +52 55 1234 5678."


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("919-555-0143", "+19195550143"),
        ("(919) 555 0143", "+19195550143"),
        ("919.555.0143", "+19195550143"),
        ("+1 919 555 0143", "+19195550143"),
        ("1-919-555-0143", "+19195550143"),
        ("  9195550143  ", "+19195550143"),
        ("+52 55 1234 5678", "+525512345678"),
        ("+52 (55) 1234-5678", "+525512345678"),
        ("011 52 55 1234 5678", "+525512345678"),  # dialled from the US
        ("00 52 55 1234 5678", "+525512345678"),  # dialled from Mexico or Central America
        ("00 52 1 55 1234 5678", "+525512345678"),  # with Mexico's old mobile "1"
        ("+52 1 55 1234 5678", "+525512345678"),
        ("+502 5123 4567", "+50251234567"),
        ("00502 5123-4567", "+50251234567"),
        ("+504 9123-4567", "+50491234567"),
        ("011 504 9123 4567", "+50491234567"),
    ],
)
def test_any_way_of_writing_a_number_gives_its_e164_form(typed, e164):
    assert parse_family_phone(typed) == e164


@pytest.mark.parametrize(
    "typed",
    [
        "555-0123",  # seven digits: no area code
        "5123 4567",  # a Guatemalan number without its country code
        "9123-4567",  # a Honduran one
        "+52 55 1234",  # too short for Mexico
        "+1 555 555 5555",  # no such area code
        "919-555-0143 ext. 12",  # a family's phone has no extension; dropping it would lose what was typed
        "+999 1234 5678",  # no such country
        "call me",
        "",
    ],
)
def test_text_that_is_not_a_whole_valid_number_is_refused_with_the_message(typed):
    with pytest.raises(ValidationError) as raised:
        parse_family_phone(typed)
    assert raised.value.messages == [MESSAGE]


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+19195550143", "919-555-0143"),  # as North Carolina writes a US number, as before
        ("+18005598714", "800-559-8714"),
        ("+525512345678", "+52 55 1234 5678"),
        ("+50251234567", "+502 5123 4567"),
        ("+50491234567", "+504 9123-4567"),
        ("+14165550143", "+1 416-555-0143"),  # Canada shares +1, but is not a US number
        ("", ""),
        ("not a number", "not a number"),  # none is stored, but if one were it is shown as it is
    ],
)
def test_a_us_number_is_shown_without_its_country_code_any_other_with_it(e164, shown):
    assert format_family_phone(e164) == shown


def example_number(region: str):
    """libphonenumber's example mobile number for a country, else its example number of any kind."""
    return phonenumbers.example_number_for_type(
        region, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(region)


# Every country the library has an example number for (all of them, today): chosen here, so no case is skipped.
REGIONS_WITH_EXAMPLES = [
    region for region in sorted(phonenumbers.SUPPORTED_REGIONS) if example_number(region)
]


def test_the_library_has_examples_for_the_countries_families_here_call_from():
    assert {"US", "MX", "GT", "HN", "SV", "NI", "CO", "VE"} <= set(REGIONS_WITH_EXAMPLES)


@pytest.mark.parametrize("region", REGIONS_WITH_EXAMPLES)
def test_what_is_shown_reads_back_as_the_same_number_in_every_country(region):
    """A volunteer who copies a shown number into the search or a new case finds the same family."""
    e164 = phonenumbers.format_number(example_number(region), phonenumbers.PhoneNumberFormat.E164)
    assert parse_family_phone(e164) == e164
    assert parse_family_phone(format_family_phone(e164)) == e164


def test_the_same_number_written_any_way_has_one_digest():
    mexican = {
        phone_digest(typed)
        for typed in ["+52 55 1234 5678", "011 52 55 1234 5678", "00 52 1 55 1234 5678", "+525512345678"]
    }
    us = {phone_digest(typed) for typed in ["919-555-0143", "(919) 555 0143", "+1 919 555 0143"]}
    assert len(mexican) == len(us) == 1
    assert mexican != us


def test_a_mexican_number_and_a_us_number_with_the_same_last_ten_digits_have_different_digests():
    """The old digest hashed a number's last ten digits: +52 55 1234 5678 and New Jersey's 551-234-5678 matched."""
    assert phone_digest("+52 55 1234 5678") != phone_digest("551-234-5678")


def test_the_digest_is_keyed_and_holds_no_digits(settings):
    digest = phone_digest("+52 55 1234 5678")
    assert "5512345678" not in digest and len(digest) == 64
    settings.FIELD_HASH_KEY = "another key"
    assert phone_digest("+52 55 1234 5678") != digest


def test_no_number_has_no_digest_and_a_wrong_one_is_refused():
    assert phone_digest("") == phone_digest("   ") == ""
    with pytest.raises(ValidationError):
        phone_digest("555-0123")
