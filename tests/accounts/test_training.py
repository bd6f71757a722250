"""Recording training (administrators: anyone's; coordinators: their own hub's people) and the team list, where
each person's training shows: current until …, expires in N days, expired, none."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Role, Training, a_year_after
from tests.conftest import client_for, make_user, train

pytestmark = pytest.mark.django_db

LIST = "/manage/users/"


def url(account) -> str:
    return f"/manage/users/{account.pk}/training/"


def moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def other_coordinator(other_hub):
    return make_user("cora@example.org", other_hub, Role.COORDINATOR, display_name="Cora")


COURSE = {"course": "Rapid response intake", "completed_on": "2026-01-10", "expires_on": ""}


def test_the_form_is_filled_in_with_today_and_a_year_later(coordinator, untrained_volunteer):
    with time_machine.travel(moment(datetime.date(2030, 5, 6)), tick=False):
        page = client_for(coordinator).get(url(untrained_volunteer)).content.decode()
    assert 'value="2030-05-06"' in page and 'value="2031-05-06"' in page
    assert "No training recorded" in page


def test_changing_the_course_date_fills_the_expiry_in_again(coordinator, untrained_volunteer):
    """What the course date's hx-get asks: the page for that date, whose expiry field htmx swaps in."""
    client = client_for(coordinator)
    page = client.get(url(untrained_volunteer), {"completed_on": "2026-02-03"}).content.decode()
    assert 'value="2027-02-03"' in page
    assert f'hx-get="{url(untrained_volunteer)}"' in page
    assert client.get(url(untrained_volunteer), {"completed_on": "nonsense"}).status_code == 200


def test_a_coordinator_records_their_volunteers_training(coordinator, untrained_volunteer):
    response = client_for(coordinator).post(url(untrained_volunteer), COURSE)
    assert response.status_code == 302 and response["Location"] == LIST
    training = untrained_volunteer.trainings.get()
    assert (training.course, training.completed_on, training.expires_on, training.recorded_by) == (
        "Rapid response intake",
        datetime.date(2026, 1, 10),
        datetime.date(2027, 1, 10),  # left empty: a year later
        coordinator,
    )


def test_an_expiry_given_is_kept(coordinator, untrained_volunteer):
    client_for(coordinator).post(url(untrained_volunteer), {**COURSE, "expires_on": "2026-07-10"})
    assert untrained_volunteer.trainings.get().expires_on == datetime.date(2026, 7, 10)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"completed_on": "2999-01-01"}, "completed_on", "The course date cannot be in the future."),
        (
            {"expires_on": "2026-01-10"},
            "expires_on",
            "The training must expire after the date of the course.",
        ),
        ({"course": ""}, "course", "This field is required."),
    ],
)
def test_it_refuses_what_makes_no_sense(coordinator, untrained_volunteer, change, field, message):
    response = client_for(coordinator).post(url(untrained_volunteer), {**COURSE, **change})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not Training.objects.exists()


def test_february_29_expires_on_february_28(coordinator, untrained_volunteer):
    assert a_year_after(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)


def test_an_administrator_records_anyones_after_confirming_their_password(network_admin, untrained_volunteer):
    assert (
        client_for(network_admin)
        .get(url(untrained_volunteer))["Location"]
        .startswith("/accounts/reauthenticate/")
    )
    client = client_for(network_admin, reauthenticated=True)
    assert client.post(url(untrained_volunteer), COURSE).status_code == 302
    assert untrained_volunteer.trainings.get().recorded_by == network_admin


def test_another_hubs_coordinator_gets_404_and_records_nothing(other_coordinator, untrained_volunteer):
    client = client_for(other_coordinator)
    assert client.get(url(untrained_volunteer)).status_code == 404
    assert client.post(url(untrained_volunteer), COURSE).status_code == 404
    assert not Training.objects.exists()


@pytest.mark.parametrize("persona", ["volunteer", "partner", "outsider"])
def test_volunteers_and_partners_record_no_training(request, persona, untrained_volunteer):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(untrained_volunteer)).status_code == 404
    assert client.post(url(untrained_volunteer), COURSE).status_code == 404
    assert not untrained_volunteer.trainings.exists()


