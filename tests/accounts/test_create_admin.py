"""`manage.py create_admin`: the first administrator of a new installation, and the hub they work for."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AccountAction, AccountEvent
from directory.models import Organization, Role, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long passphrase nobody guesses"


def create_admin(*args: str) -> str:
    out = StringIO()
    call_command("create_admin", *args, stdout=out)
    return out.getvalue()


def test_it_creates_an_administrator_of_a_new_hub():
    create_admin("--email", "Ana@Example.org", "--organization", "Comunidad Colectiva", "--name", "Ana")
    account = User.objects.get(email="ana@example.org")
    assert account.role == Role.ADMIN
    assert account.organization.name == "Comunidad Colectiva"
    assert account.organization.is_hub
    assert not account.has_usable_password()
    event = AccountEvent.objects.get(account=account)
    assert event.action == AccountAction.INVITED and event.actor == account


def test_it_joins_an_organization_that_already_exists(hub):
    create_admin("--email", "second@example.org", "--organization", hub.name.upper())
    assert User.objects.get(email="second@example.org").organization == hub
    assert Organization.objects.count() == 1


def test_it_refuses_an_address_already_in_use(network_admin):
    with pytest.raises(CommandError, match="already exists"):
        create_admin("--email", network_admin.email, "--organization", "Another hub")


def test_the_printed_link_leads_to_a_password_then_to_setting_up_an_authenticator(client, settings):
    settings.SITE_URL = "https://referrals.example.org"
    output = create_admin("--email", "first@example.org", "--organization", "El Refugio")
    link = re.search(r"https://referrals\.example\.org(/\S+)", output)
    assert link, output

    response = client.get(link[1], follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else link[1]
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(email="first@example.org").check_password(NEW_PASSWORD)
    client.logout()

    response = client.post("/accounts/login/", {"login": "first@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    # Nothing but setting up the second factor until it is done.
    assert client.get("/manage/").url.startswith("/accounts/2fa/totp/activate")
