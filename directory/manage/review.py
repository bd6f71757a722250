"""How the service history and the review page show coverage and capacity values, in the reader's language."""

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory.models import CoverageState, Service, ServiceCategory, ServiceChange, User

NOTHING = "—"


def value_labels() -> dict[str, str]:
    """Category codes → names in the active language (one query: the categories are a short list)."""
    return {category.code: category.localized_name for category in ServiceCategory.objects.all()}


def _field_label(name: str) -> str:
    return str(getattr(Service._meta.get_field(name), "verbose_name", name)).capitalize()


def _show(name: str, value: Any, labels: dict[str, str]) -> str:
    if value is None or value == []:
        return NOTHING
    if name == "category":
        return labels.get(value, value)
    if name == "counties":
        return ", ".join(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def change_rows(changes: dict[str, list], labels: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _field_label(name), "old": _show(name, old, labels), "new": _show(name, new, labels)}
        for name, (old, new) in changes.items()
    ]


def _actor(actor: User | None, *, viewer: User, names: bool) -> str:
    """Admins see who; partner staff see their colleagues by name and anyone else by role."""
    if actor is None:
        return _("the system")
    if names or actor.organization_id == viewer.organization_id:
        return str(actor)
    return actor.get_role_display()


def history_entry(
    entry: ServiceChange, *, viewer: User, names: bool, labels: dict[str, str]
) -> dict[str, Any]:
    return {
        "kind": entry.get_kind_display(),
        "when": date_format(entry.created_at, "DATETIME_FORMAT"),
        "who": _actor(entry.actor, viewer=viewer, names=names),
        "rows": change_rows(entry.changes, labels),
    }


def _coverage_rows(service: Service, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Approved → declared: category, statewide, counties; `changed` marks what the widening touched."""
    new = {
        "category": service.category.code,
        "is_statewide": service.is_statewide,
        "counties": sorted(county.name for county in service.counties.all()),
    }
    old = new
    if service.coverage_state != CoverageState.APPROVED:
        old = {
            "category": service.approved_category.code if service.approved_category else None,
            "is_statewide": service.approved_is_statewide,
            "counties": sorted(county.name for county in service.approved_counties.all()),
        }
    return [
        {**row, "changed": row["old"] != row["new"]}
        for row in change_rows({name: [old[name], new[name]] for name in new}, labels)
    ]


def review_item(service: Service, *, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "service": service,
        "is_new": service.approved_category_id is None,
        "rows": _coverage_rows(service, labels),
        "since": date_format(service.updated_at, "DATETIME_FORMAT"),
    }
