"""The report pages and their CSV exports: one report per role, as referrals.policy decides.

Another role's report is a 404 (see the policy's docstring, note 3). Pages are never cached; exports ask for the
password again, are written to the access log, and hold no count below 5."""

from allauth.account.decorators import reauthentication_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.csv_export import csv_response
from directory.types import AuthenticatedRequest
from referrals import audit, policy
from referrals.models import AccessAction, Referral, Routing
from reports import charts, selectors, tables
from reports.forms import ReportFilterForm
from reports.tables import HOURS


@never_cache
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The top bar's "Reports": the person's own report."""
    user = request.user
    if policy.may_see_hub_report(user):
        return redirect("reports:hub")
    if policy.may_see_network_report(user):
        return redirect("reports:network")
    if policy.may_see_partner_report(user):
        return redirect("reports:partner")
    raise Http404


def _case_figures(request: AuthenticatedRequest, *, network: bool):
    user = request.user
    allowed = policy.may_see_network_report(user) if network else policy.may_see_hub_report(user)
    if not allowed:
        raise Http404
    scope = policy.network_report_scope if network else policy.hub_report_scope
    form = ReportFilterForm(request.GET)
    filters = form.filters()
    return form, selectors.case_figures(scope(user, Referral.objects.all()), filters)


def _case_page(request: AuthenticatedRequest, *, network: bool) -> HttpResponse:
    form, figures = _case_figures(request, network=network)
    report_tables = tables.case_tables(figures)
    category_rows = [(category, counts) for category, counts in figures.needs_by_category]
    timed = [row for row in figures.organizations if row.answer_time]
    context = {
        "network": network,
        "title": _("Network report") if network else _("Hub report"),
        "form": form,
        "filters": figures.filters,
        "figures": figures,
        "tables": report_tables,
        "share_helped": tables.share(figures.needs.helped, figures.needs.decided),
        "week_chart": charts.week_chart(figures.weeks),
        "category_bars": charts.bar_rows(
            [(category, counts.total, str(counts.total)) for category, counts in category_rows]
        ),
        "answer_bars": charts.bar_rows(
            [
                (
                    row.organization,
                    row.answer_time.median.total_seconds(),
                    tables.display(HOURS, row.answer_time.median),
                )
                for row in timed
                if row.answer_time
            ],
            markers=[row.answer_time.p90.total_seconds() for row in timed if row.answer_time],
        ),
        "county_map": charts.county_map(figures.counties, selected=figures.filters.county),
        "export_url": _with_query(
            request, reverse("reports:network_export" if network else "reports:hub_export")
        ),
        "cases_export_url": None if network else reverse("referrals:export"),
    }
    if not network:
        # One query: each incident of the period with its families, needs and median time to a first answer.
        cases = policy.hub_report_scope(request.user, Referral.objects.all())
        context["incidents"] = [
            (row, tables.display(HOURS, row.first_answer))
            for row in selectors.incident_figures(cases, figures.filters)
        ]
    return render(request, "reports/report.html", context)


def _with_query(request: AuthenticatedRequest, url: str) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


@never_cache
def hub_report(request: AuthenticatedRequest) -> HttpResponse:
    """A coordinator's report of their hub's cases."""
    return _case_page(request, network=False)


@never_cache
def network_report(request: AuthenticatedRequest) -> HttpResponse:
    """Administrators' report of every hub's cases: figures only, no case."""
    return _case_page(request, network=True)


def _export(request: AuthenticatedRequest, report_tables: dict, name: str, filters) -> StreamingHttpResponse:
    audit.log_access(user=request.user, action=AccessAction.EXPORT)
    filename = f"{name}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    return csv_response(tables.csv_rows(report_tables), filename)


@never_cache
@reauthentication_required
def hub_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    _, figures = _case_figures(request, network=False)
    return _export(request, tables.case_tables(figures), "hub-report", figures.filters)


@never_cache
@reauthentication_required
def network_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    _, figures = _case_figures(request, network=True)
    return _export(request, tables.case_tables(figures), "network-report", figures.filters)


def _partner_figures(request: AuthenticatedRequest):
    user = request.user
    if not policy.may_see_partner_report(user):
        raise Http404
    form = ReportFilterForm(request.GET, with_organization=False)
    filters = form.filters()
    routings = policy.partner_report_scope(user, Routing.objects.all())
    return form, selectors.partner_figures(routings, user.organization_id, filters)


@never_cache
def partner_report(request: AuthenticatedRequest) -> HttpResponse:
    """Partner staff's report of the referrals to their own organization, and of nobody else's."""
    form, figures = _partner_figures(request)
    organization = request.user.organization
    assert organization is not None  # partner staff always belong to one (policy.is_partner_staff)
    report_tables = tables.partner_tables(figures)
    category_rows = report_tables["by_category"].rows
    context = {
        "title": _("Report: %(organization)s") % {"organization": organization.name},
        "form": form,
        "filters": figures.filters,
        "figures": figures,
        "tables": report_tables,
        "week_chart": charts.week_chart(figures.weeks),
        "answer_median": tables.display(HOURS, figures.answer_time.median if figures.answer_time else None),
        "category_bars": charts.bar_rows(
            [(row.label, row.values["received"], str(row.values["received"])) for row in category_rows]
        ),
        "export_url": _with_query(request, reverse("reports:partner_export")),
    }
    return render(request, "reports/partner_report.html", context)


@never_cache
@reauthentication_required
def partner_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    _, figures = _partner_figures(request)
    return _export(request, tables.partner_tables(figures), "partner-report", figures.filters)
