"""The reports' CSV exports and the coordinator's case export: the password again, the access log, streamed, no
contact field, small counts hidden, formulas escaped."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from core.csv_export import escape_formula
from referrals.models import AccessLog
from tests.conftest import PASSWORD, client_for
from tests.reports.conftest import CONTACT_NAME, CONTACT_PHONE, NOTE, PERIOD

EXPORTS = [
    ("coordinator", "/reports/hub.csv"),
    ("network_admin", "/reports/network.csv"),
    ("partner", "/reports/partner.csv"),
]


def cells(response) -> dict:
    """(table, row, column) -> value, from a report's CSV."""
    assert isinstance(response, StreamingHttpResponse)
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    return {(row["table"], row["row"], row["column"]): row["value"] for row in rows}


@pytest.mark.parametrize(("persona", "url"), EXPORTS)
def test_an_export_asks_for_the_password_again_then_is_written_to_the_access_log(
    request, march, persona, url
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    response = client.get(f"{url}?{PERIOD}")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert not AccessLog.objects.filter(user=user, action="export").exists()
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.get(f"{url}?{PERIOD}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('-2025-03-03-2025-03-30.csv"')
    assert AccessLog.objects.filter(user=user, action="export", reference="").count() == 1


@pytest.mark.parametrize(("persona", "url"), EXPORTS)
def test_no_export_holds_a_name_a_phone_a_note_or_a_case_reference(request, march, persona, url):
    body = (
        client_for(request.getfixturevalue(persona), reauthenticated=True).get(f"{url}?{PERIOD}").getvalue()
    )
    text = body.decode()
    for secret in [CONTACT_NAME, "Rosa", CONTACT_PHONE, "9195550143", NOTE, "Two kids"]:
        assert secret not in text
    for case in march.cases:
        assert case.reference not in text


def test_the_hub_export_hides_small_counts_and_what_would_give_them_away(march, coordinator):
    figures = cells(client_for(coordinator, reauthenticated=True).get(f"/reports/hub.csv?{PERIOD}"))
    assert figures[("families", "Opened (logged in the period)", "Count")] == "6"
    assert figures[("families", "Closed (in the period)", "Count")] == "<5"
    # Weeks 2, 2, 0, 2: each hidden, the empty week and the total shown.
    weeks = [figures[("families_per_week", f"2025-03-{day}", "Opened")] for day in ["03", "10", "17", "24"]]
    assert weeks == ["<5", "<5", "0", "<5"] and figures[("families_per_week", "Total", "Opened")] == "6"
    # Needs: 7 in all, 5 open; 1 helped and 1 not: hidden, and the share helped computed from them left out.
    assert figures[("needs_by_category", "Total", "Needs")] == "7"
    assert figures[("needs_by_category", "Total", "Open")] == "5"
    assert figures[("needs_by_category", "Total", "Helped")] == "<5"
    assert figures[("needs_by_category", "Total", "Share helped")] == ""
    # Four answers: too few for a median.
    assert figures[("organizations", "All organizations", "Answers")] == "<5"
    assert figures[("organizations", "All organizations", "Median time to answer")] == ""


def test_a_report_export_is_the_same_figures_as_the_page_with_the_same_filters(march, coordinator):
    client = client_for(coordinator, reauthenticated=True)
    figures = cells(client.get(f"/reports/hub.csv?{PERIOD}&county={march.c.county.pk}"))
    assert figures[("families", "Opened (logged in the period)", "Count")] == "<5"
    assert ("needs_by_county", "Wake", "Needs") in figures
    assert ("needs_by_county", "Durham", "Needs") not in figures


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_escaped():
    for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]:
        assert escape_formula(text) == "'" + text
    for value in ["Durham", "<5", "", 12, -3, 2.5]:
        assert escape_formula(value) == value


def test_an_organization_named_like_a_formula_reaches_both_exports_escaped(march, coordinator):
    march.liaison.name = '=HYPERLINK("http://example.com","Liaison")'
    march.liaison.save(update_fields=["name"])
    client = client_for(coordinator, reauthenticated=True)
    report = client.get(f"/reports/hub.csv?{PERIOD}").getvalue().decode()
    cases = client.get("/referrals/export.csv").getvalue().decode()
    rows = list(csv.reader(io.StringIO(report)))
    assert ["organizations", "'" + march.liaison.name, "Answers", "<5"] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert not any(cell.startswith("=") for row in csv.reader(io.StringIO(cases)) for cell in row)
    assert "'=HYPERLINK" in cases


def test_the_case_export_is_streamed_without_contact_fields(march, coordinator):
    response = client_for(coordinator, reauthenticated=True).get("/referrals/export.csv")
    assert isinstance(response, StreamingHttpResponse)
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert {row["reference"] for row in rows} == {case.reference for case in march.cases[:7]}
    assert set(rows[0]) == {
        "reference",
        "county",
        "language",
        "urgency",
        "status",
        "outcome",
        "logged",
        "closed",
        "need",
        "need_status",
        "organizations",
    }
    body = "\n".join(",".join(row.values()) for row in rows)
    for secret in ["Rosa", "9195550143", "Two kids"]:
        assert secret not in body
