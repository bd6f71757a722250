"""Routing trust: saving a service, and the admins' review of partners' widenings, each with its history.

A partner's save that widens where or what a service serves (a new service, county or category, or statewide)
puts the service's coverage up for review: routing keeps to the approved copy (`Service.approved_*`) until an
admin approves. Narrowing counts at once: routing reads the declared coverage too, and the approved copy is cut
down to it. An admin's save counts at once. Every save and decision writes a ServiceChange in its transaction.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import ModelForm

from directory.access import is_directory_admin
from directory.manage.common import save_form
from directory.models import (
    TRACKED_SERVICE_FIELDS,
    County,
    CoverageState,
    Service,
    ServiceCategory,
    ServiceChange,
    ServiceChangeKind,
    User,
)


class ReviewOutdated(Exception):
    """The service changed (or was decided) after the admin opened the review: nothing was decided."""


@dataclass(frozen=True)
class Coverage:
    """Where and what a service serves: the part a partner may not widen on its own."""

    category_id: uuid.UUID | None
    is_statewide: bool
    county_ids: frozenset[str]

    @classmethod
    def declared(cls, service: Service) -> "Coverage":
        return cls(
            service.category_id,
            service.is_statewide,
            frozenset(service.counties.values_list("pk", flat=True)),
        )

    @classmethod
    def approved(cls, service: Service) -> "Coverage":
        """What routing may use: the declared coverage when it is approved as it is, otherwise the copy."""
        if service.coverage_state == CoverageState.APPROVED:
            return cls.declared(service)
        return cls(
            service.approved_category_id,
            service.approved_is_statewide,
            frozenset(service.approved_counties.values_list("pk", flat=True)),
        )

    def covers(self, other: "Coverage") -> bool:
        """Everything `other` serves, this serves too."""
        return (
            other.category_id == self.category_id
            and (self.is_statewide or not other.is_statewide)
            and (self.is_statewide or other.county_ids <= self.county_ids)
        )

    def narrowed_to(self, declared: "Coverage") -> "Coverage":
        """What stays approved when the declared coverage shrinks: nothing it no longer declares."""
        return Coverage(
            self.category_id,
            self.is_statewide and declared.is_statewide,
            self.county_ids if declared.is_statewide else self.county_ids & declared.county_ids,
        )


def tracked_values(service: Service) -> dict[str, Any]:
    """The values a service's history keeps, as JSON: the category by code, counties by name."""
    values: dict[str, Any] = {}
    for name in TRACKED_SERVICE_FIELDS:
        if name == "category":
            values[name] = service.category.code if service.category_id else None
        elif name == "counties":
            values[name] = sorted(service.counties.values_list("name", flat=True))
        else:
            values[name] = getattr(service, name)
    return values


def _coverage_values(coverage: Coverage) -> dict[str, Any]:
    category = None
    if coverage.category_id is not None:
        category = (
            ServiceCategory.objects.filter(pk=coverage.category_id).values_list("code", flat=True).first()
        )
    counties = sorted(County.objects.filter(pk__in=coverage.county_ids).values_list("name", flat=True))
    return {"category": category, "is_statewide": coverage.is_statewide, "counties": counties}


def _diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list]:
    before = before or dict.fromkeys(after)
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _store_review_state(service: Service, state: str, approved: Coverage | None) -> None:
    """The review state and the approved copy, without touching `updated_at` (it stamps partners' edits)."""
    Service.objects.filter(pk=service.pk).update(
        coverage_state=state,
        approved_category_id=approved.category_id if approved else None,
        approved_is_statewide=approved.is_statewide if approved else False,
    )
    service.approved_counties.set(County.objects.filter(pk__in=approved.county_ids) if approved else [])
    service.coverage_state = state
    service.approved_category_id = approved.category_id if approved else None
    service.approved_is_statewide = approved.is_statewide if approved else False


@transaction.atomic
def service_save(*, form: "ModelForm[Service]", user: User) -> Service:
    """Save a service form: an admin's coverage counts at once, a partner's widening waits for review."""
    adding = form.instance._state.adding
    before: dict[str, Any] | None = None
    previous_state: str = CoverageState.APPROVED
    base = Coverage(None, False, frozenset())  # a partner's new service has nothing approved yet
    declared_before = base
    if not adding:
        # Locked, and read from the database: the form has already written its values onto its instance.
        current = Service.objects.select_for_update().select_related("category").get(pk=form.instance.pk)
        before = tracked_values(current)
        previous_state = current.coverage_state
        base = Coverage.approved(current)
        declared_before = Coverage.declared(current)
    service = save_form(form)
    declared = Coverage.declared(service)
    state: str
    if is_directory_admin(user):
        state, approved = CoverageState.APPROVED, None
    else:
        approved = base.narrowed_to(declared)
        if approved.covers(declared):
            state, approved = CoverageState.APPROVED, None
        elif previous_state == CoverageState.REJECTED and declared == declared_before:
            state = CoverageState.REJECTED  # saved again unchanged: not a new request
        else:
            state = CoverageState.PENDING
    _store_review_state(service, state, approved)
    changes = _diff(before, tracked_values(service))
    if adding or changes:
        ServiceChange.objects.create(
            service=service,
            actor=user,
            kind=ServiceChangeKind.CREATED if adding else ServiceChangeKind.EDITED,
            changes=changes,
        )
    return service


@transaction.atomic
def service_set_accepting(*, service: Service, user: User, accepting: bool) -> Service:
    """A partner's one-tap "we're full tonight" / "taking referrals again". Only `accepting_referrals` changes:
    capacity is not a confirmation of the listing (no `assured_date`), and `updated_at` is left alone so an
    admin's open review of the service stays current. Written to the history like any other change."""
    current = Service.objects.select_for_update().get(pk=service.pk)
    if current.accepting_referrals != accepting:
        ServiceChange.objects.create(
            service=current,
            actor=user,
            kind=ServiceChangeKind.EDITED,
            changes={"accepting_referrals": [current.accepting_referrals, accepting]},
        )
        current.accepting_referrals = accepting
        current.save(update_fields=["accepting_referrals"])
    return current


def review_stamp(service: Service) -> str:
    """Names the version of the service an admin reviewed: a later edit makes the decision outdated."""
    return service.updated_at.isoformat()


@transaction.atomic
def coverage_decide(*, service: Service, user: User, approve: bool, stamp: str) -> ServiceChange:
    """An admin approves a partner's widening (routing uses the declared coverage from now on) or turns it down
    (routing keeps to the approved copy). The decision goes in the service's history: who, when, what."""
    if not is_directory_admin(user):
        raise PermissionDenied
    current = Service.objects.select_for_update().get(pk=service.pk)
    if current.coverage_state != CoverageState.PENDING or review_stamp(current) != stamp:
        raise ReviewOutdated
    approved = Coverage.approved(current)
    changes = _diff(_coverage_values(approved), _coverage_values(Coverage.declared(current)))
    if approve:
        _store_review_state(current, CoverageState.APPROVED, None)
    else:
        _store_review_state(current, CoverageState.REJECTED, approved)
    return ServiceChange.objects.create(
        service=current,
        actor=user,
        kind=ServiceChangeKind.APPROVED if approve else ServiceChangeKind.REJECTED,
        changes=changes,
    )
