"""Only volunteers with current training log intake: the others see why and whom to ask. Coordinators record
training and are not held to it. Expiring training is flagged on My work a month ahead, by the clock."""

import datetime
import uuid

import pytest
import time_machine
from django.utils import timezone

from directory.models import Role
from referrals.models import Referral
from tests.conftest import client_for, make_user, train
from tests.referrals.test_integrity import intake_post

pytestmark = pytest.mark.django_db

URL = "/referrals/new/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def expired_volunteer(hub):
    user = make_user("eva@example.org", hub, Role.VOLUNTEER, display_name="Eva")
    train(user, completed_on=datetime.date(2024, 3, 1))  # a year: expired on March 1, 2025
    return user


def test_a_volunteer_without_training_is_told_why_and_whom_to_ask(untrained_volunteer, coordinator):
    response = client_for(untrained_volunteer).get(URL)
    assert response.status_code == 403
    page = response.content.decode()
    assert "No intake training is recorded for you" in page
    assert "Carmen" in page and "mailto:carmen@example.org" in page
    assert "no-cache" in response["Cache-Control"]
    assert 'name="intake_token"' not in page


def test_an_expired_volunteer_is_told_when_it_expired(expired_volunteer, coordinator):
    response = client_for(expired_volunteer).get(URL)
    assert response.status_code == 403
    assert "Your intake training expired on March 1, 2025." in response.content.decode()


@pytest.mark.parametrize("persona", ["untrained_volunteer", "expired_volunteer"])
def test_their_post_creates_nothing(request, persona, durham, spanish, legal_a):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(URL, intake_post(durham, spanish, str(uuid.uuid4())))
    assert response.status_code == 403
    assert "Nothing was saved." in response.content.decode()
    assert not Referral.objects.exists()


def test_nor_does_the_duplicate_phone_hint_answer_them(untrained_volunteer):
    response = client_for(untrained_volunteer).post(
        "/referrals/new/same-phone/", {"contact_phone": "919-555-0143"}, **HTMX
    )
    assert response.status_code == 403


def test_a_trained_volunteer_logs_a_case(volunteer, durham, spanish, legal_a):
    client = client_for(volunteer)
    assert client.get(URL).status_code == 200
    response = client.post(URL, intake_post(durham, spanish, str(uuid.uuid4())))
    assert response.status_code == 302
    assert Referral.objects.get().created_by == volunteer


def test_training_recorded_today_counts_at_once(untrained_volunteer):
    train(untrained_volunteer, completed_on=timezone.localdate())
    assert client_for(untrained_volunteer).get(URL).status_code == 200


def test_training_counts_until_the_day_before_it_expires(hub):
    user = make_user("ines@example.org", hub, Role.VOLUNTEER)
    train(user, completed_on=datetime.date(2030, 1, 10), expires_on=datetime.date(2031, 1, 10))
    with time_machine.travel(moment(datetime.date(2031, 1, 9)), tick=False):
        assert client_for(user).get(URL).status_code == 200
    with time_machine.travel(moment(datetime.date(2031, 1, 10)), tick=False):
        response = client_for(user).get(URL)
    assert response.status_code == 403
    assert "expired on January 10, 2031" in response.content.decode()


def test_coordinators_log_intake_without_training(coordinator):
    """The rule is the volunteers': coordinators record training and answer for their hub's intake."""
    assert not coordinator.trainings.exists()
    assert client_for(coordinator).get(URL).status_code == 200


def test_a_hub_without_coordinators_sends_the_volunteer_to_the_administrators(
    untrained_volunteer, network_admin
):
    page = client_for(untrained_volunteer).get(URL).content.decode()
    assert "has no coordinator in the app" in page
    assert "mailto:ana@example.org" in page


def test_in_spanish_too(untrained_volunteer, coordinator):
    untrained_volunteer.preferred_language = "es"
    untrained_volunteer.save(update_fields=["preferred_language"])
    client = client_for(untrained_volunteer)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403
    assert response.headers["Content-Language"] == "es"


# My work, for the volunteer themself: nothing while the training has more than 30 days to run.


def my_work(user, day: datetime.date) -> str:
    with time_machine.travel(moment(day), tick=False):
        response = client_for(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def trained_in_2030(hub):
    user = make_user("tina@example.org", hub, Role.VOLUNTEER)
    train(user, completed_on=datetime.date(2030, 3, 1))  # expires March 1, 2031
    return user


def test_my_work_says_nothing_while_training_has_more_than_a_month_to_run(trained_in_2030):
    assert 'id="training-flag"' not in my_work(trained_in_2030, datetime.date(2031, 1, 29))  # 31 days left


def test_my_work_flags_training_expiring_within_a_month(trained_in_2030):
    page = my_work(trained_in_2030, datetime.date(2031, 1, 30))  # 30 days left
    assert 'id="training-flag"' in page
    assert "Your intake training expires in 30 days, on March 1, 2031." in page
    assert "expires in 1 day, on March 1, 2031" in my_work(trained_in_2030, datetime.date(2031, 2, 28))


def test_my_work_says_when_training_has_expired(trained_in_2030):
    page = my_work(trained_in_2030, datetime.date(2031, 3, 1))
    assert "Your intake training expired on March 1, 2031, so you cannot log new cases." in page


def test_my_work_says_when_no_training_is_recorded(untrained_volunteer):
    assert "No intake training is recorded for you" in my_work(untrained_volunteer, timezone.localdate())


def test_my_work_flags_nothing_for_coordinators(coordinator):
    assert 'id="training-flag"' not in my_work(coordinator, timezone.localdate())
