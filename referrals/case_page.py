"""What the case page reads, each in one query whatever the case holds: the helpers of `views.cases.case_context`.

Who may see what is still asked of `referrals.policy`; these only read once what several of its answers (and several
forms) need, so that a case with ten needs and fifty notes costs the same queries as one with a single need."""

from django import forms
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)

from directory.models import User
from referrals import policy
from referrals.models import Consent, Referral, ReferralStatus


def read_consents(referral: Referral) -> None:
    """Every consent of the case (with the language it was explained in), in one query: the policy's consent
    questions (`active_consent`, `consent_withdrawn`, asked once per routing for a partner) then read them from
    here. The categories a consent covers are read only if asked (a partner's "may I see the contact details")."""
    prefetch_related_objects(
        [referral], Prefetch("consents", queryset=Consent.objects.select_related("explained_in"))
    )


def case_rows(user: User) -> QuerySet[Referral]:
    """The rows the case page opens a referral from (the policy scopes them). For hub staff, two EXISTS on indexed
    columns say whether there is anything to read for two parts of the page that usually have nothing: another open
    case of the hub with the same phone number (the duplicate-phone hint) and an open incident of their hub (the form
    linking the case to one). Their own queries then run only when there is something to show."""
    if not policy.may_search_cases(user):
        return Referral.objects.all()
    others = Referral.objects.filter(
        hub_id=OuterRef("hub_id"), phone_digest=OuterRef("phone_digest"), status=ReferralStatus.OPEN
    ).exclude(pk=OuterRef("pk"))
    return Referral.objects.annotate(
        shares_phone=Exists(others), open_incidents=Exists(policy.incident_choices(user))
    )


def same_phone(user: User, referral: Referral) -> dict:
    """The duplicate-phone hint of `selectors.open_cases_with_same_phone`, in one query instead of two: the other
    open cases of the hub with this phone number, each with whether this person may open it (the policy's
    `duplicate_hint_scope`). The references of those they may not open are not read, only counted, and only if
    the policy says they hear of them."""
    if not referral.phone_digest or not referral.is_open or not getattr(referral, "shares_phone", True):
        return {}
    others = Referral.objects.filter(
        hub_id=referral.hub_id, phone_digest=referral.phone_digest, status=ReferralStatus.OPEN
    ).exclude(pk=referral.pk)
    may_open = Exists(policy.duplicate_hint_scope(user, Referral.objects.filter(pk=OuterRef("pk"))))
    shown = list(
        others.annotate(shown=Case(When(may_open, then=F("reference")), default=Value(None))).values_list(
            "shown", flat=True
        )
    )
    visible = [reference for reference in shown if reference is not None]
    hidden = len(shown) - len(visible) if policy.counts_hidden_duplicates(user) else 0
    return {"visible": visible, "hidden": hidden}


def offer(field: forms.Field, choices: list) -> None:
    """Draw a model choice field from rows already read, so that two forms offering the same people (the follow-up's
    "who", the case's assignee) read them once."""
    assert isinstance(field, forms.ModelChoiceField)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = [*empty, *((choice.pk, field.label_from_instance(choice)) for choice in choices)]
