"""Nothing forbidden kept: intake, case notes, a partner's decline detail, follow-ups and a phone answer's detail
refuse immigration status, A-numbers, birth dates, addresses..., say what to remove and why, and save nothing.
The same text without the forbidden part goes through. (What counts as forbidden: tests/core/test_forbidden.py.)"""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from core.forbidden import MESSAGES, Kind
from referrals import services
from referrals.forms import DeclineForm, FollowUpForm, NoteForm
from referrals.models import FollowUp, Note, Referral, Routing
from tests.conftest import client_for
from tests.referrals.conftest import category, make_service

pytestmark = pytest.mark.django_db

CLEAN = "Dad detained by ICE at work this morning, kids with aunt"
FORBIDDEN = "Dad detained by ICE at work this morning, kids with aunt. A# 201-555-123, sin papeles"


def shows(page: str, kind: Kind) -> bool:
    return escape(str(MESSAGES[kind])) in page


def intake(durham, spanish, **fields) -> dict:
    return {
        "county": durham.pk,
        "language": spanish.pk,
        "urgency": "emergency",
        "categories": [category("legal").pk],
        "contact_name": "Rosa M.",
        "contact_phone": "919-555-0143",
        "safe_to_call": "on",
        "best_times": "after 6pm",
        "notes": CLEAN,
        "intake_token": str(uuid.uuid4()),
        **fields,
    }


# --- Intake -------------------------------------------------------------------------------------------------------


def test_intake_with_forbidden_notes_is_shown_again_with_what_to_remove_and_no_case(
    volunteer, durham, spanish
):
    client = client_for(volunteer)
    response = client.post("/referrals/new/", intake(durham, spanish, notes=FORBIDDEN))
    assert response.status_code == 200
    page = response.content.decode()
    assert shows(page, Kind.A_NUMBER) and shows(page, Kind.STATUS)
    assert "Remove the A-number" in page
    assert not shows(page, Kind.ADDRESS)
    # Next to the field to fix, and named at the top of the long form (a phone reloads it at the top).
    assert str(MESSAGES[Kind.A_NUMBER]) in response.context["form"].errors["notes"]
    top = page.split('id="form-problems"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#id_notes">Notes</a>' in top and "id_contact_name" not in top
    assert not Referral.objects.exists()

    response = client.post("/referrals/new/", intake(durham, spanish, notes=CLEAN))
    assert response.status_code == 302
    assert Referral.objects.get().notes == CLEAN


def test_the_example_from_the_issue_is_refused_for_each_thing_in_it(volunteer, durham, spanish):
    notes = "A# 201-555-123. Nació en Honduras el 3/4/1990. Vive en 123 Main St. Sin papeles."
    page = (
        client_for(volunteer).post("/referrals/new/", intake(durham, spanish, notes=notes)).content.decode()
    )
    for kind in (Kind.A_NUMBER, Kind.ORIGIN, Kind.BIRTH_DATE, Kind.ADDRESS, Kind.STATUS):
        assert shows(page, kind), kind
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("field", "text", "kind"),
    [
        ("best_times", "after 6pm at 123 Main St", Kind.ADDRESS),
        ("best_times", "Después de las 6, está indocumentado", Kind.STATUS),
        ("contact_name", "Rosa (sin papeles)", Kind.STATUS),
        ("contact_name", "Juan A201555123", Kind.A_NUMBER),
    ],
)
def test_best_times_and_the_name_refuse_it_too(volunteer, durham, spanish, field, text, kind):
    response = client_for(volunteer).post("/referrals/new/", intake(durham, spanish, **{field: text}))
    assert response.status_code == 200
    assert shows(response.content.decode(), kind)
    assert str(MESSAGES[kind]) in response.context["form"].errors[field]
    assert not Referral.objects.exists()


def test_the_usual_intake_notes_go_through(volunteer, durham, spanish):
    notes = "Two kids, ages 6 and 9; call after 6pm. Court on 3/4. Husband on an ICE hold in Alamance."
    response = client_for(volunteer).post("/referrals/new/", intake(durham, spanish, notes=notes))
    assert response.status_code == 302
    assert Referral.objects.get().notes == notes


# --- Case notes ---------------------------------------------------------------------------------------------------


def notes_url(case) -> str:
    return f"/referrals/{case.reference}/notes/"


def test_a_case_note_is_refused_with_the_message_and_not_saved(case, volunteer):
    client = client_for(volunteer)
    response = client.post(
        notes_url(case), {"body": "Mom's DOB 3/4/1990, lives at 88 Elm Street"}, follow=True
    )
    page = response.content.decode()
    assert shows(page, Kind.BIRTH_DATE) and shows(page, Kind.ADDRESS)
    assert "Note added." not in page
    assert not Note.objects.filter(referral=case).exists()
    assert not case.events.filter(kind="note").exists()

    response = client.post(notes_url(case), {"body": "Mom is 35; staying with her sister"}, follow=True)
    assert "Note added." in response.content.decode()
    assert Note.objects.get(referral=case).body == "Mom is 35; staying with her sister"


def test_a_partners_note_is_refused_too(routed_case, partner):
    routing = Routing.objects.get()
    client = client_for(partner)
    response = client.post(
        notes_url(routed_case),
        {"body": "Family from Guatemala, asylum case", "routing": routing.pk},
        follow=True,
    )
    page = response.content.decode()
    assert shows(page, Kind.ORIGIN) and shows(page, Kind.STATUS)
    assert not Note.objects.exists()

    client.post(notes_url(routed_case), {"body": "Lawyer calls Friday", "routing": routing.pk})
    assert Note.objects.get().body == "Lawyer calls Friday"