def test_partner_staff_and_administrators_have_no_training_to_record(network_admin, partner):
    client = client_for(network_admin, reauthenticated=True)
    assert client.get(url(partner)).status_code == 404
    assert client.get(url(network_admin)).status_code == 404


def test_it_only_answers_get_and_post(coordinator, untrained_volunteer):
    assert client_for(coordinator).delete(url(untrained_volunteer)).status_code == 405


# The team list.


def team(response) -> list[str]:
    return [account.email for account in response.context["page"].object_list]


def test_a_coordinator_sees_their_hubs_volunteers_and_coordinators_only(
    coordinator, volunteer, untrained_volunteer, partner, outsider, other_coordinator, network_admin
):
    response = client_for(coordinator).get(LIST)
    assert response.status_code == 200
    assert team(response) == ["carmen@example.org", "uma@example.org", "vera@example.org"]
    page = response.content.decode()
    assert "Your team" in page and "Coverage reviews" not in page  # no directory tabs
    assert "/edit/" not in page  # no account management
    assert url(untrained_volunteer) in page


@pytest.mark.parametrize("persona", ["volunteer", "partner", "outsider"])
def test_the_team_list_is_for_coordinators_and_administrators(request, persona):
    assert client_for(request.getfixturevalue(persona)).get(LIST).status_code == 403


def test_my_work_links_coordinators_to_their_team(coordinator, volunteer):
    assert 'href="/manage/users/"' in client_for(coordinator).get("/").content.decode()
    assert 'href="/manage/users/"' not in client_for(volunteer).get("/").content.decode()


def test_each_persons_training_shows_and_is_flagged_a_month_ahead(coordinator, hub):
    for email, completed_on in [
        ("current@example.org", datetime.date(2030, 6, 1)),  # until June 1, 2031
        ("soon@example.org", datetime.date(2030, 3, 1)),  # until March 1, 2031
        ("past@example.org", datetime.date(2029, 3, 1)),  # expired on March 1, 2030
    ]:
        train(make_user(email, hub, Role.VOLUNTEER), completed_on=completed_on)
    make_user("none@example.org", hub, Role.VOLUNTEER)

    def rows(day: datetime.date) -> dict[str, str]:
        with time_machine.travel(moment(day), tick=False):
            response = client_for(coordinator).get(LIST)
        page = response.content.decode()
        found = {}
        for account in team(response):
            row = page[page.index(account) : page.index("</tr>", page.index(account))]
            # The training column comes right after the name and email.
            found[account.split("@")[0]] = " ".join(row.split("<td>")[1].split())
        return found

    before = rows(datetime.date(2031, 1, 29))  # 31 days before March 1
    assert "Current" in before["soon"] and "until March 1, 2031" in before["soon"]
    assert "Expired" in before["past"] and "on March 1, 2030" in before["past"]
    assert "No training" in before["none"]
    assert "Current" in before["current"] and "until June 1, 2031" in before["current"]

    on_time = rows(datetime.date(2031, 1, 30))  # 30 days before
    assert "Expires in 30 days" in on_time["soon"] and "on March 1, 2031" in on_time["soon"]
    assert "Current" in on_time["current"]
    assert "Expired" in rows(datetime.date(2031, 3, 1))["soon"]


def test_the_administrators_list_shows_training_for_hub_roles(network_admin, volunteer, partner):
    page = client_for(network_admin).get(LIST).content.decode()
    assert "Training" in page
    assert url(volunteer) in page and url(partner) not in page


def test_the_team_list_takes_the_same_number_of_queries_for_1_or_30_people(
    coordinator, hub, django_assert_num_queries
):
    client = client_for(coordinator)
    client.get(LIST)  # A session's first request does one-off work; count from the second.
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 1

    for number in range(29):
        person = make_user(f"person{number}@example.org", hub, Role.VOLUNTEER, mfa=False)
        train(person)
        train(person, completed_on=timezone.localdate() - datetime.timedelta(days=400))
    # The page's own queries: the count of rows; the page of people (with their organization and their latest
    # training expiry, in the same query); nav org, escalations badge.
    with django_assert_num_queries(len(one_row)):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 30
