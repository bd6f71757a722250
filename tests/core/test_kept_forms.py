"""Nothing typed is lost when the session ends mid-form: a form posted after it ended is kept on the server, encrypted,
for the person who was signed in on that browser, and comes back filled in once they sign in again (core/resume.py).
Anyone else signing in on the browser gets nothing; an hour later it is gone."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.crypto import decrypt
from core.models import KeptForm
from directory.models import County, Language
from referrals import jobs, services
from referrals.models import FollowUp, Note, Referral, RoutingStatus
from tests.conftest import PASSWORD, client_for, totp_code
from tests.conftest import sign_in as sign_in_on
from tests.referrals.conftest import category, log_case, make_service

pytestmark = pytest.mark.django_db

IDLE = timedelta(minutes=31)
INTAKE = "/referrals/new/"


@pytest.fixture
def durham(db) -> County:
    return County.objects.get(name="Durham")


@pytest.fixture
def spanish(db) -> Language:
    return Language.objects.get(code="es")


@pytest.fixture
def english(db) -> Language:
    return Language.objects.get(code="en")


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def sign_in(client: Client, email: str, next_page: str = ""):
    """The real sign-in (password, then the authenticator code), as from the page the app sent the person to."""
    query = f"?next={next_page}" if next_page else ""
    response = client.post(f"/accounts/login/{query}", {"login": email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    return client.post("/accounts/2fa/authenticate/", {"code": totp_code()})


def intake_data(client: Client, durham, spanish, english) -> dict:
    token = client.get(INTAKE).context["form"].initial["intake_token"]
    return {
        "county": str(durham.pk),
        "language": str(spanish.pk),
        "urgency": "emergency",
        "categories": [str(category("legal").pk), str(category("family-planning").pk)],
        "contact_name": "Rosa Delgado",
        "contact_phone": "(919) 555-0143",
        "safe_to_text": "on",
        "best_times": "after 6pm",
        "notes": "Husband detained at the plant this morning; two kids at home",
        "consent": "on",
        "consent_language": str(english.pk),
        "intake_token": str(token),
    }


def posted(form) -> dict:
    """What pressing Save on the form as shown sends (every value of a multiple choice)."""
    return dict(form.data.lists())


def kept_away(client: Client, path: str, data: dict, clock) -> str:
    """Post `data` once the session has ended for inactivity; returns where the app sends the person."""
    clock.shift(IDLE)
    response = client.post(path, data)
    assert response.status_code == 302
    return response["Location"]


def test_an_intake_posted_after_the_idle_timeout_comes_back_filled_in_after_signing_in_again(
    client, volunteer, durham, spanish, english, clock
):
    sign_in_on(client, volunteer.email)
    data = intake_data(client, durham, spanish, english)

    assert kept_away(client, INTAKE, data, clock) == "/accounts/login/?next=/referrals/new/"
    assert Referral.objects.count() == 0
    assert (
        "what you were saving is kept" in client.get("/accounts/login/?next=/referrals/new/").content.decode()
    )

    assert sign_in(client, volunteer.email, INTAKE)["Location"] == INTAKE
    page = client.get(INTAKE)
    form = page.context["form"]
    assert form.is_bound and form.is_valid(), form.errors
    # Every field as it was posted: county, language, urgency, needs, name, phone, notes, consent...
    for name, value in data.items():
        assert form.data.getlist(name) == (value if isinstance(value, list) else [value]), name
    ticks = {name: form.cleaned_data[name] for name in ("safe_to_call", "safe_to_text", "consent")}
    assert ticks == {"safe_to_call": False, "safe_to_text": True, "consent": True}  # unticked stays unticked
    body = page.content.decode()
    assert "You were signed out; your form was kept. Check it and save again." in body
    assert 'value="Rosa Delgado"' in body and "two kids at home</textarea>" in body
    assert not KeptForm.objects.exists()  # handed over once: it now lives only in the page

    saved = client.post(INTAKE, posted(form))
    referral = Referral.objects.get()
    assert saved["Location"] == referral.get_absolute_url()
    assert (referral.contact_name, referral.county, referral.urgency) == ("Rosa Delgado", durham, "emergency")
    assert set(referral.needs.values_list("category__code", flat=True)) == {"legal", "family-planning"}
    # A second press of Save (or the same form sent again) still makes one case.
    client.post(INTAKE, posted(form))
    assert Referral.objects.count() == 1
    # Handed over once: opening the form again starts afresh.
    assert not client.get(INTAKE).context["form"].is_bound


def test_another_account_signing_in_on_that_browser_gets_nothing_and_the_kept_form_is_deleted(
    client, volunteer, coordinator, durham, spanish, english, clock
):
    sign_in_on(client, volunteer.email)
    kept_away(client, INTAKE, intake_data(client, durham, spanish, english), clock)
    assert KeptForm.objects.count() == 1

    sign_in(client, coordinator.email, INTAKE)
    assert not KeptForm.objects.exists()
    page = client.get(INTAKE)
    assert not page.context["form"].is_bound
    assert "Rosa Delgado" not in page.content.decode() and "your form was kept" not in page.content.decode()


def test_the_owner_signing_in_elsewhere_first_finds_it_on_the_form_page_within_the_hour(
    client, volunteer, durham, spanish, english, clock
):
    sign_in_on(client, volunteer.email)
    kept_away(client, INTAKE, intake_data(client, durham, spanish, english), clock)
    sign_in(client, volunteer.email)  # straight to My work
    assert client.get("/").status_code == 200
    assert KeptForm.objects.count() == 1
    assert client.get(INTAKE).context["form"]["contact_name"].value() == "Rosa Delgado"


def test_after_an_hour_the_kept_form_is_gone(client, volunteer, durham, spanish, english, clock):
    sign_in_on(client, volunteer.email)
    kept_away(client, INTAKE, intake_data(client, durham, spanish, english), clock)
    clock.shift(timedelta(minutes=61))
    sign_in(client, volunteer.email, INTAKE)
    assert not client.get(INTAKE).context["form"].is_bound
    assert not KeptForm.objects.exists()


def test_the_daily_purge_deletes_kept_forms_an_hour_old(client, volunteer, durham, spanish, english, clock):
    sign_in_on(client, volunteer.email)
    kept_away(client, INTAKE, intake_data(client, durham, spanish, english), clock)
    jobs.purge_expired()
    assert KeptForm.objects.count() == 1
    clock.shift(timedelta(minutes=60))
    jobs.purge_expired()
    assert not KeptForm.objects.exists()


def test_the_kept_form_is_stored_encrypted(client, volunteer, durham, spanish, english, clock):
    sign_in_on(client, volunteer.email)
    kept_away(client, INTAKE, intake_data(client, durham, spanish, english), clock)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content, token_digest FROM core_keptform")
        [(content, token_digest)] = cursor.fetchall()
    for clear in ["Rosa", "Delgado", "555", "0143", "detained", "kids"]:
        assert clear not in content
    assert "Rosa Delgado" in decrypt(content)  # with the field keys, as contact details are
    # The browser holds the token; the table holds only its hash.
    cookie = client.cookies["kept_form"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie.value not in token_digest


def test_signing_out_on_purpose_leaves_nothing_kept(client, volunteer, durham, spanish, english, clock):
    sign_in_on(client, volunteer.email)
    kept_away(client, INTAKE, intake_data(client, durham, spanish, english), clock)
    sign_in(client, volunteer.email)
    response = client.post("/accounts/logout/")
    assert not KeptForm.objects.exists()
    assert response.cookies["resume_owner"].value == "" and response.cookies["kept_form"].value == ""


def test_a_post_from_a_browser_nobody_signed_in_on_is_not_kept(client, volunteer, durham, spanish, english):
    data = intake_data(client_for(volunteer), durham, spanish, english)
    response = client.post(INTAKE, data)
    assert response["Location"] == "/accounts/login/?next=/referrals/new/"
    assert not KeptForm.objects.exists()


def test_a_post_without_a_valid_csrf_token_is_refused_not_kept(volunteer, durham, spanish, english, clock):
    browser = Client(enforce_csrf_checks=True)
    sign_in_on_csrf(browser, volunteer.email)
    data = intake_data(browser, durham, spanish, english)
    clock.shift(IDLE)
    assert browser.post(INTAKE, data).status_code == 403
    assert not KeptForm.objects.exists()


def sign_in_on_csrf(client: Client, email: str) -> None:
    """Signing in through the real forms with CSRF checks on: each form's token, as a browser sends it."""
    page = client.get("/accounts/login/")
    token = page.context["csrf_token"]
    client.post("/accounts/login/", {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    page = client.get("/accounts/2fa/authenticate/")
    client.post(
        "/accounts/2fa/authenticate/",
        {"code": totp_code(), "csrfmiddlewaretoken": page.context["csrf_token"]},
    )
    assert client.get("/").status_code == 200


def test_pressing_save_twice_while_signed_out_keeps_one_form(
    client, volunteer, durham, spanish, english, clock
):
    sign_in_on(client, volunteer.email)
    data = intake_data(client, durham, spanish, english)
    kept_away(client, INTAKE, data, clock)
    client.post(INTAKE, {**data, "notes": "second press"})
    assert KeptForm.objects.count() == 1
    sign_in(client, volunteer.email, INTAKE)
    assert client.get(INTAKE).context["form"]["notes"].value() == "second press"


@pytest.fixture
def case(volunteer, durham, spanish, partner):
    make_service(partner.organization, "legal", [durham])
    return log_case(volunteer, durham, spanish, ("legal",))


def test_a_note_written_as_the_session_ended_comes_back_on_the_case_page(client, volunteer, case, clock):
    sign_in_on(client, volunteer.email)
    page = case.get_absolute_url()
    assert kept_away(client, f"{page}notes/", {"body": "Called back: lawyer visit Friday"}, clock) == (
        f"/accounts/login/?next={page}"
    )
    assert not Note.objects.exists()

    assert sign_in(client, volunteer.email, page)["Location"] == page
    response = client.get(page)
    assert response.context["note_form"]["body"].value() == "Called back: lawyer visit Friday"
    assert "your form was kept" in response.content.decode()
    client.post(f"{page}notes/", posted(response.context["note_form"]))
    assert list(Note.objects.values_list("body", flat=True)) == ["Called back: lawyer visit Friday"]


def test_a_follow_up_scheduled_as_the_session_ended_comes_back_on_the_case_page(
    client, volunteer, case, clock
):
    sign_in_on(client, volunteer.email)
    page = case.get_absolute_url()
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = {"due_date": due, "assigned_to": str(volunteer.pk), "note": "Ask about the bond hearing"}
    kept_away(client, f"{page}follow-ups/", data, clock)
    sign_in(client, volunteer.email, page)
    form = client.get(page).context["follow_up_form"]
    assert (form["due_date"].value(), form["note"].value()) == (due, "Ask about the bond hearing")
    client.post(f"{page}follow-ups/", posted(form))
    assert FollowUp.objects.get().note == "Ask about the bond hearing"


def test_a_partners_decline_comes_back_in_its_form_on_the_case_page(client, volunteer, partner, case, clock):
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(), service=partner.organization.services.get()
    )
    sign_in_on(client, partner.email)
    page = case.get_absolute_url()
    data = {"reason": "no_capacity", "note": "Our two lawyers are in court all week"}
    kept_away(client, f"{page}routings/{routing.pk}/decline/", data, clock)
    sign_in(client, partner.email, page)
    response = client.get(page)
    form = response.context["own_routings"][0].decline_form
    assert (form["reason"].value(), form["note"].value()) == (
        "no_capacity",
        "Our two lawyers are in court all week",
    )
    assert "your form was kept" in response.content.decode()


def test_a_decline_the_page_no_longer_offers_is_dropped(client, volunteer, partner, case, clock):
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(), service=partner.organization.services.get()
    )
    sign_in_on(client, partner.email)
    page = case.get_absolute_url()
    kept_away(
        client, f"{page}routings/{routing.pk}/decline/", {"reason": "no_capacity", "note": "Full"}, clock
    )
    services.routing_withdraw(user=volunteer, routing=routing)
    routing.refresh_from_db()
    assert routing.status == RoutingStatus.WITHDRAWN
    sign_in(client, partner.email, page)
    response = client.get(page)
    assert "your form was kept" not in response.content.decode()
    assert not KeptForm.objects.exists()


