import pytest
from django.core import mail
from django.db import connection

from referrals import services
from referrals.models import AccessLog, Consent, Note, Routing
from tests.conftest import client_for
from tests.referrals.conftest import category, log_case

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
    first = log_case(volunteer, durham, spanish, contact_phone="+19195550143")
    second = log_case(coordinator, durham, spanish, contact_phone="+19195550143")
    page = client_for(coordinator).get(second.get_absolute_url()).content.decode()
    assert "may already have an open case" in page and first.reference in page
    # The volunteer may not open the coordinator's case: not even told it exists (no probing phone numbers).
    third = log_case(volunteer, durham, spanish, contact_phone="+19195550143")
    page = client_for(volunteer).get(third.get_absolute_url()).content.decode()
    assert first.reference in page and second.reference not in page
    assert "cannot open" not in page


# What a partner sees of a case, and what is written down when anyone reads the family's details.


def test_viewing_contact_details_is_logged_without_the_values(routed_case, partner):
    client_for(partner).get(routed_case.get_absolute_url())
    row = AccessLog.objects.get(user=partner)
    # Who, in which role and organization, did what to which case; the subject is only ever an account's email.
    assert (row.role, row.organization, row.action, row.reference, row.subject) == (
        "partner",
        partner.organization,
        "view_contact",
        routed_case.reference,
        "",
    )


def test_a_page_without_contact_details_or_notes_is_not_logged(volunteer, partner, durham, spanish, legal_a):
    case = log_case(volunteer, durham, spanish, ("legal",), consent=False)
    services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    assert client_for(partner).get(case.get_absolute_url()).status_code == 200
    assert not AccessLog.objects.filter(user=partner).exists()


def test_a_partner_whose_routing_ended_keeps_the_outcome_but_not_the_contact(routed_case, partner):
    routing = Routing.objects.get(organization=partner.organization)
    services.routing_decline(user=partner, routing=routing, reason="no_capacity", note="")
    response = client_for(partner).get(routed_case.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rosa M." not in body and "919-555-0143" not in body
    assert "Declined" in body and "Legal consultation" in body


def test_without_consent_the_partner_sees_only_the_need(volunteer, partner, durham, spanish, legal_a):
    case = log_case(volunteer, durham, spanish, ("legal",), consent=False)
    services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    body = client_for(partner).get(case.get_absolute_url()).content.decode()
    assert "Rosa M." not in body and "919-555-0143" not in body
    assert "Durham" in body and "Legal consultation" in body
    assert "Contact the family through the hub" in body


def test_consent_covers_only_the_needs_it_names(volunteer, partner, durham, spanish, legal_a, food_a):
    case = log_case(volunteer, durham, spanish, ("legal", "basic-needs"))
    Consent.objects.get(referral=case).categories.set([category("legal")])
    services.routing_create(user=volunteer, need=case.needs.get(category__code="basic-needs"), service=food_a)
    body = client_for(partner).get(case.get_absolute_url()).content.decode()
    assert "Food, housing" in body and "Rosa M." not in body
    # Once the need the consent names is sent to it as well, the partner may reach the family.
    services.routing_create(user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a)
    assert "Rosa M." in client_for(partner).get(case.get_absolute_url()).content.decode()


def test_a_partner_sees_only_the_needs_sent_to_it(case, volunteer, partner2, legal_b):
    services.routing_create(user=volunteer, need=case.needs.get(category__code="legal"), service=legal_b)
    client = client_for(partner2)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Legal consultation and representation" in page
    assert "Food, housing, rent and utilities" not in page
    rows = client.get("/referrals/").content.decode().split('<ul class="list-group')[1]
    assert "Legal consultation" in rows and "Food, housing" not in rows
    # Filtering by a need it was not sent does not reveal that the family has it.
    food = client.get("/referrals/?category=" + str(category("basic-needs").pk))
    assert case.reference not in food.content.decode()
    legal = client.get("/referrals/?category=" + str(category("legal").pk))
    assert case.reference in legal.content.decode()


def test_a_partner_sees_the_hub_not_its_staff_in_the_timeline(routed_case, volunteer, partner):
    page = client_for(partner).get(routed_case.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline-heading"') :]
    assert volunteer.organization.name in timeline
    assert volunteer.display_name not in timeline
    # The hub's own staff do see who did what.
    page = client_for(volunteer).get(routed_case.get_absolute_url()).content.decode()
    assert volunteer.display_name in page[page.index('id="timeline-heading"') :]


def test_signed_in_pages_are_never_stored_by_the_browser(routed_case, volunteer, network_admin):
    """A shared or seized device keeps no copy of a case page, nor of the directory's management pages."""
    assert "no-store" in client_for(volunteer).get(routed_case.get_absolute_url())["Cache-Control"]
    for path in ["/manage/users/", "/manage/organizations/"]:
        assert "no-store" in client_for(network_admin).get(path)["Cache-Control"], path
