"""Deactivating an account ends the person's access at once; reactivating and re-sending invitations. Each asks the
admin for their password again first."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail

from accounts.models import AccountAction, AccountEvent
from directory.models import Role
from tests.conftest import PASSWORD, client_for, make_user, sign_in

pytestmark = pytest.mark.django_db


def url(account, action: str) -> str:
    return f"/manage/users/{account.pk}/{action}/"


def sessions_of(account) -> list[Session]:
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(account.pk)]


@pytest.fixture
def admin(network_admin):
    return client_for(network_admin, reauthenticated=True)


def test_deactivation_signs_the_person_out_and_keeps_them_out(
    client, admin, network_admin, partner, django_capture_on_commit_callbacks
):
    partners_browser = client_for(partner)
    other_device = client_for(partner)
    assert partners_browser.get("/").status_code == 200
    assert len(sessions_of(partner)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url(partner, "deactivate"))
    assert response.status_code == 302 and response["Location"] == url(partner, "edit")
    partner.refresh_from_db()
    assert partner.is_active is False
    assert sessions_of(partner) == []
    assert sessions_of(network_admin) != []
    assert AccountEvent.objects.get().action == AccountAction.DEACTIVATED

    for browser in (partners_browser, other_device):
        response = browser.get("/manage/organizations/the-hispanic-liaison/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    sign_in(client, "pablo@example.org")
    assert "_auth_user_id" not in client.session


def test_deactivating_asks_for_the_admins_password_again_then_deactivates(
    network_admin, partner, django_capture_on_commit_callbacks
):
    partners_browser = client_for(partner)
    admin = client_for(network_admin)
    response = admin.post(url(partner, "deactivate"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    partner.refresh_from_db()
    assert partner.is_active is True

    # The browser follows the redirect, types the password; allauth carries out the kept POST.
    assert admin.get(response["Location"]).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == url(partner, "edit")
    partner.refresh_from_db()
    assert partner.is_active is False
    assert partners_browser.get("/")["Location"].startswith("/accounts/login/")
    assert "can no longer sign in" in admin.get(response["Location"]).content.decode()


def test_admins_cannot_deactivate_themselves(admin, network_admin):
    response = admin.post(url(network_admin, "deactivate"), follow=True)
    assert "You cannot deactivate your own account." in response.content.decode()
    network_admin.refresh_from_db()
    assert network_admin.is_active is True
    assert not AccountEvent.objects.exists()
    assert admin.get("/manage/users/").status_code == 200


def test_deactivating_needs_a_post(admin, partner):
    assert admin.get(url(partner, "deactivate")).status_code == 405
    partner.refresh_from_db()
    assert partner.is_active is True


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_only_admins_can_deactivate(request, persona, partner2):
    assert client_for(request.getfixturevalue(persona)).post(url(partner2, "deactivate")).status_code == 404
    partner2.refresh_from_db()
    assert partner2.is_active is True


def test_reactivation_lets_the_person_sign_in_again(client, admin, partner):
    admin.post(url(partner, "deactivate"))
    assert admin.post(url(partner, "reactivate")).status_code == 302
    assert list(AccountEvent.objects.values_list("action", flat=True)) == [
        AccountAction.REACTIVATED,
        AccountAction.DEACTIVATED,
    ]
    sign_in(client, "pablo@example.org")
    assert client.session["_auth_user_id"] == str(partner.pk)


def test_reactivating_asks_for_the_admins_password_again(network_admin, partner2):
    partner2.is_active = False
    partner2.save(update_fields=["is_active"])
    response = client_for(network_admin).post(url(partner2, "reactivate"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    partner2.refresh_from_db()
    assert partner2.is_active is False


def test_reactivating_needs_a_post_from_an_admin(admin, partner2, partner):
    partner2.is_active = False
    partner2.save(update_fields=["is_active"])
    assert admin.get(url(partner2, "reactivate")).status_code == 405
    assert client_for(partner).post(url(partner2, "reactivate")).status_code == 404
    partner2.refresh_from_db()
    assert partner2.is_active is False


def test_an_invitation_can_be_sent_again(admin, partner_org):
    invited = make_user("rosa@example.org", partner_org, Role.PARTNER)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    assert "Send the invitation again" in admin.get(url(invited, "edit")).content.decode()
    response = admin.post(url(invited, "invitation"))
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]


def test_sending_an_invitation_again_asks_for_the_admins_password(network_admin, partner_org):
    invited = make_user("rosa@example.org", partner_org, Role.PARTNER)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    response = client_for(network_admin).post(url(invited, "invitation"))
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert mail.outbox == []


def test_no_invitation_is_sent_to_someone_who_already_has_a_password(admin, partner):
    response = admin.post(url(partner, "invitation"), follow=True)
    assert (
        "Only active accounts without a password yet can be sent an invitation." in response.content.decode()
    )
    assert mail.outbox == []


def test_only_admins_send_invitations(partner, partner2):
    assert client_for(partner).post(url(partner2, "invitation")).status_code == 404
    assert mail.outbox == []


def test_sending_an_invitation_again_needs_a_post(admin, partner_org):
    invited = make_user("rosa@example.org", partner_org, Role.PARTNER)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    assert admin.get(url(invited, "invitation")).status_code == 405
    assert mail.outbox == []
