"""Notifications: each person chooses for their own account how they hear of case events (every event, or a digest
every N minutes), and the page says that emergencies always come at once."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from directory.models import User
from tests.conftest import TOTP_SECRET, client_for

pytestmark = pytest.mark.django_db

URL = "/accounts/notifications/"


def chosen(body: str) -> list[str]:
    """The values of the radio buttons shown chosen."""
    return re.findall(r'name="notice_digest_minutes" value="([^"]*)"\s+id="[^"]+" checked', body)


def digest_of(user: User) -> int | None:
    user.refresh_from_db()
    return user.notice_digest_minutes


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "partner", "network_admin"])
def test_everyone_with_an_organization_sees_the_choice_and_that_emergencies_come_at_once(request, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Emergencies always come at once." in body
    assert "An email for every event, as it happens" in body
    assert "A digest every 30 minutes" in body
    # Every event is the default, and is shown chosen.
    assert chosen(body) == [""]
    # The top bar links to it, next to Account.
    assert f'href="{URL}">Notifications</a>' in client_for(user).get("/").content.decode()


def test_a_person_chooses_a_digest_for_themselves_only(partner, volunteer):
    client = client_for(partner)
    response = client.post(URL, {"notice_digest_minutes": "30"})
    assert response.status_code == 302 and response["Location"] == URL
    assert digest_of(partner) == 30
    assert digest_of(volunteer) is None
    page = client.get(URL).content.decode()
    assert "Saved. Emergencies still come at once." in page
    assert chosen(page) == ["30"]

    # Back to every event.
    client_for(partner).post(URL, {"notice_digest_minutes": ""})
    assert digest_of(partner) is None


def test_someone_elses_account_cannot_be_named(partner, volunteer):
    """The page has no account id: a posted id or address is ignored, and only the signed-in person changes."""
    client_for(partner).post(
        URL, {"notice_digest_minutes": "60", "pk": volunteer.pk, "id": volunteer.pk, "email": volunteer.email}
    )
    assert digest_of(partner) == 60
    assert digest_of(volunteer) is None
    partner.refresh_from_db()
    assert partner.email == "pablo@example.org"


@pytest.mark.parametrize("value", ["7", "0", "-15", "abc", "99999999999999999999", "15.0"])
def test_an_interval_not_offered_is_refused_with_a_clear_message_and_changes_nothing(partner, value):
    User.objects.filter(pk=partner.pk).update(notice_digest_minutes=120)
    response = client_for(partner).post(URL, {"notice_digest_minutes": value})
    assert response.status_code == 200
    assert (
        "Choose one of the options listed: every event, or a digest every 15, 30, 60 or 120 minutes."
        in response.content.decode()
    )
    assert digest_of(partner) == 120


def test_the_page_is_in_spanish_for_a_spanish_reader(partner):
    client = client_for(partner)
    client.post("/language/", {"language": "es", "next": URL})
    body = client.get(URL).content.decode()
    assert 'lang="es"' in body
    assert "Guardar" in body


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(partner):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/notifications/")
    response = Client().post(URL, {"notice_digest_minutes": "30"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert digest_of(partner) is None


def test_an_account_without_an_organization_has_no_use_for_it(db):
    superuser = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    TOTP.activate(superuser, TOTP_SECRET)
    response = client_for(superuser).get(URL)
    assert response.status_code == 403
    assert client_for(superuser).post(URL, {"notice_digest_minutes": "30"}).status_code == 403
    assert digest_of(superuser) is None
