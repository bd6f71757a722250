"""Email addresses are the administrators' to change: the sign-in address is where password resets go, so a person
holding someone's unlocked phone must not be able to point it elsewhere. allauth's own email page is closed to every
role; an administrator changes an address on the account page, which is recorded and told to the old address."""

import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils.html import strip_tags

from accounts.models import AccountAction, AccountEvent
from directory.models import Role, User
from tests.conftest import client_for, make_user, sign_in

pytestmark = pytest.mark.django_db

EMAIL_PAGE = "/accounts/email/"
RESET_LINK = re.compile(r"/accounts/password/reset/key/\S+")


def edit_url(account) -> str:
    return f"/manage/users/{account.pk}/edit/"


def edit_data(account, **changes) -> dict:
    values = {
        "email": account.email,
        "display_name": account.display_name,
        "organization": account.organization_id,
        "role": account.role,
        "preferred_language": account.preferred_language,
    }
    return values | changes


def text(response) -> str:
    return html.unescape(strip_tags(response.content.decode()))


def addresses_of(account) -> set[str]:
    return set(EmailAddress.objects.filter(user=account).values_list("email", flat=True))


# --- allauth's email page, closed ------------------------------------------------------------------------------


def test_another_staff_members_address_cannot_be_attached_to_an_account(settings, hub, coordinator):
    """The probe's finding: someone without a second factor yet (a development checkout allows it) added a
    coordinator's address to their own account and could make it primary."""
    settings.MFA_REQUIRED = False
    person = make_user("nuevo@example.org", hub, Role.VOLUNTEER, mfa=False)
    browser = client_for(person)
    browser.post(EMAIL_PAGE, {"action_add": "", "email": "carmen@example.org"})
    browser.post(EMAIL_PAGE, {"action_primary": "", "email": "carmen@example.org"})
    assert "carmen@example.org" not in addresses_of(person)
    person.refresh_from_db()
    assert person.email == "nuevo@example.org"


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "partner", "network_admin"])
def test_the_email_page_is_closed_to_every_role(request, persona):
    account = request.getfixturevalue(persona)
    browser = client_for(account)
    response = browser.get(EMAIL_PAGE, follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert "Only your network's administrators can change an email address." in text(response)
    for action in ["action_add", "action_primary", "action_send", "action_remove"]:
        response = browser.post(EMAIL_PAGE, {action: "", "email": "new@example.org"})
        assert response.status_code == 302 and response["Location"] == "/", action
    account.refresh_from_db()
    assert not EmailAddress.objects.filter(email="new@example.org").exists()
    assert mail.outbox == []


def test_the_closed_email_page_answers_in_spanish(volunteer):
    browser = client_for(volunteer)
    browser.cookies["django_language"] = "es"
    response = browser.get(EMAIL_PAGE, follow=True)
    assert '<html lang="es">' in response.content.decode()


def test_no_page_links_to_the_email_page(network_admin, volunteer):
    for account, paths in [
        (volunteer, ["/", "/accounts/password/change/", "/accounts/2fa/"]),
        (network_admin, ["/", "/manage/users/", edit_url(volunteer)]),
    ]:
        browser = client_for(account, reauthenticated=True)
        for path in paths:
            response = browser.get(path)
            assert response.status_code == 200, path
            assert EMAIL_PAGE not in response.content.decode(), path


def test_a_password_reset_still_reaches_the_primary_address(client, volunteer):
    response = client.post("/accounts/password/reset/", {"email": "vera@example.org"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["vera@example.org"]]
    assert RESET_LINK.search(mail.outbox[0].body)


# --- the administrator changes it on the account page ------------------------------------------------------------


def test_an_admin_changes_an_address_with_an_event_and_a_notice_to_the_old_address(
    network_admin, hub, monkeypatch, django_capture_on_commit_callbacks
):
    from django.template import loader
    from django.utils import translation

    rendered_in: list[str | None] = []
    render = loader.render_to_string

    def recording_render(template_name, *args, **kwargs):
        if "email_changed" in str(template_name):
            rendered_in.append(translation.get_language())
        return render(template_name, *args, **kwargs)

    monkeypatch.setattr("accounts.services.render_to_string", recording_render)
    person = make_user("rosa@example.org", hub, Role.VOLUNTEER, display_name="Rosa", preferred_language="es")
    person_browser = client_for(person)
    admin = client_for(network_admin, reauthenticated=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(edit_url(person), edit_data(person, email=" Rosa.Nueva@Example.org "))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "rosa.nueva@example.org"

    event = AccountEvent.objects.get()
    assert (event.actor, event.account, event.action) == (network_admin, person, AccountAction.EMAIL_CHANGED)
    assert (event.old_email, event.new_email) == ("rosa@example.org", "rosa.nueva@example.org")

    # One notice, to the old address, in the person's language, naming who changed it; no name, phone or note.
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
    notice = mail.outbox[0]
    assert rendered_in == ["es", "es"]  # subject and body, in the person's language
    assert network_admin.email in notice.body and "rosa.nueva@example.org" in notice.body
    assert "Rosa" not in notice.body.replace("rosa", "")
    assert not RESET_LINK.search(notice.body)

    # The account page shows the change in its history.
    page = text(admin.get(edit_url(person)))
    assert "Email: rosa@example.org → rosa.nueva@example.org" in page
    # The person stays signed in; they sign in next time with the new address only.
    assert person_browser.get("/").status_code == 200
    assert sign_in(Client(), "rosa.nueva@example.org")["Location"] == "/"
    assert "_auth_user_id" not in (fresh := Client()).session
    sign_in(fresh, "rosa@example.org")
    assert "_auth_user_id" not in fresh.session


def test_after_a_change_password_resets_go_to_the_new_address_only(
    network_admin, volunteer, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=volunteer, email=volunteer.email, primary=True, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network_admin, reauthenticated=True).post(
            edit_url(volunteer), edit_data(volunteer, email="vera.new@example.org")
        )
    assert addresses_of(volunteer) == {"vera.new@example.org"}
    mail.outbox.clear()
    client = Client()
    client.post("/accounts/password/reset/", {"email": "vera@example.org"})
    client.post("/accounts/password/reset/", {"email": "vera.new@example.org"})
    links = [(message.to, bool(RESET_LINK.search(message.body))) for message in mail.outbox]
    assert (["vera.new@example.org"], True) in links
    assert (["vera@example.org"], True) not in links


@pytest.mark.parametrize("taken", ["carmen@example.org", "CARMEN@example.org", "alias@example.org"])
def test_another_accounts_address_is_refused_on_the_account_page(
    network_admin, volunteer, coordinator, taken, django_capture_on_commit_callbacks
):
    # alias@example.org is attached to the coordinator's account as a second allauth address.
    EmailAddress.objects.create(user=coordinator, email="alias@example.org", primary=False, verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(network_admin, reauthenticated=True).post(
            edit_url(volunteer), edit_data(volunteer, email=taken, display_name="Changed")
        )
    assert response.status_code == 200
    assert "There is already an account with this email address." in response.content.decode()
    volunteer.refresh_from_db()
    assert (volunteer.email, volunteer.display_name) == ("vera@example.org", "Vera")
    assert not AccountEvent.objects.exists() and mail.outbox == []


def test_a_malformed_address_is_refused_in_spanish(network_admin, volunteer):
    admin = client_for(network_admin, reauthenticated=True)
    admin.cookies["django_language"] = "es"
    response = admin.post(edit_url(volunteer), edit_data(volunteer, email="not an address"))
    assert response.status_code == 200
    assert "correo electrónico válida" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.email == "vera@example.org"


def test_changing_an_address_asks_for_the_admins_password_again(network_admin, volunteer):
    response = client_for(network_admin).post(
        edit_url(volunteer), edit_data(volunteer, email="x@example.org")
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    volunteer.refresh_from_db()
    assert volunteer.email == "vera@example.org"


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "partner"])
def test_nobody_else_changes_an_address_on_the_account_page(request, persona, partner2):
    browser = client_for(request.getfixturevalue(persona), reauthenticated=True)
    response = browser.post(edit_url(partner2), edit_data(partner2, email="taken.over@example.org"))
    assert response.status_code == 404
    assert User.objects.get(pk=partner2.pk).email == "paula@example.org"


def test_saving_the_account_page_without_a_new_address_records_no_email_change(
    network_admin, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network_admin, reauthenticated=True).post(
            edit_url(volunteer), edit_data(volunteer, email="VERA@example.org", display_name="Vera L.")
        )
    volunteer.refresh_from_db()
    assert (volunteer.email, volunteer.display_name) == ("vera@example.org", "Vera L.")
    assert not AccountEvent.objects.exists() and mail.outbox == []


def test_addresses_attached_before_the_page_closed_no_longer_receive_reset_links(
    client, volunteer, coordinator
):
    from importlib import import_module

    from django.apps import apps

    EmailAddress.objects.create(user=volunteer, email="Vera@example.org", primary=True, verified=True)
    EmailAddress.objects.create(
        user=volunteer, email="someone.else@example.org", primary=False, verified=False
    )
    EmailAddress.objects.create(
        user=coordinator, email="vera.alias@example.org", primary=False, verified=False
    )
    import_module("accounts.migrations.0003_remove_other_email_addresses").remove_other_addresses(apps, None)
    assert set(EmailAddress.objects.values_list("user__email", "email")) == {
        ("vera@example.org", "Vera@example.org")
    }
    client.post("/accounts/password/reset/", {"email": "someone.else@example.org"})
    assert not any(RESET_LINK.search(message.body) for message in mail.outbox)