def test_a_note_on_a_case_the_person_may_no_longer_see_is_dropped(client, volunteer, other_hub, case, clock):
    sign_in_on(client, volunteer.email)
    page = case.get_absolute_url()
    kept_away(client, f"{page}notes/", {"body": "Called back"}, clock)
    # Meanwhile an administrator moved them to another hub: the case is out of their sight.
    volunteer.organization = other_hub
    volunteer.save(update_fields=["organization"])
    sign_in(client, volunteer.email, page)
    assert client.get(page).status_code == 404
    assert not KeptForm.objects.exists()


def test_a_form_posted_after_the_12_hour_limit_is_kept_too(client, volunteer, case, clock):
    sign_in_on(client, volunteer.email)
    page = case.get_absolute_url()
    for _ in range(12 * 4):
        clock.shift(timedelta(minutes=15))
        assert client.get("/").status_code == 200
    clock.shift(timedelta(minutes=15))
    response = client.post(f"{page}notes/", {"body": "Written at the end of a long night"})
    assert response["Location"] == f"/accounts/login/?next={page}"
    assert "_auth_user_id" not in client.session and not Note.objects.exists()
    sign_in(client, volunteer.email, page)
    assert client.get(page).context["note_form"]["body"].value() == "Written at the end of a long night"


def test_other_forms_posted_signed_out_go_to_sign_in_as_before(client, volunteer, case, clock):
    sign_in_on(client, volunteer.email)
    page = case.get_absolute_url()
    clock.shift(IDLE)
    response = client.post(f"{page}close/", {"outcome": "resolved"})
    assert response["Location"] == f"/accounts/login/?next={page}close/"
    assert not KeptForm.objects.exists()


