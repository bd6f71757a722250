"""The case list's pages: "Older" and "Newer" read the cases after or before the ones shown (core/pagination.py),
so a deep page costs what the first does. Every case appears once, in order, whatever the filters; the count stops
at a limit; a cursor made up by hand shows nothing the person may not see."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import pagination
from referrals import services
from referrals.models import Referral, Routing
from tests.conftest import client_for
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db


def references(page: str) -> list[str]:
    return re.findall(r'class="fw-semibold" href="/referrals/(R-[0-9A-Z]+)/"', page)


def link(page: str, label: str, path: str = "/referrals/") -> str | None:
    found = re.search(rf'<a class="page-link" href="([^"]+)"[^>]*>{label}</a>', page)
    return path + found.group(1).replace("&amp;", "&") if found else None


def test_older_and_newer_walk_every_case_once_in_order(volunteer, durham, spanish):
    # Cases logged in the same instant (a busy night) are told apart by their id.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for number in range(60):
            log_case(volunteer, durham, spanish)
            if number % 3 == 0:
                clock.shift(1)
    expected = list(Referral.objects.order_by("-created_at", "-pk").values_list("reference", flat=True))
    client = client_for(volunteer)
    pages, url = [], "/referrals/"
    while url and len(pages) < 5:  # three pages expected: a list that never ends fails below
        page = client.get(url).content.decode()
        assert "60 cases" in page
        pages.append(references(page))
        url = link(page, "Older")
    assert [len(rows) for rows in pages] == [25, 25, 10]
    assert [reference for rows in pages for reference in rows] == expected

    # And back from the last page with "Newer": the same pages, newest last.
    last = client.get(link(client.get("/referrals/").content.decode(), "Older")).content.decode()
    last = client.get(link(last, "Older")).content.decode()
    back = client.get(link(last, "Newer")).content.decode()
    assert references(back) == pages[1]
    first = client.get(link(back, "Newer")).content.decode()
    assert references(first) == pages[0] and link(first, "Newer") is None and link(first, "Older")


def test_the_count_stops_at_the_limit(monkeypatch, volunteer, durham, spanish):
    for _ in range(4):
        log_case(volunteer, durham, spanish)
    client = client_for(volunteer)
    assert "4 cases" in client.get("/referrals/").content.decode()
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    page = client.get("/referrals/").content.decode()
    assert "More than 3 cases" in page and "4 cases" not in page


@pytest.mark.parametrize("cursor", ["nonsense!", "WyJ4Il0", "WzEsMiwzXQ", "WyJub3QgYSBkYXRlIiwxXQ"])
def test_a_cursor_that_cannot_be_read_is_a_page_that_does_not_exist(volunteer, cursor):
    assert client_for(volunteer).get(f"/referrals/?after={cursor}").status_code == 404


def test_a_cursor_from_another_hubs_list_shows_only_ones_own_cases(volunteer, outsider, durham, spanish):
    ours = [log_case(volunteer, durham, spanish).reference for _ in range(3)]
    theirs = [log_case(outsider, durham, spanish).reference for _ in range(30)]
    # The outsider's own "Older" link, used by our volunteer.
    their_page = client_for(outsider).get("/referrals/").content.decode()
    cursor_url = link(their_page, "Older")
    assert cursor_url
    page = client_for(volunteer).get(cursor_url).content.decode()
    shown = references(page)
    assert not set(shown) & set(theirs)
    assert set(shown) <= set(ours)


def test_sent_to_lists_each_case_once_and_reads_no_distinct(
    coordinator, volunteer, partner, durham, spanish, legal_a, food_a
):
    """A case whose two needs went to the same organization is one row, found with EXISTS (no DISTINCT, which
    would sort the hub's whole history before the first page)."""
    case = log_case(volunteer, durham, spanish, ("legal", "basic-needs"))
    for need in case.needs.all():
        service = legal_a if need.category.code == "legal" else food_a
        services.routing_create(user=volunteer, need=need, service=service)
    log_case(volunteer, durham, spanish)  # sent nowhere
    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/referrals/?organization={legal_a.organization_id}").content.decode()
    assert references(page) == [case.reference]
    assert "1 case" in page
    assert not any("DISTINCT" in query["sql"].upper() for query in queries.captured_queries)
    # Filtering by a need works the same way.
    page = client.get(f"/referrals/?category={food_a.category_id}").content.decode()
    assert references(page) == [case.reference]


def test_the_filter_choices_are_the_directorys_not_read_from_the_cases(coordinator, partner_org, legal_a):
    """The "Sent to" and county choices list the directory's partner organizations and counties, so drawing the
    form never reads the hub's cases (there are none here)."""
    form = client_for(coordinator).get("/referrals/").context["filter"].form
    assert partner_org in form.fields["organization"].queryset
    assert form.fields["county"].queryset.count() == 100


def test_the_queue_pages_keep_its_order_waiting_then_accepted_each_routing_once(
    volunteer, partner, durham, spanish, legal_a
):
    routings = []
    for _ in range(30):
        case = log_case(volunteer, durham, spanish)
        routings.append(services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a))
    for routing in routings[:10]:
        services.routing_accept(user=partner, routing=routing)
    client = client_for(partner)
    first = client.get("/referrals/queue/")
    second = client.get(link(first.content.decode(), "Next", "/referrals/queue/"))
    shown = [r.pk for page in (first, second) for r in page.context["page"].object_list]
    assert len(shown) == len(set(shown)) == 30
    statuses = [Routing.objects.get(pk=pk).status for pk in shown]
    assert statuses == ["pending"] * 20 + ["accepted"] * 10
    assert link(second.content.decode(), "Next", "/referrals/queue/") is None
    assert [
        r.pk
        for r in client.get(link(second.content.decode(), "Previous", "/referrals/queue/"))
        .context["page"]
        .object_list
    ] == shown[:25]