def test_someone_who_may_not_see_the_case_gets_a_404_not_the_message(case, outsider):
    response = client_for(outsider).post(notes_url(case), {"body": "Sin papeles"})
    assert response.status_code == 404
    assert not Note.objects.exists()


# --- A partner's decline ------------------------------------------------------------------------------------------


def decline_url(routing) -> str:
    return f"/referrals/{routing.need.referral.reference}/routings/{routing.pk}/decline/"


def test_a_decline_detail_is_refused_and_the_referral_stays_pending(routed_case, partner):
    routing = Routing.objects.get()
    client = client_for(partner)
    response = client.post(
        decline_url(routing),
        {"reason": "no_capacity", "note": "Visa expired, we only take DACA"},
        follow=True,
    )
    assert shows(response.content.decode(), Kind.STATUS)
    routing.refresh_from_db()
    assert routing.status == "pending" and routing.decline_note == ""

    client.post(decline_url(routing), {"reason": "no_capacity", "note": "Full until next month"})
    routing.refresh_from_db()
    assert (routing.status, routing.decline_note) == ("declined", "Full until next month")


# --- Follow-ups ---------------------------------------------------------------------------------------------------


def test_a_follow_up_note_is_refused_and_nothing_is_scheduled(case, volunteer):
    client = client_for(volunteer)
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = {"due_date": due, "assigned_to": volunteer.pk, "note": "Check the SSN 123-45-6789 with the lawyer"}
    response = client.post(f"/referrals/{case.reference}/follow-ups/", data, follow=True)
    page = response.content.decode()
    assert shows(page, Kind.SSN)
    assert "Follow-up scheduled." not in page
    assert not FollowUp.objects.exists()

    client.post(f"/referrals/{case.reference}/follow-ups/", {**data, "note": "Check with the lawyer"})
    assert FollowUp.objects.get().note == "Check with the lawyer"


# --- A phone referral's answer, recorded by the hub ---------------------------------------------------------------


def test_the_detail_of_a_decline_by_phone_is_refused(case, volunteer, durham):
    """The form has no validator of its own: the service refuses it, and the case page says why."""
    fund = make_service(
        type(case.hub).objects.create(slug="bond-fund", name="Bond Fund", is_partner=True), "legal", [durham]
    )
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=fund, by_phone=True
    )
    url = f"/referrals/{case.reference}/routings/{routing.pk}/phone-answer/"
    client = client_for(volunteer)
    data = {"answer": "declined", "reason": "no_capacity", "note": "They only help green card holders"}
    response = client.post(url, data, follow=True)
    assert shows(response.content.decode(), Kind.STATUS)
    routing.refresh_from_db()
    assert routing.status == "pending"

    client.post(url, {**data, "note": "Fund empty until January"})
    routing.refresh_from_db()
    assert (routing.status, routing.decline_note) == ("declined", "Fund empty until January")


# --- The forms refuse it in the field, before any service is asked -----------------------------------------------


@pytest.mark.parametrize(
    ("form_class", "field", "data"),
    [
        (NoteForm, "body", {}),
        (DeclineForm, "note", {"reason": "no_capacity"}),
        (FollowUpForm, "note", {"due_date": "2027-01-05"}),
    ],
)
def test_the_case_page_forms_put_the_message_on_the_field(hub, volunteer, form_class, field, data):
    extra = {"hub": hub} if form_class is FollowUpForm else {}
    form = form_class({**data, field: "Nacido el 3/4/1990", "assigned_to": volunteer.pk}, **extra)
    assert not form.is_valid()
    assert form.errors[field] == [str(MESSAGES[Kind.BIRTH_DATE])]


# --- The services refuse it whoever calls them --------------------------------------------------------------------


def test_the_services_refuse_it_without_a_form(routed_case, volunteer, partner, durham, spanish):
    routing = Routing.objects.get()

    def refused(call, kind) -> None:
        with pytest.raises(ValidationError) as caught:
            call()
        assert str(MESSAGES[kind]) in caught.value.messages

    refused(lambda: services.note_add(user=volunteer, referral=routed_case, body="TPS holder"), Kind.STATUS)
    refused(
        lambda: services.follow_up_add(
            user=volunteer,
            referral=routed_case,
            due_date=timezone.localdate(),
            assigned_to=volunteer,
            note="Apt 4B",
        ),
        Kind.ADDRESS,
    )
    refused(
        lambda: services.routing_decline(
            user=partner, routing=routing, reason="no_capacity", note="ITIN 912-78-1234"
        ),
        Kind.ITIN,
    )
    refused(
        lambda: services.referral_create(
            user=volunteer,
            county=durham,
            language=spanish,
            urgency="urgent",
            categories=[category("legal")],
            contact_name="Rosa",
            best_times="after 6pm, 12 Oak Lane",
            notes="Sin papeles",
            intake_token=uuid.uuid4(),
        ),
        Kind.ADDRESS,
    )
    assert Referral.objects.count() == 1
    assert not Note.objects.exists() and not FollowUp.objects.exists()
    routing.refresh_from_db()
    assert routing.status == "pending"


def test_a_kind_found_in_two_intake_fields_is_said_once(volunteer, durham, spanish):
    with pytest.raises(ValidationError) as caught:
        services.referral_create(
            user=volunteer,
            county=durham,
            language=spanish,
            urgency="urgent",
            categories=[category("legal")],
            best_times="sin papeles",
            notes="Undocumented",
        )
    assert caught.value.messages == [str(MESSAGES[Kind.STATUS])]
