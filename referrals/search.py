"""Finding a family again: hub staff look a case up by its reference, the family's phone or their name (or alias).

Every search runs on `policy.search_scope` (a volunteer's own cases, a coordinator's hub's, nobody else anything),
so a case of another hub, or one the person may not open, is never found. Like the lists in `selectors.py`, the
found cases come with what their rows show joined or prefetched: a search costs the same few queries whatever the
number of cases it finds.

- A **reference** ("R-7KQ2MX", "r-7kq2mx" or "7KQ2MX") is matched exactly; the view goes straight to the case.
- A **phone**, written any way people write one ("(919) 555-0142", "919.555.0142", "+1 919 555 0142", "+52 55 1234
  5678", "011 52 55 1234 5678"), is read as at intake (`core.phones.parse_family_phone`: any country, US when there
  is no country code) and found through its keyed hash (`phone_digest`), never by the number itself.
- A **name or alias** is stored encrypted (randomised ciphertext), so no SQL can match it: the names of the hub's
  *open* cases the person may open are decrypted here and matched on a substring, ignoring case and accents.
  Closed cases are left out: they are no longer anyone's work, and their names are on their way to being purged.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.crypto import phone_digest
from core.phones import parse_family_phone
from directory.models import User, fold
from referrals import policy, selectors
from referrals.models import REFERENCE_ALPHABET, Referral, ReferralStatus

# At most this many cases are listed; past it the person is asked to type more.
MAX_RESULTS = 25
# A name is matched on at least this many letters (accents and case aside): "Li" is a name, "a" is not.
MIN_NAME_LENGTH = 2

# A reference with or without its "R-" prefix: six characters of the alphabet references are drawn from.
_REFERENCE = re.compile(rf"(?:R-?)?([{REFERENCE_ALPHABET}]{{6}})")
# Only what people write phone numbers with: digits, spaces, brackets, dots, dashes and a leading plus.
_PHONE_LIKE = re.compile(r"\+?[\d\s().\-]*\d[\d\s().\-]*")

EMPTY = _("Type a case reference, a phone number or a name.")


class Key(StrEnum):
    """How the text typed was read."""

    REFERENCE = "reference"
    PHONE = "phone"
    NAME = "name"


@dataclass
class Found:
    key: Key
    cases: list[Referral] = field(default_factory=list)
    more: bool = False  # more cases matched than are listed
    case: Referral | None = None  # the one case a reference names: the view goes straight to it


def reference_code(text: str) -> str | None:
    """The reference typed ("R-7KQ2MX", "r-7kq2mx", "7KQ2MX") as stored ("R-7KQ2MX"), or None if it is not one."""
    match = _REFERENCE.fullmatch(text.strip().upper())
    return f"R-{match.group(1)}" if match else None


def search_cases(user: User, text: str) -> Found:
    """The cases this person may open that match the text: a reference, a phone number or a name.

    Raises ValidationError, with a message for the person, for text that cannot be searched for (nothing, a name
    of one letter, a phone number that is not one)."""
    text = text.strip()
    if not text:
        raise ValidationError(EMPTY, code="required")
    scope = policy.search_scope(user, Referral.objects.all())
    phone_like = _PHONE_LIKE.fullmatch(text) is not None

    code = reference_code(text)
    if code is not None:
        case = scope.filter(reference=code).first()
        # "R-..." and six digits are a reference (not a name, not a phone number): say no case has it. Six letters
        # ("MARTHA") may be a name too: that is searched next.
        if case is not None or phone_like or text.upper().startswith("R-"):
            return Found(Key.REFERENCE, case=case)
    if phone_like:
        # ValidationError for a number that is not one: "Enter a phone number with its country code if ...".
        digest = phone_digest(parse_family_phone(text))
        return _listed(Key.PHONE, scope.filter(phone_digest=digest), user)
    return _by_name(user, scope, text)


def _by_name(user: User, scope, text: str) -> Found:
    wanted = fold(text)
    if len(wanted) < MIN_NAME_LENGTH:
        raise ValidationError(
            _("Type at least %(count)d letters of the name."),
            code="min_length",
            params={"count": MIN_NAME_LENGTH},
        )
    # One query reads (and decrypts) the names of every open case in scope, newest first; the matches' rows are
    # then read like any list's. A hub has hundreds of open cases, not millions: decrypting them takes milliseconds.
    names = scope.filter(status=ReferralStatus.OPEN).exclude(contact_name="").order_by("-created_at")
    matches = [pk for pk, name in names.values_list("pk", "contact_name") if wanted in fold(name)]
    return _listed(Key.NAME, scope.filter(pk__in=matches[: MAX_RESULTS + 1]), user)


def _listed(key: Key, referrals, user: User) -> Found:
    """The matching cases as the case list shows them (county, assignee, needs and their routings prefetched)."""
    rows = list(selectors.with_list_data(referrals, user).order_by("-created_at")[: MAX_RESULTS + 1])
    return Found(key, cases=rows[:MAX_RESULTS], more=len(rows) > MAX_RESULTS)


def open_cases_with_phone(user: User, phone: str) -> dict:
    """At intake, while the phone is typed and before the case is saved: the hint the case page would show once it
    is (`selectors.open_cases_with_same_phone`), for a case of the person's hub with this (normalized) phone. The
    other open cases of the hub with this number that the person may open, and for those they may not, a count
    only if the policy says they hear of them. Nothing of another hub."""
    if user.organization_id is None:
        return {}
    typed = Referral(hub_id=user.organization_id, phone_digest=phone_digest(phone))
    return selectors.open_cases_with_same_phone(user, typed)
