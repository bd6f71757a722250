"""Managing accounts (admins only): invite, change organization and role, deactivate and reactivate. Training:
administrators record anyone's, coordinators their own team's, and see it on the list of accounts (a coordinator's
is their team). And each person's own notification settings (how they hear of case events), for themselves only.

Who may manage accounts is decided in directory/access.py; what each change does (audit row, sessions ended,
coordinators told) in accounts/services.py. Every change asks the admin for their password again first
(allauth's re-authentication): a posted change is kept while they type it, then carried out.
"""

from datetime import date

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from accounts import services
from accounts.filters import TeamFilter, UserFilter
from accounts.forms import AccountForm, InvitationForm, NotificationsForm, TrainingForm
from directory import access
from directory.manage.common import (
    GET_OR_POST,
    RecordTable,
    initial_organization,
    posted,
    render_record_list,
)
from directory.models import Role, a_year_after
from directory.types import AuthenticatedRequest

HISTORY_LENGTH = 10


def _is_admin(request: AuthenticatedRequest) -> bool:
    """Admins confirm their password before changing accounts; everyone else is refused further in."""
    return request.user.role == Role.ADMIN


admin_reauthenticated = reauthentication_required(enabled=_is_admin)


USER_TABLE = RecordTable(
    columns=(
        gettext_lazy("Email"),
        gettext_lazy("Organization"),
        gettext_lazy("Role"),
        gettext_lazy("Status"),
        gettext_lazy("Training"),
    ),
    count=ngettext_lazy("%(counter)s account", "%(counter)s accounts", "counter"),
    empty=gettext_lazy("No account matches these filters."),
    row_template="accounts/user_list.html#user_row",
)

# A coordinator's team: their organization's volunteers and coordinators, with their training.
TEAM_TABLE = RecordTable(
    columns=(
        # Training second: it is what a coordinator opens this list for, and it stays on a phone's screen.
        gettext_lazy("Name and email"),
        gettext_lazy("Training"),
        gettext_lazy("Role"),
        gettext_lazy("Status"),
    ),
    count=ngettext_lazy("%(counter)s person", "%(counter)s people", "counter"),
    empty=gettext_lazy("Nobody matches these filters."),
    row_template="accounts/user_list.html#team_row",
)


@require_GET
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    """The accounts, in the directory's list layout (its section tabs include this one), each with its training
    status. A coordinator gets their team instead: their organization's volunteers and coordinators, without the
    directory's tabs, each with a link to record their training."""
    access.require_account_list(request.user)
    queryset = access.accounts_listed_for(request.user).with_training().select_related("organization")
    if not access.is_directory_admin(request.user):
        context = {"title": _("Your team")}
        return render_record_list(request, TeamFilter, queryset, TEAM_TABLE, context)
    context = {
        "title": _("Users"),
        "section": "users",
        "add_url": reverse("accounts:user_invite"),
        "add_label": _("Invite someone"),
    }
    return render_record_list(request, UserFilter, queryset, USER_TABLE, context)


@sensitive_post_parameters()  # a staff member's email
@GET_OR_POST
@admin_reauthenticated
def user_invite(request: AuthenticatedRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    form = InvitationForm(posted(request), initial=initial_organization(request), user=request.user)
    if form.is_valid():
        try:
            account = services.account_invite(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": account.email})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form})


@sensitive_post_parameters()
@GET_OR_POST
@admin_reauthenticated
def user_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_user(request.user, pk)
    form = AccountForm(posted(request), instance=account, user=request.user)
    if form.is_valid():
        try:
            services.account_change_role(by=request.user, account=account, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Account saved."))
            return redirect("accounts:user_list")
        # The form wrote the refused values onto the instance; the page shows the account as it is.
        account.refresh_from_db()
    history = account.account_events.select_related("actor", "old_organization", "new_organization")
    context = {"form": form, "account": account, "history": history[:HISTORY_LENGTH]}
    return render(request, "accounts/user_form.html", context)


@require_POST
@admin_reauthenticated
def user_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_user(request.user, pk)
    try:
        services.account_deactivate(by=request.user, account=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(email)s can no longer sign in.") % {"email": account.email})
    return redirect("accounts:user_edit", pk=account.pk)


@require_POST
@admin_reauthenticated
def user_reactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_user(request.user, pk)
    services.account_reactivate(by=request.user, account=account)
    messages.success(request, _("%(email)s can sign in again.") % {"email": account.email})
    return redirect("accounts:user_edit", pk=account.pk)


@require_POST
@admin_reauthenticated
def user_resend_invitation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_user(request.user, pk)
    if account.has_usable_password() or not account.is_active:
        messages.error(request, _("Only active accounts without a password yet can be sent an invitation."))
    else:
        services.invitation_email.enqueue(account.pk)  # nothing to commit first: the worker sends it
        messages.success(request, _("Invitation sent again to %(email)s.") % {"email": account.email})
    return redirect("accounts:user_edit", pk=account.pk)


@GET_OR_POST
@admin_reauthenticated
def user_training(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A volunteer's or coordinator's training: what is recorded, and a form to record a course. Administrators
    for anyone, coordinators for their own organization's people (another hub's are a 404: directory/access.py)."""
    account = access.get_trainee_for_user(request.user, pk)
    form = TrainingForm(posted(request), initial=_training_initial(request), refill_url=request.path)
    if form.is_valid():
        try:
            training = services.training_record(by=request.user, account=account, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = _("Training recorded for %(person)s, valid until %(date)s.") % {
                "person": account,
                "date": date_format(training.expires_on, "DATE_FORMAT"),
            }
            messages.success(request, message)
            return redirect("accounts:user_list")
    trainings = account.trainings.select_related("recorded_by")
    context = {"form": form, "account": account, "trainings": trainings, "status": account.training}
    return render(request, "accounts/training_form.html", context)


def _training_initial(request: AuthenticatedRequest) -> dict:
    """Today's course, valid for a year; or, when the page is asked again with a course date (the form does so as
    the date changes), that date's expiry."""
    try:
        completed_on = date.fromisoformat(request.GET.get("completed_on", ""))
    except ValueError:
        completed_on = timezone.localdate()
    return {"completed_on": completed_on, "expires_on": a_year_after(completed_on)}


def email_closed(request: HttpRequest) -> HttpResponse:
    """allauth's email page (/accounts/email/), closed to every role, whatever the method: the sign-in address is
    where password resets go, so only an administrator changes it (on the account page, which records the change
    and tells the old address). Adding an address, making one primary, removing or re-sending: none happens here."""
    messages.info(request, _("Only your network's administrators can change an email address."))
    return redirect("home")


@GET_OR_POST
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    """How the signed-in person hears of case events: every event, or a digest every N minutes. It changes their own
    account and nothing else (no account id in the address or the form). Anyone who works for an organization."""
    if request.user.organization_id is None:
        raise PermissionDenied
    form = NotificationsForm(posted(request), instance=request.user)
    if form.is_valid():
        request.user.save(update_fields=["notice_digest_minutes"])
        messages.success(request, _("Saved. Emergencies still come at once."))
        return redirect("account_notifications")
    return render(request, "accounts/notifications.html", {"form": form})
