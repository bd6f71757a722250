import pytest
from django.core import mail
from django.db import connection

from referrals import services
from referrals.models import Note, Routing
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
        return repr(cursor.fetchall())


def test_the_database_never_holds_contact_details_or_notes_in_clear(case, volunteer, partner, legal_a):
    legal = case.needs.get(category__code="legal")
    routing = services.routing_create(user=volunteer, need=legal, service=legal_a)
    services.routing_accept(user=partner, routing=routing)
    services.note_add(user=partner, referral=case, routing=routing, body="Lawyer meets Rosa on Friday")
    everything = "".join(
        raw_rows(table)
        for table in ["referrals_referral", "referrals_note", "referrals_routing", "referrals_referralevent"]
    )
    for secret in ["Rosa", "9195550143", "555-0143", "Two kids", "Lawyer meets"]:
        assert secret not in everything
    # ...while the application reads them back.
    case.refresh_from_db()
    assert case.contact_name == "Rosa M." and case.contact_phone == "+19195550143"
    assert Note.objects.get().body == "Lawyer meets Rosa on Friday"


def test_decline_details_are_encrypted_too(case, volunteer, partner, legal_a):
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    services.routing_decline(user=partner, routing=routing, reason="other", note="Family lives in Wake now")
    assert "lives in Wake" not in raw_rows("referrals_routing")
    assert Routing.objects.get().decline_note == "Family lives in Wake now"


def test_the_same_phone_can_be_found_without_storing_it(volunteer, durham, spanish):
    first = log_case(volunteer, durham, spanish, contact_phone="+19195550143")
    second = log_case(volunteer, durham, spanish, contact_phone="+19195550143")
    other = log_case(volunteer, durham, spanish, contact_phone="+19195550999")
    assert first.phone_digest == second.phone_digest != other.phone_digest
    assert "9195550143" not in first.phone_digest


def test_emails_carry_no_personal_data(case, volunteer, partner, legal_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        routing = services.routing_create(
            user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
        )
        services.routing_accept(user=partner, routing=routing)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + message.body
        assert case.reference in text
        for secret in ["Rosa", "9195550143", "555-0143", "Two kids"]:
            assert secret not in text
    assert "Legal consultation and representation" in mail.outbox[0].body
    assert f"/referrals/{case.reference}/" in mail.outbox[0].body


def test_emails_go_out_in_the_recipients_language(
    case, volunteer, partner, legal_a, django_capture_on_commit_callbacks
):
    partner.preferred_language = "es"
    partner.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_create(user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a)
    assert "Caso nuevo" in mail.outbox[0].subject
    assert "Consulta y representación legal" in mail.outbox[0].body


def test_no_model_has_a_field_the_privacy_rules_forbid():
    from django.apps import apps

    forbidden = [
        "immigration",
        "status_migratorio",
        "a_number",
        "alien",
        "birth",
        "dob",
        "ssn",
        "social_security",
        "country_of_origin",
        "nationality",
        "address",
        "street",
    ]
    for model in apps.get_models():
        if model._meta.app_label not in {"directory", "referrals"}:
            continue
        for field in model._meta.get_fields():
            if not field.concrete:
                continue
            name = field.name.lower()
            assert not any(word in name for word in forbidden), f"{model.__name__}.{field.name}"


def test_a_second_case_for_the_same_phone_is_flagged(volunteer, coordinator, durham, spanish):
    from tests.conftest import client_for

    first = log_case(volunteer, durham, spanish, contact_phone="+19195550143")
    second = log_case(coordinator, durham, spanish, contact_phone="+19195550143")
    page = client_for(coordinator).get(second.get_absolute_url()).content.decode()
    assert "may already have an open case" in page and first.reference in page
    # The volunteer may not open the coordinator's case: not even told it exists (no probing phone numbers).
    third = log_case(volunteer, durham, spanish, contact_phone="+19195550143")
    page = client_for(volunteer).get(third.get_absolute_url()).content.decode()
    assert first.reference in page and second.reference not in page
    assert "cannot open" not in page
