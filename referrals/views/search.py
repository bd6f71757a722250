"""Finding a family again: the search page, and the duplicate-phone hint while the phone is typed at intake."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from core.phones import parse_family_phone
from directory.types import AuthenticatedRequest
from referrals import audit, policy, search
from referrals.views.common import case_view, require_intake


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a family: reference, phone or name"),
        max_length=100,
        error_messages={"required": search.EMPTY},
    )


@sensitive_post_parameters()  # a phone number or a name
@case_view
@require_http_methods(["GET", "POST"])
def case_search(request: AuthenticatedRequest) -> HttpResponse:
    """Search by reference, phone or name. Why a POST, when a search is usually a GET with ?q=: a phone number (or a
    name) in the address would be kept in the browser's history, the server's and any proxy's access logs, and sent
    on in the Referer. So the form posts (with its CSRF token) and the results are the answer to that POST, never
    cached (case_view); only a reference, which names one case, redirects, to that case's own address. A GET shows
    the empty form and searches for nothing: one with a query string (a ?q= typed or bookmarked) is sent to the bare
    address, so at least the page shown, its links and the history entry carry no number."""
    if not policy.may_search_cases(request.user):
        raise PermissionDenied
    if request.method == "GET" and request.GET:
        return redirect("referrals:search")
    form = SearchForm(request.POST if request.method == "POST" else None)
    found = None
    if form.is_valid():
        try:
            found = search.search_cases(request.user, form.cleaned_data["q"])
        except ValidationError as error:
            form.add_error("q", error)
        else:
            if found.case is not None:
                return redirect(found.case)
            # Whether a family is a client shows without opening the case: who searched, and what it showed.
            audit.log_search(user=request.user, references=[case.reference for case in found.cases])
    return render(
        request,
        "referrals/search.html",
        {"search_form": form, "found": found, "sees_hub_cases": policy.is_coordinator(request.user)},
    )


@sensitive_post_parameters()
@case_view
@require_POST
def same_phone(request: AuthenticatedRequest) -> HttpResponse:
    """The intake form's duplicate-phone hint, asked by htmx as the phone is typed, before the case is saved: a POST
    (the number stays out of addresses and logs), answered with the hint's fragment, empty while the number is not
    a whole phone number yet. Without JavaScript the form saves as ever and the case page shows the same hint."""
    require_intake(request)
    try:
        phone = parse_family_phone(request.POST.get("contact_phone", ""))
    except ValidationError:
        same: dict = {}
    else:
        same = search.open_cases_with_phone(request.user, phone)
        if same.get("visible"):
            audit.log_search(user=request.user, references=same["visible"])
    return render(request, "referrals/referral_form.html#same-phone-hint", {"same_phone": same})
