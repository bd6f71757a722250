"""Closed cases lose their personal data after the retention period; a family can ask for it at once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from referrals import jobs, services
from referrals.models import AccessLog, Consent, Note, Referral
from tests.conftest import client_for
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db

TABLES = [
    "referrals_referral",
    "referrals_need",
    "referrals_routing",
    "referrals_note",
    "referrals_followup",
    "referrals_consent",
    "referrals_referralevent",
    "referrals_accesslog",
]


def everything_stored() -> str:
    dump = []
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump.append(repr(cursor.fetchall()))
    return "".join(dump)


def raw_ciphertexts(referral) -> list[str]:
    """The case's personal data as stored (encrypted): the plain values never reach the database, so a purge is
    checked by looking for these."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_name, contact_phone, notes FROM referrals_referral WHERE id = %s", [referral.pk]
        )
        values = [value for value in cursor.fetchone() if value]
        cursor.execute("SELECT body FROM referrals_note WHERE referral_id = %s", [referral.pk])
        values += [row[0] for row in cursor.fetchall()]
    assert values, "nothing to look for"
    return values


def closed_case(volunteer, coordinator, partner, durham, spanish, legal_a, *, closed_days_ago: int):
    case = log_case(volunteer, durham, spanish, contact_name=f"Family {closed_days_ago}")
    routing = services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    services.routing_accept(user=partner, routing=routing)
    services.note_add(user=partner, referral=case, routing=routing, body=f"Private note {closed_days_ago}")
    services.routing_complete(user=partner, routing=routing, outcome="helped")
    services.referral_close(user=coordinator, referral=case, outcome="helped")
    Referral.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=closed_days_ago))
    return Referral.objects.get(pk=case.pk)


def test_purge_removes_exactly_the_expired_cases_personal_data(
    volunteer, coordinator, partner, durham, spanish, legal_a
):
    old = closed_case(volunteer, coordinator, partner, durham, spanish, legal_a, closed_days_ago=91)
    recent = closed_case(volunteer, coordinator, partner, durham, spanish, legal_a, closed_days_ago=89)
    open_case = log_case(volunteer, durham, spanish, contact_name="Still open")
    old_ciphertexts = raw_ciphertexts(old)

    call_command("purge_expired")

    old.refresh_from_db()
    assert (old.contact_name, old.contact_phone, old.notes, old.phone_digest) == ("", "", "", "")
    assert old.purged_at is not None
    assert (
        not Note.objects.filter(referral=old).exists() and not Consent.objects.filter(referral=old).exists()
    )
    # The de-identified stub stays for statistics.
    assert (old.county.name, old.outcome, old.needs.get().category.code) == ("Durham", "helped", "legal")
    assert old.needs.get().routings.get().outcome == "helped"
    stored = everything_stored()
    for ciphertext in old_ciphertexts:
        assert ciphertext not in stored
    # The recent and open cases keep theirs.
    recent.refresh_from_db()
    assert recent.contact_name == "Family 89" and Note.objects.filter(referral=recent).exists()
    open_case.refresh_from_db()
    assert open_case.contact_name == "Still open"

    # Running it again changes nothing.
    assert jobs.purge_expired() == 0
    assert old.events.filter(kind="purged").count() == 1


def test_a_coordinator_purges_a_case_at_the_familys_request(
    coordinator, volunteer, partner, durham, spanish, legal_a
):
    case = log_case(volunteer, durham, spanish)
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    ciphertexts = raw_ciphertexts(case)
    client = client_for(coordinator)
    refused = client.post(f"/referrals/{case.reference}/purge/", {"confirm": "wrong"}, follow=True)
    assert "Type the case reference to confirm" in refused.content.decode()
    case.refresh_from_db()
    assert case.contact_name == "Rosa M."

    client.post(f"/referrals/{case.reference}/purge/", {"confirm": case.reference})
    case.refresh_from_db()
    routing.refresh_from_db()
    assert case.contact_name == "" and case.status == "closed" and case.outcome == "family_withdrew"
    assert routing.status == "withdrawn"
    stored = everything_stored()
    assert not [ciphertext for ciphertext in ciphertexts if ciphertext in stored]
    assert AccessLog.objects.filter(user=coordinator, action="purge", reference=case.reference).exists()
