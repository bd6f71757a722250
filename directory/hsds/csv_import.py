"""A CSV of services (one row a service, columns in CSV_COLUMNS; docs/hsds.md describes them), for networks that
keep their directory in a spreadsheet. It shares the JSON import's plans, validation and all-or-nothing write."""

import csv
import io
import re
from typing import Any

from django.utils.translation import gettext as _

from directory.hsds.json_import import (
    ImportReport,
    Problem,
    _apply,
    _boolean,
    _check_duplicates,
    _known_languages,
    _parse_uuid,
    _Plan,
    _Reference,
)
from directory.models import Organization, Service, ServiceStatus

CSV_COLUMNS = [
    "id",
    "organization",
    "category",
    "name",
    "name_es",
    "description",
    "description_es",
    "eligibility_description",
    "eligibility_description_es",
    "status",
    "counties",
    "statewide",
    "languages",
    "accepting_referrals",
    "capacity_available",
    "capacity_maximum",
    "response_hours",
    "email",
    "url",
]
CSV_REQUIRED_COLUMNS = ["organization", "category", "name"]
TEXT_COLUMNS = [
    "name_es",
    "description",
    "description_es",
    "eligibility_description",
    "eligibility_description_es",
    "email",
    "url",
]
LIST_SEPARATOR = re.compile(r"[;,]")


def plan_csv(text: str, problems: list[Problem]) -> list[_Plan]:
    """The services a CSV file describes (columns in CSV_COLUMNS; see docs/hsds.md)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in CSV_REQUIRED_COLUMNS if name not in header]
    if unknown or missing:
        for name in unknown:
            problems.append(Problem(_("header"), name, _("unknown column")))
        for name in missing:
            problems.append(Problem(_("header"), name, _("missing column")))
        return []
    reference = _Reference()
    organizations = list(Organization.objects.all())
    org_keys = {}
    for organization in organizations:
        for key in (str(organization.id), organization.slug, organization.name.casefold()):
            org_keys[key] = organization
    plans = []
    # Row numbers as a spreadsheet shows them: the header is row 1.
    for number, row in enumerate(reader, start=2):
        label = _("row %(number)s") % {"number": number}

        def problem(field_name: str, message: str, label: str = label) -> None:
            problems.append(Problem(label, field_name, message))

        cells = {name: (value or "").strip() for name, value in row.items() if name is not None}
        if None in row:
            problem("", _("more cells than columns"))
        if not any(cells.values()):
            continue
        org = org_keys.get(cells["organization"]) or org_keys.get(cells["organization"].casefold())
        if org is None:
            problem("organization", _("no organization with this short name, name or id"))
        category = reference.categories.get(cells["category"])
        if category is None:
            problem(
                "category",
                _("unknown category code; use one of: %(codes)s")
                % {"codes": ", ".join(reference.categories)},
            )
        values: dict[str, Any] = {"name": cells["name"]}
        for name in TEXT_COLUMNS:
            if name in cells:
                values[name] = cells[name]
        if "status" in cells:
            values["status"] = cells["status"] or ServiceStatus.ACTIVE
        for name, model_field, default in [
            ("statewide", "is_statewide", False),
            ("accepting_referrals", "accepting_referrals", True),
        ]:
            if name in cells:
                parsed = _boolean(cells[name]) if cells[name] else default
                if parsed is None:
                    problem(name, _("expected yes or no"))
                values[model_field] = default if parsed is None else parsed
        for name, if_empty in [("capacity_available", 0), ("capacity_maximum", 0), ("response_hours", None)]:
            if name in cells:
                # ASCII digits only: "²".isdigit() is true, but int("²") fails.
                whole = cells[name].isascii() and cells[name].isdigit()
                if cells[name] and not whole:
                    problem(name, _("expected a whole number"))
                values[name] = int(cells[name]) if whole else if_empty
        relations: dict[str, list] = {}
        if "counties" in cells:
            relations["counties"] = []
            for item in filter(None, (part.strip() for part in LIST_SEPARATOR.split(cells["counties"]))):
                county = reference.counties.get(item) or reference.counties_by_name.get(
                    item.casefold().removesuffix(" county")
                )
                if county is None:
                    problem("counties", _("unknown county %(name)s") % {"name": item})
                else:
                    relations["counties"].append(county)
        if "languages" in cells:
            codes = filter(None, (part.strip() for part in LIST_SEPARATOR.split(cells["languages"])))
            relations["languages"] = _known_languages(codes, reference, problem, "languages")
        row_id = None
        if cells.get("id"):
            row_id = _parse_uuid(cells["id"])
            if row_id is None:
                problem("id", _("expected a UUID"))
        plans.append(
            _Plan(
                Service,
                label,
                row_id,
                values=values,
                parents={"organization": org, "category": category},
                relations=relations,
                match=None if row_id else {"organization": org, "category": category, "name": cells["name"]},
            )
        )
    _check_duplicates(plans, problems)
    return plans


def import_csv(text: str) -> ImportReport:
    """Create or update services from a CSV file: by id when given, else by organization, category and name.

    Columns the file leaves out are left as they are on existing services.
    """
    report = ImportReport()
    plans = plan_csv(text, report.problems)
    return _apply(plans, report)
