"""What every case view shares: no caching of case pages, and turning a service's refusal into a message."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from directory.types import AuthenticatedRequest
from referrals import policy, services

PAGE_SIZE = 25


def case_view(view):
    """Case pages are never cached by the browser or a proxy: a shared or seized device keeps no copy."""
    return never_cache(view)


def acting(view):
    """Turn the services' refusals into what the person sees: a message on the case page, or a 403."""

    @wraps(view)
    def wrapper(request: AuthenticatedRequest, reference: str, *args, **kwargs):
        try:
            return view(request, reference, *args, **kwargs)
        except services.Conflict:
            messages.error(request, services.Conflict.message)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        if request.htmx:
            # A fragment cannot show the refusal next to what it concerns: reload the whole case page, message and all.
            return HttpResponseClientRedirect(reverse("referrals:detail", kwargs={"reference": reference}))
        return redirect("referrals:detail", reference=reference)

    return require_POST(wrapper)


def require_intake(request: AuthenticatedRequest) -> None:
    if not policy.may_create_referral(request.user):
        raise PermissionDenied


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def render_page(request: AuthenticatedRequest, template: str, context: dict, *, partial: str) -> HttpResponse:
    """The whole page, or for htmx only the named partial of it that the request swaps in (filters, pagination):
    one view serves both, so everything works without JavaScript. A back-button restore asks for the whole page."""
    htmx = request.htmx
    if htmx and not htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
