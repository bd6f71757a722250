"""Deactivating an account ends the person's access at once; reactivating and re-sending invitations."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail

from directory.models import Role
from tests.conftest import client_for, make_user, sign_in

pytestmark = pytest.mark.django_db


def url(account, action: str) -> str:
    return f"/manage/users/{account.pk}/{action}/"


def sessions_of(account) -> list[Session]:
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(account.pk)]


def test_deactivation_signs_the_person_out_and_keeps_them_out(client, network_admin, partner):
    partners_browser = client_for(partner)
    other_device = client_for(partner)
    assert partners_browser.get("/").status_code == 200
    assert len(sessions_of(partner)) == 2

    response = client_for(network_admin).post(url(partner, "deactivate"))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.is_active is False
    assert sessions_of(partner) == []
    assert sessions_of(network_admin) != []

    for browser in (partners_browser, other_device):
        response = browser.get("/manage/organizations/the-hispanic-liaison/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    sign_in(client, "pablo@example.org")
    assert "_auth_user_id" not in client.session


def test_admins_cannot_deactivate_themselves(network_admin):
    client = client_for(network_admin)
    response = client.post(url(network_admin, "deactivate"), follow=True)
    assert "You cannot deactivate your own account." in response.content.decode()
    network_admin.refresh_from_db()
    assert network_admin.is_active is True
    assert client.get("/manage/users/").status_code == 200


def test_deactivating_needs_a_post(network_admin, partner):
    assert client_for(network_admin).get(url(partner, "deactivate")).status_code == 405
    partner.refresh_from_db()
    assert partner.is_active is True


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_only_admins_can_deactivate(request, persona, partner2):
    assert client_for(request.getfixturevalue(persona)).post(url(partner2, "deactivate")).status_code == 404
    partner2.refresh_from_db()
    assert partner2.is_active is True


def test_reactivation_lets_the_person_sign_in_again(client, network_admin, partner):
    admin = client_for(network_admin)
    admin.post(url(partner, "deactivate"))
    assert admin.post(url(partner, "reactivate")).status_code == 302
    sign_in(client, "pablo@example.org")
    assert client.session["_auth_user_id"] == str(partner.pk)


def test_reactivating_needs_a_post_from_an_admin(network_admin, partner2, partner):
    partner2.is_active = False
    partner2.save(update_fields=["is_active"])
    assert client_for(network_admin).get(url(partner2, "reactivate")).status_code == 405
    assert client_for(partner).post(url(partner2, "reactivate")).status_code == 404
    partner2.refresh_from_db()
    assert partner2.is_active is False


def test_an_invitation_can_be_sent_again(network_admin, partner_org):
    invited = make_user("rosa@example.org", partner_org, Role.PARTNER)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    client = client_for(network_admin, reauthenticated=True)
    assert "Send the invitation again" in client.get(url(invited, "edit")).content.decode()
    response = client.post(url(invited, "invitation"))
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]


def test_no_invitation_is_sent_to_someone_who_already_has_a_password(network_admin, partner):
    response = client_for(network_admin).post(url(partner, "invitation"), follow=True)
    assert (
        "Only active accounts without a password yet can be sent an invitation." in response.content.decode()
    )
    assert mail.outbox == []


def test_only_admins_send_invitations(partner, partner2):
    assert client_for(partner).post(url(partner2, "invitation")).status_code == 404
    assert mail.outbox == []
