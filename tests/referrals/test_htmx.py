"""htmx where it saves a reload: filters and pagination swap only the list, sending a need or answering a referral
swaps only the part of the case page that changed. Without JavaScript the same URLs serve whole pages and redirect."""

import re

import pytest
from django.test import Client

from referrals import services
from referrals.models import AccessLog, Routing, RoutingStatus
from tests.conftest import client_for
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def need_of(case, code: str):
    return case.needs.get(category__code=code)


# Lists: filters and pagination


def test_the_case_list_sends_htmx_only_its_rows_and_browsers_the_whole_page(volunteer, durham, spanish):
    routine = log_case(volunteer, durham, spanish, urgency="routine")
    emergency = log_case(volunteer, durham, spanish, urgency="emergency")
    client = client_for(volunteer)

    fragment = client.get("/referrals/?urgency=emergency", **HTMX)
    body = fragment.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="case-rows">')
    assert emergency.reference in body and routine.reference not in body
    assert "HX-Request" in fragment["Vary"]

    page = client.get("/referrals/?urgency=emergency").content.decode()
    assert "<html" in page and emergency.reference in page and routine.reference not in page


def test_a_back_button_restore_gets_the_whole_page(volunteer, durham, spanish):
    log_case(volunteer, durham, spanish)
    response = client_for(volunteer).get("/referrals/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert b"<html" in response.content


def test_the_filter_form_and_page_links_swap_the_rows_and_keep_the_filters(volunteer, durham, spanish):
    for _ in range(26):
        log_case(volunteer, durham, spanish, urgency="emergency")
    page = client_for(volunteer).get("/referrals/?urgency=emergency").content.decode()
    form = re.search(r"<form method=\"get\"[^>]*>", page).group(0)
    assert (
        'hx-get="/referrals/"' in form and 'hx-target="#case-rows"' in form and 'hx-push-url="true"' in form
    )
    older = re.search(r'<a class="page-link" href="([^"]+)" hx-get="([^"]+)"[^>]*>Older', page)
    assert older.group(1) == older.group(2) and older.group(1).startswith("?urgency=emergency&amp;after=")

    second = (
        client_for(volunteer)
        .get("/referrals/" + older.group(1).replace("&amp;", "&"), **HTMX)
        .content.decode()
    )
    assert second.count('class="list-group-item"') == 1 and "26 cases" in second and ">Newer<" in second


@pytest.mark.parametrize(
    ("persona", "url", "rows_id"),
    [
        ("partner", "/referrals/queue/", "queue-rows"),
        ("coordinator", "/referrals/escalations/", "escalation-rows"),
    ],
)
def test_the_queue_and_escalations_send_htmx_only_their_rows(
    request, persona, url, rows_id, volunteer, partner, durham, spanish, legal_a
):
    case = log_case(volunteer, durham, spanish)
    routing = services.routing_create(user=volunteer, need=need_of(case, "legal"), service=legal_a)
    services.routing_decline(user=partner, routing=routing, reason="no_capacity")
    client = client_for(request.getfixturevalue(persona))
    fragment = client.get(url, **HTMX).content.decode()
    assert "<html" not in fragment and f'<div id="{rows_id}">' in fragment and case.reference in fragment
    assert b"<html" in client.get(url).content


# Sending a need from the case page


def test_sending_a_need_with_htmx_returns_only_its_card_with_the_message(case, volunteer, legal_a):
    legal = need_of(case, "legal")
    response = client_for(volunteer).post(
        f"/referrals/{case.reference}/needs/{legal.pk}/route/", {"service": legal_a.pk}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<div class="card mb-2" id="need-{legal.pk}"')
    assert "sent to The Hispanic Liaison." in body and "Waiting for an answer" in body
    # Only this need's card: not the other need, not the contact details.
    assert f'id="need-{need_of(case, "basic-needs").pk}"' not in body and "Rosa" not in body
    assert Routing.objects.get(need=legal).status == RoutingStatus.PENDING
    # The message was shown in the card: it does not pop up again on the next page.
    assert (
        "sent to The Hispanic Liaison."
        not in client_for(volunteer).get(case.get_absolute_url()).content.decode()
    )


def test_sending_a_need_without_javascript_returns_to_that_need(case, volunteer, legal_a):
    legal = need_of(case, "legal")
    client = client_for(volunteer)
    response = client.post(f"/referrals/{case.reference}/needs/{legal.pk}/route/", {"service": legal_a.pk})
    assert (
        response.status_code == 302
        and response["Location"] == f"/referrals/{case.reference}/#need-{legal.pk}"
    )
    assert "sent to The Hispanic Liaison." in client.get(response["Location"]).content.decode()


def test_a_refused_htmx_post_reloads_the_case_page_with_the_reason(case, volunteer, legal_a, legal_b):
    legal = need_of(case, "legal")
    services.routing_create(user=volunteer, need=legal, service=legal_a)
    client = client_for(volunteer)
    # Another tab already sent it: the fragment cannot show that, so the whole page reloads and says so.
    response = client.post(
        f"/referrals/{case.reference}/needs/{legal.pk}/route/", {"service": legal_b.pk}, **HTMX
    )
    assert response["HX-Redirect"] == f"/referrals/{case.reference}/"
    assert "changed while you were looking" in client.get(case.get_absolute_url()).content.decode()


# Answering a referral


@pytest.fixture
def pending(case, volunteer, legal_a) -> Routing:
    return services.routing_create(user=volunteer, need=need_of(case, "legal"), service=legal_a)


def test_accepting_with_htmx_returns_the_answer_section_and_the_contact_details(case, pending, partner):
    client = client_for(partner)
    response = client.post(f"/referrals/{case.reference}/routings/{pending.pk}/accept/", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="answer-section-{pending.pk}"' in body and "Accepted. The hub has been told." in body
    assert "Mark as completed" in body
    # Out of band: the contact card (consent covers legal help) and the need's new status.
    contact = re.search(r'<section[^>]*id="contact"[^>]*>', body).group(0)
    assert 'hx-swap-oob="true"' in contact and "Rosa M." in body
    assert re.search(rf'id="need-{pending.need_id}" hx-swap-oob="true"', body) and "Accepted" in body
    # Showing the contact details is logged like the page would be.
    assert AccessLog.objects.filter(user=partner, action="view_contact", reference=case.reference).exists()
    assert Routing.objects.get(pk=pending.pk).status == RoutingStatus.ACCEPTED


def test_answering_without_javascript_still_redirects(case, pending, partner, volunteer, food_a):
    client = client_for(partner)
    response = client.post(f"/referrals/{case.reference}/routings/{pending.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == f"/referrals/{case.reference}/"
    other = services.routing_create(user=volunteer, need=need_of(case, "basic-needs"), service=food_a)
    response = client.post(f"/referrals/{case.reference}/routings/{other.pk}/decline/", {"reason": "other"})
    assert response.status_code == 302 and response["Location"] == "/referrals/queue/"


def test_htmx_posts_carry_the_csrf_token_from_the_page(case, pending, partner):
    """htmx sends the token from <body hx-headers>; a post without it is refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner)
    page = client.get(case.get_absolute_url()).content.decode()
    token = re.search(r"<body[^>]*hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page).group(1)
    url = f"/referrals/{case.reference}/routings/{pending.pk}/accept/"
    assert client.post(url, **HTMX).status_code == 403
    assert client.post(url, HTTP_X_CSRFTOKEN=token, **HTMX).status_code == 200