def test_the_resume_cookies_are_secure_in_production(
    client, volunteer, settings, durham, spanish, english, clock
):
    settings.SESSION_COOKIE_SECURE = True
    sign_in_on(client, volunteer.email)
    owner = client.get("/").cookies["__Host-resume_owner"]
    assert owner["secure"] and owner["httponly"] and owner["samesite"] == "Lax" and owner["path"] == "/"
    data = intake_data(client, durham, spanish, english)
    clock.shift(IDLE)
    token = client.post(INTAKE, data, secure=True).cookies["__Host-kept_form"]
    assert token["secure"] and token["httponly"] and token["max-age"] == 3600


def test_a_part_of_a_page_asked_for_after_the_session_ended_changes_nothing_and_says_so(
    client, volunteer, clock
):
    """The phone hint as it is typed, an htmx button: the sign-in page is not swapped into the page (nor does the page
    go there, losing what it holds); the page shows that the session ended."""
    sign_in_on(client, volunteer.email)
    clock.shift(IDLE)
    hint = client.post(
        "/referrals/new/same-phone/", {"contact_phone": "919 555 0143"}, headers={"HX-Request": "true"}
    )
    assert hint.status_code == 204 and hint["HX-Trigger"] == "session-ended"
    assert client.get("/referrals/")["Location"] == "/accounts/login/?next=/referrals/"
