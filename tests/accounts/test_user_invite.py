"""Admins invite people: the account is created without a password and the person chooses one from a link."""

import re

import pytest
from django.core import mail
from django.test import Client

from directory.models import Role, User
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

URL = "/manage/users/invite/"
NEW_PASSWORD = "a long and unusual passphrase 42"


def data(organization, **changes) -> dict:
    values = {
        "email": "Rosa@Example.org",
        "display_name": "Rosa",
        "organization": organization.pk,
        "role": Role.PARTNER,
        "preferred_language": "en",
    }
    return values | changes


def invitation_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Posts the invitation form as a re-authenticated admin and runs what waits for the commit (the email)."""

    def post(admin, organization, **changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(admin, reauthenticated=True).post(URL, data(organization, **changes))

    return post


def test_it_creates_the_account_without_a_password_and_emails_an_invitation(
    network_admin, partner_org, invite
):
    response = invite(network_admin, partner_org)
    assert response.status_code == 302
    assert response["Location"] == "/manage/users/"
    account = User.objects.get(email="rosa@example.org")
    assert (account.organization, account.role, account.is_active) == (partner_org, Role.PARTNER, True)
    assert not account.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.org"]
    assert message.subject == "Your invitation to the referral network"


def test_the_email_contains_only_the_invitation(network_admin, partner_org, invite):
    invite(network_admin, partner_org)
    body = mail.outbox[0].body
    assert "/accounts/password/reset/key/" in body
    for detail in ("The Hispanic Liaison", "Partner", "Rosa@", "ana@example.org", "Ana"):
        assert detail not in body


def test_the_link_lets_the_person_choose_a_password_and_sign_in(client, network_admin, partner_org, invite):
    invite(network_admin, partner_org)
    link = invitation_link(mail.outbox[0])

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"login": "rosa@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="rosa@example.org").pk)


def test_the_link_works_only_once(client, network_admin, partner_org, invite):
    invite(network_admin, partner_org)
    link = invitation_link(mail.outbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client().get(link, follow=True)
    assert again.context["token_fail"] is True


def test_an_email_already_used_is_refused(network_admin, partner, partner_org, invite):
    response = invite(network_admin, partner_org, email="PABLO@example.org")
    assert response.status_code == 200
    assert "There is already an account with this email address." in response.content.decode()
    assert User.objects.filter(email__iexact="pablo@example.org").count() == 1
    assert mail.outbox == []


def test_partner_staff_belong_to_a_partner_organization(network_admin, other_hub, invite):
    response = invite(network_admin, other_hub)
    assert response.status_code == 200
    assert "Comunidad Colectiva does not take referrals." in response.content.decode()
    assert not User.objects.filter(email="rosa@example.org").exists()
    assert mail.outbox == []


def test_volunteers_belong_to_a_hub(network_admin, partner_org, invite):
    response = invite(network_admin, partner_org, role=Role.VOLUNTEER)
    assert "The Hispanic Liaison does not do intake." in response.content.decode()
    assert not User.objects.filter(email="rosa@example.org").exists()


def test_admins_may_belong_to_any_organization(network_admin, partner_org):
    assert (
        client_for(network_admin, reauthenticated=True)
        .post(URL, data(partner_org, role=Role.ADMIN))
        .status_code
        == 302
    )


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_it_is_for_admins_only(request, persona, partner_org):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, data(partner_org)).status_code == 403
    assert not User.objects.filter(email="rosa@example.org").exists()
    assert mail.outbox == []


def test_it_answers_only_get_and_post(network_admin):
    assert client_for(network_admin, reauthenticated=True).put(URL).status_code == 405


def test_inviting_asks_for_the_admins_password_again_then_sends_the_invitation(
    network_admin, partner_org, django_capture_on_commit_callbacks
):
    client = client_for(network_admin)
    response = client.post(URL, data(partner_org))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert not User.objects.filter(email="rosa@example.org").exists()

    # allauth keeps the posted form while the admin types their password, then carries it out.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/manage/users/"
    assert User.objects.filter(email="rosa@example.org").exists()
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]


def test_the_invitation_is_written_in_the_invitees_language(network_admin, partner_org, invite):
    invite(network_admin, partner_org, preferred_language="es")
    assert mail.outbox[0].subject == "Su invitación a la red de apoyo"
    assert "contraseña" in mail.outbox[0].body and "Choose your password" not in mail.outbox[0].body
