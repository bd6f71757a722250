"""A family's phone number, from any country: read as people write it, kept as E.164, shown as people dial it.

Many families reached by a rapid-response network use a Mexican, Guatemalan or Honduran number (often their
WhatsApp), so the family phone is not limited to the North American plan. Parsing, validation and formatting are
Google's libphonenumber (the `phonenumbers` package), with US as the region a number without a country code belongs
to. Hotline and office numbers in the directory keep their own, US-only rules (`directory.models.normalize_phone`).
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A number typed without a country code is a US number: the network's families call from North Carolina.
DEFAULT_REGION = "US"

INVALID = _("Enter a phone number with its country code if it is not a US number, such as +52 55 1234 5678.")

# What people write between the digits of a phone number.
_SEPARATORS = re.compile(r"[\s().\-/]")


def parse_family_phone(text: str) -> str:
    """The number typed, in E.164 form ("+525512345678"), from any way of writing it: "919-555-0143",
    "(919) 555 0143", "+52 55 1234 5678", "011 52 55 1234 5678" (dialled from the US), "00 52 1 55 1234 5678"
    (dialled from Mexico or Central America, with Mexico's old mobile "1").

    Raises ValidationError (INVALID) for text that is not a whole, valid number, and for a number with an extension
    (a family's phone has none; dropping it silently would lose what was typed)."""
    text = (text or "").strip()
    compact = _SEPARATORS.sub("", text)
    # libphonenumber reads an international prefix only as the default region dials it (011 from the US); "00" is
    # how most of the rest of the world dials out, and no US number starts with 0, so it can only mean that.
    if compact.startswith("00"):
        text = "+" + compact[2:]
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(INVALID, code="invalid_phone") from error
    if number.extension:
        raise ValidationError(INVALID, code="invalid_phone")
    valid = number if phonenumbers.is_valid_number(number) else _without_mexican_mobile_one(number)
    if valid is None:
        raise ValidationError(INVALID, code="invalid_phone")
    return phonenumbers.format_number(valid, phonenumbers.PhoneNumberFormat.E164)


def _without_mexican_mobile_one(number: phonenumbers.PhoneNumber) -> phonenumbers.PhoneNumber | None:
    """Mexico dropped the "1" dialled before a mobile number from abroad in 2019 (+52 1 55 ... is now +52 55 ...),
    and libphonenumber no longer accepts it; but phones and people still write it. Written here because the library
    deliberately does not: the number without that "1" when it is then a valid Mexican number, else None."""
    national = str(number.national_number)
    if number.country_code != 52 or len(national) != 11 or not national.startswith("1"):
        return None
    without = phonenumbers.PhoneNumber(country_code=52, national_number=int(national[1:]))
    return without if phonenumbers.is_valid_number(without) else None


def format_family_phone(e164: str) -> str:
    """As a volunteer dials it: a US number as North Carolina writes one ("919-555-0143"), any other with its
    country code ("+52 55 1234 5678"). A value that is not a number (none should be) is shown as stored."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if phonenumbers.region_code_for_number(number) == "US":
        return international.removeprefix("+1 ")  # "+1 919-555-0143" → "919-555-0143"
    return international
