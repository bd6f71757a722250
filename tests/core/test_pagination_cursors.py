"""A cursor in a list's address (core/pagination.py) is typed by whoever holds the link: one made up by hand, with a
date that does not exist, an offset no time zone has, an id that is not a number or too large for the database, is
a page that does not exist (404) on every keyset list, never a server error (which would also email the
administrators a traceback for each such request)."""

import json

import pytest

from core.crypto import encrypt
from directory.models import County, Language
from tests.conftest import client_for
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db


def a_case(volunteer):
    return log_case(volunteer, County.objects.get(name="Durham"), Language.objects.get(code="es"))


def cursor(values: list) -> str:
    """A cursor as the app writes them (encrypted), holding values nobody's list would have written."""
    return encrypt(json.dumps(values))


BAD_DATES = [
    "2026-13-45T00:00:00+00:00",  # no such month
    "2026-01-01T25:00:00+00:00",  # no such hour
    "2026-01-01T00:00:00+99:00",  # no such offset
    "0001-01-01T00:00:00+05:00",  # before the calendar's start once in UTC
    "2026-01-01T00:00:00",  # no offset (every cursor the app writes has one)
]
BAD_IDS = ["abc", "1", 10**30, -(10**30), 1.5]


@pytest.mark.parametrize("direction", ["after", "before"])
@pytest.mark.parametrize(
    "values",
    [[date, 1] for date in BAD_DATES] + [["2026-01-01T00:00:00+00:00", bad] for bad in BAD_IDS],
)
def test_the_case_list(volunteer, direction, values):
    a_case(volunteer)
    response = client_for(volunteer).get(f"/referrals/?{direction}={cursor(values)}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "values",
    [[0, date, 1] for date in BAD_DATES[:3]]
    + [["x", "2026-01-01T00:00:00+00:00", 1], [0, "2026-01-01T00:00:00+00:00", 10**30]],
)
def test_the_partner_queue(partner, values):
    assert client_for(partner).get(f"/referrals/queue/?after={cursor(values)}").status_code == 404


@pytest.mark.parametrize(
    "values", [[BAD_DATES[0], 1], ["2026-01-01T00:00:00+00:00", "zz"], ["2026-01-01T00:00:00+00:00", 10**30]]
)
def test_the_escalations(coordinator, values):
    assert client_for(coordinator).get(f"/referrals/escalations/?before={cursor(values)}").status_code == 404


def test_a_cursor_the_app_wrote_still_works(volunteer):
    case = a_case(volunteer)
    newer = cursor([case.created_at.isoformat(), case.pk + 1])
    page = client_for(volunteer).get(f"/referrals/?after={newer}")
    assert page.status_code == 200 and case.reference in page.content.decode()
