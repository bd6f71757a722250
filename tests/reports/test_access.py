"""Who opens which report. Each role has its own; another role's report is a 404 (referrals.policy, note 3)."""

import pytest

from tests.conftest import client_for

PAGES = {
    "/reports/hub/": "coordinator",
    "/reports/network/": "network_admin",
    "/reports/partner/": "partner",
}
EXPORTS = {
    "/reports/hub.csv": "coordinator",
    "/reports/network.csv": "network_admin",
    "/reports/partner.csv": "partner",
}
PERSONAS = ["volunteer", "coordinator", "partner", "network_admin", "outsider"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_report_opens_for_its_role_only_and_is_a_404_for_the_others(request, url, persona):
    response = client_for(request.getfixturevalue(persona)).get(url)
    assert response.status_code == (200 if PAGES[url] == persona else 404)


@pytest.mark.parametrize("url", EXPORTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_export_is_its_reports_role_only_even_after_the_password(request, url, persona):
    response = client_for(request.getfixturevalue(persona), reauthenticated=True).get(url)
    assert response.status_code == (200 if EXPORTS[url] == persona else 404)


@pytest.mark.parametrize("url", [*PAGES, *EXPORTS, "/reports/"])
def test_anonymous_visitors_are_asked_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "goes_to"),
    [
        ("coordinator", "/reports/hub/"),
        ("network_admin", "/reports/network/"),
        ("partner", "/reports/partner/"),
    ],
)
def test_reports_in_the_top_bar_leads_to_the_persons_own_report(request, persona, goes_to):
    client = client_for(request.getfixturevalue(persona))
    labels = [str(item.label) for item in client.get("/").context["nav_items"]]
    assert "Reports" in labels
    response = client.get("/reports/")
    assert response.status_code == 302 and response["Location"] == goes_to


def test_volunteers_have_no_reports_link_and_no_report(volunteer):
    client = client_for(volunteer)
    assert "Reports" not in [str(item.label) for item in client.get("/").context["nav_items"]]
    assert client.get("/reports/").status_code == 404


def test_report_pages_are_not_kept_by_the_browser(coordinator):
    response = client_for(coordinator).get("/reports/hub/")
    assert "no-store" in response["Cache-Control"]
