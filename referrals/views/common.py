"""What every case view shares: no caching of case pages, and turning a service's refusal into a message."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from referrals import policy, services

PAGE_SIZE = 25


def case_view(view):
    """Case pages are never cached by the browser or a proxy: a shared or seized device keeps no copy."""
    return never_cache(view)


def acting(view):
    """Turn the services' refusals into what the person sees: a message on the case page, or a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, reference: str, *args, **kwargs):
        try:
            return view(request, reference, *args, **kwargs)
        except services.Conflict:
            messages.error(request, services.Conflict.message)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("referrals:detail", reference=reference)

    return require_POST(wrapper)


def require_intake(request: HttpRequest) -> None:
    if not policy.may_create_referral(request.user):
        raise PermissionDenied


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
