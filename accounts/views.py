"""Managing accounts (admins only): invite, change organization and role, deactivate and reactivate.

Who may manage accounts is decided in directory/access.py; a change that opens cases to an account is logged and
told to the hub's coordinators (referrals/audit)."""

from importlib import import_module

from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.filters import UserFilter
from accounts.forms import AccountForm, InvitationForm
from directory import access
from directory.manage.common import GET_OR_POST, filtered_page, initial_organization, posted, save_form
from directory.models import Role, User
from referrals.audit import case_access_granted


def _send_invitation(request: HttpRequest, account: User) -> None:
    """A link to choose a password, made by allauth's password-reset machinery, so it expires like a reset link
    (PASSWORD_RESET_TIMEOUT) and stops working once a password is set. The email says nothing else."""
    adapter = get_adapter(request)
    key = f"{user_pk_to_url_str(account)}-{default_token_generator.make_token(account)}"
    context = {
        "invitation_url": adapter.get_reset_password_from_key_url(key),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(account.preferred_language):
        adapter.send_mail("accounts/email/invitation", account.email, context)


def _end_sessions(account: User) -> None:
    """Signs the person out everywhere. Django already refuses inactive accounts on their next request; deleting
    the sessions also throws away whatever they held. Sessions expire after half an hour idle, so the table
    stays small enough to scan."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        return
    model = store_class.get_model_class()
    for session in model.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(account.pk):
            store_class(session_key=session.session_key).delete()


def _is_admin(request: HttpRequest) -> bool:
    """Admins confirm their password before changing accounts; everyone else is refused further in."""
    return request.user.role == Role.ADMIN


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    queryset = access.accounts_manageable_by(request.user).select_related("organization")
    filterset, page = filtered_page(request, UserFilter, queryset)
    return render(request, "accounts/user_list.html", {"filter": filterset, "page": page})


@GET_OR_POST
@reauthentication_required(enabled=_is_admin)
def user_invite(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    form = InvitationForm(posted(request), initial=initial_organization(request), user=request.user)
    if form.is_valid():
        with transaction.atomic():
            account = form.save(commit=False)
            account.set_unusable_password()
            account.save()
            case_access_granted(by=request.user, account=account)
        _send_invitation(request, account)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": account.email})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form})


@GET_OR_POST
@reauthentication_required(enabled=_is_admin)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_user(request.user, pk)
    before = (account.role, account.organization_id)
    form = AccountForm(posted(request), instance=account, user=request.user)
    if form.is_valid():
        with transaction.atomic():
            account = save_form(form)
            if (account.role, account.organization_id) != before:
                case_access_granted(by=request.user, account=account)
        messages.success(request, _("Account saved."))
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "account": account})


@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_user(request.user, pk)
    if account.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account. Ask another administrator."))
        return redirect("accounts:user_edit", pk=account.pk)
    with transaction.atomic():
        account.is_active = False
        account.save(update_fields=["is_active"])
        _end_sessions(account)
    messages.success(request, _("%(email)s can no longer sign in.") % {"email": account.email})
    return redirect("accounts:user_edit", pk=account.pk)


@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_user(request.user, pk)
    with transaction.atomic():
        account.is_active = True
        account.save(update_fields=["is_active"])
        case_access_granted(by=request.user, account=account)
    messages.success(request, _("%(email)s can sign in again.") % {"email": account.email})
    return redirect("accounts:user_edit", pk=account.pk)


@require_POST
def user_resend_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_user(request.user, pk)
    if account.has_usable_password() or not account.is_active:
        messages.error(request, _("Only active accounts without a password yet can be sent an invitation."))
    else:
        _send_invitation(request, account)
        messages.success(request, _("Invitation sent again to %(email)s.") % {"email": account.email})
    return redirect("accounts:user_edit", pk=account.pk)
