"""Forms posted after the session ended come back filled in once the same person signs in again: core/resume.py
keeps them (settings.KEPT_FORMS says which forms, and on which page); these put them back in their form."""

from core.resume import Kept, say_restored
from directory.types import AuthenticatedRequest
from referrals.forms import DeclineForm, FollowUpForm, IntakeForm, NoteForm
from referrals.models import Referral, RoutingStatus


def kept_intake_form(request: AuthenticatedRequest, kept: Kept | None) -> IntakeForm | None:
    """The intake form as it was posted, intake token included: saving it twice still makes one case."""
    if kept is None or kept.view_name != "referrals:create":
        return None
    say_restored(request)
    return IntakeForm(kept.data, user=request.user)


def refill_case_forms(
    request: AuthenticatedRequest, referral: Referral, context: dict, kept: Kept | None
) -> None:
    """A note, follow-up or decline posted after the session ended, back in its form on the case page, if the page
    still offers that form to this person (otherwise it is dropped)."""
    if kept is None:
        return
    if kept.view_name == "referrals:add_note" and context["may_write_note"]:
        context["note_form"] = NoteForm(kept.data)
    elif kept.view_name == "referrals:add_follow_up" and "follow_up_form" in context and referral.is_open:
        context["follow_up_form"] = FollowUpForm(kept.data, hub=referral.hub)
    elif kept.view_name == "referrals:decline":
        routing = next(
            (
                r
                for r in context["own_routings"]
                if r.pk == kept.kwargs.get("routing_id")
                and r.status == RoutingStatus.PENDING
                and not r.is_overdue
            ),
            None,
        )
        if routing is None:
            return
        routing.decline_form = DeclineForm(kept.data, auto_id=f"id_routing{routing.pk}_%s")
    else:
        return
    say_restored(request)
