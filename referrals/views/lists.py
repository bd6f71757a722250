"""The lists: My work, cases, the partner queue, escalations, the access log and the CSV export."""

from allauth.account.decorators import reauthentication_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.csv_export import csv_response
from core.pagination import keyset_page
from directory.access import is_team_coordinator, services_editable_by
from directory.models import User
from directory.types import AuthenticatedRequest
from referrals import audit, policy, selectors
from referrals.filters import ReferralFilter
from referrals.models import AccessAction, AccessLog, FollowUp, Need, Referral, ReferralStatus, Routing
from referrals.suggestions import suggestions_for_needs
from referrals.views.common import PAGE_SIZE, case_view, render_page


@case_view
def my_work(request: AuthenticatedRequest) -> HttpResponse:
    """The start page: what needs doing now, for this person's role."""
    user = request.user
    context: dict = {}
    today = timezone.localdate()
    if policy.has_follow_ups(user):
        visible = Referral.objects.visible_to(user)
        context["open_referrals"] = selectors.with_list_data(
            visible.filter(status=ReferralStatus.OPEN), user
        )[:PAGE_SIZE]
        due = policy.follow_ups_due_scope(
            user, FollowUp.objects.filter(done_at__isnull=True, due_date__lte=today)
        )
        context["due_follow_ups"] = (
            due.select_related("referral", "assigned_to")
            .defer(*(f"referral__{name}" for name in selectors.NOT_IN_LISTS))
            .order_by("due_date")[:PAGE_SIZE]
        )
        if policy.may_see_escalations(user):
            context["escalations"] = escalation_rows(selectors.escalations(user)[:PAGE_SIZE])
        if policy.needs_training_for_intake(user):
            # Missing, expired or expiring within a month, the volunteer's training is said at the top.
            context["training"] = user.training_status(today)
    elif policy.may_use_queue(user):
        context["queue"] = selectors.partner_queue(user)[:PAGE_SIZE]
    return render(request, "referrals/my_work.html", {**context, "today": today, **_role_sections(user)})


def _role_sections(user: User) -> dict[str, bool]:
    """Which parts of My work and the case rows this person's role has a use for, as the policy says."""
    return {
        "may_create": policy.may_create_referral(user),
        "may_search": policy.may_search_cases(user),
        "has_follow_ups": policy.has_follow_ups(user),
        "sees_hub_cases": policy.may_see_escalations(user),
        "uses_queue": policy.may_use_queue(user),
        "is_admin": policy.is_network_admin(user),
        # Their team's accounts and training (accounts/): linked from here, a coordinator's top bar being full.
        "sees_team": is_team_coordinator(user),
    }


@case_view
def referral_list(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.may_list_cases(request.user):
        raise PermissionDenied
    visible = Referral.objects.visible_to(request.user)
    filterset = ReferralFilter(request.GET, queryset=visible, request=request)
    referrals = selectors.case_list(filterset.qs, request.user)
    page = keyset_page(
        referrals, request, order=selectors.CASE_LIST_ORDER, per_page=PAGE_SIZE, datetimes=("created_at",)
    )
    return render_page(
        request,
        "referrals/referral_list.html",
        {
            "filter": filterset,
            "page": page,
            "has_follow_ups": policy.has_follow_ups(request.user),
            "may_search": policy.may_search_cases(request.user),
        },
        partial="rows",
    )


@case_view
def partner_queue(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.may_use_queue(request.user):
        raise PermissionDenied
    page = keyset_page(
        selectors.partner_queue(request.user),
        request,
        order=selectors.QUEUE_ORDER,
        per_page=PAGE_SIZE,
        datetimes=("deadline",),
        count=False,
    )
    # Each of the organization's services with its one-tap "we're full tonight" switch (directory.manage).
    own_services = services_editable_by(request.user).order_by("name")
    return render_page(
        request, "referrals/queue.html", {"page": page, "own_services": own_services}, partial="rows"
    )


@case_view
def escalations(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.may_see_escalations(request.user):
        raise PermissionDenied
    page = keyset_page(
        selectors.escalations(request.user),
        request,
        order=selectors.ESCALATIONS_ORDER,
        per_page=PAGE_SIZE,
        datetimes=("referral__created_at",),
        count=False,
    )
    return render_page(
        request,
        "referrals/escalations.html",
        {"page": page, "needs": escalation_rows(page.object_list)},
        partial="rows",
    )


def escalation_rows(needs) -> list[Need]:
    """What each escalation row shows a coordinator to decide: what happened (`dropped`: the last routing, declined,
    expired, not answered by phone or overdue), since when (`waiting_since`) and the next suggestion by name
    (`next_suggestion`, or None: no other organization takes it in the county). A fixed number of queries for
    the page: the suggestions of all its needs are ranked together."""
    needs = list(needs)
    suggested = suggestions_for_needs(
        needs, routings=[routing for need in needs for routing in need.routings.all()]
    )
    for need in needs:
        selectors.mark_dropped(need)
        # Places free before none, then in the app before by phone; otherwise in the suggestions' own order.
        ranked = sorted(suggested.get(need.pk, []), key=lambda s: (s.is_full, not s.answers_in_app))
        need.next_suggestion = ranked[0] if ranked else None
    return needs


@case_view
def access_log(request: AuthenticatedRequest) -> HttpResponse:
    """Who saw contact details or deleted data. Coordinators: their hub's cases. Admins: everyone, no case data."""
    user = request.user
    if not policy.may_see_access_log(user):
        raise PermissionDenied
    rows = policy.access_log_scope(user, AccessLog.objects.select_related("user", "organization"))
    page = Paginator(rows.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(request, "referrals/access_log.html", {"page": page})


@case_view
@reauthentication_required
def export_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The hub's cases as CSV for the coordinator's own records: no names, phones or notes. Asks for the password
    again first, and is written to the access log. Streamed 500 cases at a time (memory stays flat), every cell
    escaped against spreadsheet formulas (core.csv_export)."""
    user = request.user
    if not policy.may_export(user):
        raise PermissionDenied
    referrals = (
        policy.export_scope(user, Referral.objects.all())
        .select_related("county", "language")
        .prefetch_related(
            Prefetch(
                "needs",
                queryset=Need.objects.select_related("category").prefetch_related(
                    Prefetch("routings", queryset=Routing.objects.select_related("organization"))
                ),
            )
        )
        .order_by("created_at")
    )
    audit.log_access(user=user, action=AccessAction.EXPORT)
    return csv_response(_export_rows(referrals), "cases.csv")


def _export_rows(referrals):
    yield [
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
    ]
    for referral in referrals.iterator(chunk_size=500):
        for need in referral.needs.all():
            organizations = "; ".join(f"{r.organization.name} ({r.status})" for r in need.routings.all())
            yield [
                referral.reference,
                referral.county.name,
                referral.language.code,
                referral.urgency,
                referral.status,
                referral.outcome,
                referral.created_at.date().isoformat(),
                referral.closed_at.date().isoformat() if referral.closed_at else "",
                need.category.code,
                need.status,
                organizations,
            ]