def test_the_escalations_badge_stops_counting_past_its_limit(
    monkeypatch, coordinator, volunteer, partner, durham, spanish, legal_a
):
    from accounts import context_processors

    for _ in range(3):
        case = log_case(volunteer, durham, spanish)
        routing = services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
        services.routing_decline(user=partner, routing=routing, reason="no_capacity")
    client = client_for(coordinator)
    assert (
        '<span class="badge rounded-pill text-bg-warning" aria-hidden="true">3</span>'
        in client.get("/").content.decode()
    )
    monkeypatch.setattr(context_processors, "BADGE_LIMIT", 2)
    page = client.get("/").content.decode()
    assert '<span class="badge rounded-pill text-bg-warning" aria-hidden="true">2+</span>' in page
    assert "2+ waiting" in page


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("coordinator", "/referrals/"),
        ("coordinator", "/"),
        ("coordinator", "/referrals/escalations/"),
        ("partner", "/referrals/queue/"),
        ("partner", "/"),
    ],
)
def test_the_lists_do_not_read_a_familys_contact_details(
    request, persona, url, volunteer, partner, durham, spanish, legal_a
):
    """A list row shows none of them, so none is read (or decrypted) to draw a list."""
    case = log_case(volunteer, durham, spanish)
    services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    services.follow_up_add(
        user=volunteer,
        referral=case,
        due_date=timezone.localdate(),
        assigned_to=request.getfixturevalue("coordinator"),
    )
    log_case(volunteer, durham, spanish)
    other = log_case(volunteer, durham, spanish)
    services.routing_decline(
        user=partner,
        routing=services.routing_create(user=volunteer, need=other.needs.get(), service=legal_a),
        reason="no_capacity",
    )
    client = client_for(request.getfixturevalue(persona))
    if url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert {case.reference, other.reference} & set(
            references(response.content.decode()) + re.findall(r"R-[0-9A-Z]{6}", response.content.decode())
        )
        read = " ".join(query["sql"] for query in queries.captured_queries)
        for column in ["contact_name", "contact_phone", "best_times", '"notes"']:
            assert column not in read, (url, column)
