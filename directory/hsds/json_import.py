"""The HSDS 3.0 JSON import, and the machinery every import shares.

An import first turns the file into plans (one `_Plan` per row to create or update, parents before children),
noting every problem instead of stopping at the first; then `_apply` binds each plan to its row, validates it
like a form would, and writes all of them in one transaction, or nothing if anything is wrong. A JSON document is
also checked against the vendored HSDS 3.0 schemas (directory/hsds/schemas/) before any of that.
"""

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models.constants import LOOKUP_SEP
from django.utils.text import slugify
from django.utils.translation import gettext as _

from directory.hsds import schemas
from directory.hsds.records import (
    CATEGORY_TAXONOMY,
    FIELD_TERMS_BY_ID,
    FIPS_URI_PREFIX,
    STATE_FIPS,
    TEXT_ALERT_KIND,
)
from directory.models import (
    County,
    Language,
    Organization,
    Phone,
    PhoneType,
    Service,
    ServiceCategory,
    ServiceStatus,
    TextAlert,
    normalize_phone,
)

TRUE_WORDS = {"true", "yes", "y", "1", "sí", "si"}
FALSE_WORDS = {"false", "no", "n", "0"}


@dataclass
class Problem:
    """One thing wrong in an import file: which record, which field, what."""

    record: str
    field: str
    message: str
    from_schema: bool = False

    def __str__(self) -> str:
        return (
            f"{self.record} › {self.field}: {self.message}"
            if self.field
            else f"{self.record}: {self.message}"
        )


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, problems: Iterable[Problem]) -> None:
        """Adds the import's own problems, less those about a field the HSDS schemas already refused (the
        schemas' problems come first): one field, one message."""
        refused = {(p.record, p.field) for p in self.problems if p.field and p.from_schema}
        self.problems += [p for p in problems if (p.record, p.field) not in refused]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> int:
        return sum(count["created"] + count["updated"] for count in self.counts.values())

    def summary_lines(self) -> list[str]:
        return [
            f"{name}: {count['created']} created, {count['updated']} updated, {count['unchanged']} unchanged"
            for name, count in self.counts.items()
        ]


@dataclass
class _Plan:
    """One row the import will create or update: found by id, or by `match` when the file gives none."""

    model: type[models.Model]
    label: str
    id: uuid.UUID | None
    values: dict[str, Any] = field(default_factory=dict)
    # Foreign keys to rows planned earlier in the same import, or to rows that already exist.
    # None where the file names no parent (a phone of no service) or one the import could not find.
    parents: dict[str, "_Plan | models.Model | None"] = field(default_factory=dict)
    relations: Mapping[str, Sequence[models.Model]] = field(default_factory=dict)
    match: dict[str, Any] | None = None
    # Values a new row needs that an existing row keeps (an organization's short name).
    new_only: dict[str, Any] = field(default_factory=dict)
    instance: models.Model | None = None
    created: bool = False
    changed_fields: list[str] = field(default_factory=list)
    changed_relations: list[str] = field(default_factory=list)


class _Reference:
    """The reference data that ships with the app, looked up once: counties, languages, categories."""

    def __init__(self) -> None:
        self.counties = {county.fips: county for county in County.objects.all()}
        self.counties_by_name = {county.name.casefold(): county for county in self.counties.values()}
        self.languages = {language.code: language for language in Language.objects.all()}
        self.categories = {category.code: category for category in ServiceCategory.objects.all()}
        self.categories_by_id = {str(category.id): category for category in self.categories.values()}


class _Reader:
    """Reads one record of a JSON document, noting every problem instead of stopping at the first."""

    def __init__(self, record: object, label: str, problems: list[Problem]):
        self.record = record if isinstance(record, dict) else {}
        self.label = label
        self.problems = problems
        if not isinstance(record, dict):
            self.problem("", _("expected an object"))

    def problem(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.label, field_name, message))

    def text(self, key: str) -> str:
        value = self.record.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(key, _("expected text"))
            return ""
        return value.strip()

    def id(self, key: str = "id") -> uuid.UUID | None:
        parsed = _parse_uuid(self.record.get(key))
        if parsed is None:
            self.problem(key, _("expected a UUID"))
        return parsed

    def records(self, key: str) -> list:
        value = self.record.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, _("expected a list"))
            return []
        return value


def _parse_uuid(value: object) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _boolean(value: str) -> bool | None:
    word = value.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


class _FieldValues:
    """The network's fields a record carries as attributes, by term code, and its service category."""

    def __init__(self, reader: _Reader, reference: _Reference):
        self.reader = reader
        self.values: dict[str, list[str]] = defaultdict(list)
        self.categories: list[ServiceCategory] = []
        for index, attribute in enumerate(reader.records("attributes")):
            if not isinstance(attribute, dict):
                reader.problem(f"attributes[{index}]", _("expected an object"))
                continue
            term = attribute.get("taxonomy_term")
            if not isinstance(term, dict):
                term = {}
            # Ids are compared in their canonical form: another system may write them in capitals.
            term_uuid = _parse_uuid(attribute.get("taxonomy_term_id") or term.get("id"))
            term_id = str(term_uuid) if term_uuid else ""
            if term_id in FIELD_TERMS_BY_ID:
                value = attribute.get("value")
                if not isinstance(value, str):
                    reader.problem(f"attributes[{index}].value", _("expected text"))
                    continue
                self.values[FIELD_TERMS_BY_ID[term_id].code].append(value.strip())
            elif term_id in reference.categories_by_id:
                self.categories.append(reference.categories_by_id[term_id])
            elif term.get("taxonomy_id") == CATEGORY_TAXONOMY["id"]:
                category = reference.categories.get(str(term.get("code")))
                if category is None:
                    reader.problem(f"attributes[{index}].taxonomy_term", _("unknown service category"))
                else:
                    self.categories.append(category)
            # Attributes from other taxonomies say things the directory does not record: they are skipped.

    def text(self, code: str) -> str:
        values = self.values.get(code, [])
        if len(values) > 1:
            self.reader.problem(code, _("given more than once"))
        return values[0] if values else ""

    def boolean(self, code: str, default: bool) -> bool:
        value = self.text(code)
        if not value:
            return default
        parsed = _boolean(value)
        if parsed is None:
            self.reader.problem(code, _("expected true or false"))
            return default
        return parsed

    def integer(self, code: str, default: int | None) -> int | None:
        value = self.text(code)
        if not value:
            return default
        if not (value.isascii() and value.isdigit()):  # "²".isdigit() is true, int("²") fails
            self.reader.problem(code, _("expected a whole number"))
            return default
        return int(value)

    def day(self, code: str) -> date | None:
        value = self.text(code)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.reader.problem(code, _("expected a date such as 2025-01-31"))
            return None

    def counties(self, reference: _Reference) -> list[County]:
        counties = []
        for fips in self.values.get("county", []):
            if fips in reference.counties:
                counties.append(reference.counties[fips])
            else:
                self.reader.problem("county", _("unknown county FIPS code %(code)s") % {"code": fips})
        return counties

    def languages(self, reference: _Reference) -> list[Language]:
        return _known_languages(self.values.get("language", []), reference, self.reader.problem, "language")


def _known_languages(codes: Iterable[str], reference: _Reference, problem, field_name: str) -> list[Language]:
    languages = []
    for code in codes:
        if code in reference.languages:
            languages.append(reference.languages[code])
        else:
            problem(field_name, _("unknown language code %(code)s") % {"code": code})
    return languages


def _hsds_languages(reader: _Reader, reference: _Reference) -> list[Language]:
    codes = []
    for index, language in enumerate(reader.records("languages")):
        code = language.get("code") if isinstance(language, dict) else None
        if not isinstance(code, str) or not code.strip():
            reader.problem(f"languages[{index}].code", _("expected a language code"))
        else:
            codes.append(code.strip())
    return _known_languages(codes, reference, reader.problem, "languages")


def _label(kind: str, index: int, record: object, key: str = "name") -> str:
    name = record.get(key) if isinstance(record, dict) else None
    return f'{kind}[{index}] "{name}"' if isinstance(name, str) and name else f"{kind}[{index}]"


def _phone_plan(
    record: object, label: str, org: _Plan, service: _Plan | None, reference: _Reference, problems: list
) -> _Plan:
    reader = _Reader(record, label, problems)
    attributes = _FieldValues(reader, reference)
    kind = attributes.text("phone_kind") or ("text" if reader.text("type") == "text" else PhoneType.OFFICE)
    number = reader.text("number")
    counties = attributes.counties(reference)
    if kind == TEXT_ALERT_KIND:
        # With a keyword the number is the short code to text it to; without, the number to call to ask to join.
        keyword = attributes.text("text_keyword")
        signup_phone = ""
        if not keyword and number:
            try:
                signup_phone = normalize_phone(number)
            except ValidationError as error:
                reader.problem("number", " ".join(error.messages))
        return _Plan(
            TextAlert,
            label,
            reader.id(),
            values={
                "keyword": keyword,
                "short_code": number if keyword else "",
                "signup_phone": signup_phone,
                "signup_url": attributes.text("signup_url"),
                "description": reader.text("description"),
                "description_es": attributes.text("description_es"),
                "is_statewide": attributes.boolean("statewide", False),
            },
            parents={"organization": org},
            relations={"counties": counties},
        )
    if kind not in PhoneType.values:
        reader.problem("phone_kind", _("unknown kind of line %(kind)s") % {"kind": kind})
    try:
        number = normalize_phone(number)
    except ValidationError as error:
        reader.problem("number", " ".join(error.messages))
    extension = reader.record.get("extension")
    if extension is None or extension == "":
        extension = ""
    elif isinstance(extension, int) and not isinstance(extension, bool) and extension >= 0:
        extension = str(extension)
    elif isinstance(extension, str) and extension.strip().isascii() and extension.strip().isdigit():
        extension = extension.strip()
    else:
        reader.problem("extension", _("expected a whole number"))
        extension = ""
    return _Plan(
        Phone,
        label,
        reader.id(),
        values={
            "number": number,
            "extension": extension,
            "type": kind,
            "description": reader.text("description"),
            "description_es": attributes.text("description_es"),
            "hours": attributes.text("hours"),
            "hours_es": attributes.text("hours_es"),
            "is_statewide": attributes.boolean("statewide", False),
        },
        parents={"organization": org, "service": service},
        relations={"counties": counties, "languages": _hsds_languages(reader, reference)},
    )


def _service_plan(
    record: object, label: str, org: _Plan, reference: _Reference, problems: list
) -> tuple[_Plan, list]:
    """The service's row, and its phone records for the caller to plan once the service's plan exists."""
    reader = _Reader(record, label, problems)
    attributes = _FieldValues(reader, reference)
    if len(attributes.categories) != 1:
        reader.problem("attributes", _("a service needs exactly one service category"))
    status = reader.text("status")
    # The directory has no "defunct": a service that no longer exists is inactive here.
    status = ServiceStatus.INACTIVE if status == "defunct" else status
    counties, statewide = [], False
    for index, area in enumerate(reader.records("service_areas")):
        uri = area.get("uri") if isinstance(area, dict) else None
        fips = uri.removeprefix(FIPS_URI_PREFIX) if isinstance(uri, str) else ""
        if fips == STATE_FIPS:
            statewide = True
        elif isinstance(uri, str) and uri.startswith(FIPS_URI_PREFIX) and fips in reference.counties:
            counties.append(reference.counties[fips])
        else:
            reader.problem(
                f"service_areas[{index}].uri",
                _("expected urn:fips:37 (North Carolina) or urn:fips: and a county FIPS code"),
            )
    plan = _Plan(
        Service,
        label,
        reader.id(),
        values={
            "name": reader.text("name"),
            "name_es": attributes.text("name_es"),
            "description": reader.text("description"),
            "description_es": attributes.text("description_es"),
            "eligibility_description": reader.text("eligibility_description"),
            "eligibility_description_es": attributes.text("eligibility_description_es"),
            "status": status,
            "email": reader.text("email"),
            "url": reader.text("url"),
            "is_statewide": statewide,
            "accepting_referrals": attributes.boolean("accepting_referrals", True),
            "capacity_available": attributes.integer("capacity_available", 0),
            "capacity_maximum": attributes.integer("capacity_maximum", 0),
            "response_hours": attributes.integer("response_hours", None),
        },
        parents={
            "organization": org,
            "category": attributes.categories[0] if len(attributes.categories) == 1 else None,
        },
        relations={"counties": counties, "languages": _hsds_languages(reader, reference)},
    )
    return plan, reader.records("phones")


def schema_problems(data: object) -> list[Problem]:
    """Every way the document's organizations and their services break the HSDS 3.0 schemas.

    Each error is reported against the record it is in (an organization, a service or a phone, labelled as the
    rest of the import labels them) and the path inside that record, so a long file's problems can be found.
    The import's own checks follow; they catch what the schemas cannot (unknown counties, the network's rules).
    """
    if not isinstance(data, dict) or not isinstance(data.get("organizations"), list):
        return []  # plan_document says so.
    problems = []
    for index, organization in enumerate(data["organizations"]):
        if not isinstance(organization, dict):
            continue  # plan_document says so.
        label = _label("organizations", index, organization)
        checks: list[tuple[str, object, list[str | int], str]] = [
            (label, organization, [], "organization.json")
        ]
        services = organization.get("services")
        for service_index, service in enumerate(services if isinstance(services, list) else []):
            checks.append((label, service, ["services", service_index], "service.json"))
        for record_label, record, path, schema in checks:
            for error in schemas.validator(schema).iter_errors(record):
                place = [*path, *error.absolute_path]
                if error.validator == "required":
                    # Reported against the missing field, where the import's own check would put it.
                    place += [
                        name for name in error.validator_value if f"{name!r} is a required" in error.message
                    ]
                where, field_name = _schema_error_place(record_label, organization, place)
                message = _("does not follow HSDS 3.0: %(error)s") % {"error": error.message}
                problems.append(Problem(where, field_name, message, from_schema=True))
    return problems


def _schema_error_place(label: str, record: Any, path: list) -> tuple[str, str]:
    """The label of the innermost service or phone a schema error is in, and the rest of its path.

    `record` is parsed JSON (Any): the schema error's path says which lists and items it has."""
    while len(path) >= 2 and path[0] in ("services", "phones") and isinstance(path[1], int):
        kind, index, path = path[0], path[1], path[2:]
        record = record[kind][index]
        label = f"{label} › " + _label(kind, index, record, "number" if kind == "phones" else "name")
    field_name = ""
    for part in path:
        field_name += f"[{part}]" if isinstance(part, int) else (f".{part}" if field_name else str(part))
    return label, field_name


def plan_document(data: object, problems: list[Problem]) -> list[_Plan]:
    """The rows an HSDS document describes, parents before children; problems are added to `problems`."""
    if not isinstance(data, dict) or not isinstance(data.get("organizations"), list):
        problems.append(
            Problem(_("file"), "organizations", _("expected an object with a list of organizations"))
        )
        return []
    reference = _Reference()
    organizations, services, phones = [], [], []
    for index, record in enumerate(data["organizations"]):
        label = _label("organizations", index, record)
        reader = _Reader(record, label, problems)
        attributes = _FieldValues(reader, reference)
        name = reader.text("name")
        slug = attributes.text("slug")
        org = _Plan(
            Organization,
            label,
            reader.id(),
            values={
                "name": name,
                "description": reader.text("description"),
                "description_es": attributes.text("description_es"),
                "email": reader.text("email"),
                "website": reader.text("website"),
                "is_hub": attributes.boolean("hub", False),
                "is_partner": attributes.boolean("partner", False),
                "assured_date": attributes.day("assured_date"),
                **({"slug": slug} if slug else {}),
            },
            new_only={} if slug else {"slug": slugify(name)[:80]},
            relations={"languages": attributes.languages(reference)},
        )
        organizations.append(org)
        for phone_index, phone in enumerate(reader.records("phones")):
            phone_label = f"{label} › " + _label("phones", phone_index, phone, "number")
            phones.append(_phone_plan(phone, phone_label, org, None, reference, problems))
        for service_index, service_data in enumerate(reader.records("services")):
            service_label = f"{label} › " + _label("services", service_index, service_data)
            service, service_phones = _service_plan(service_data, service_label, org, reference, problems)
            services.append(service)
            for phone_index, phone in enumerate(service_phones):
                phone_label = f"{service_label} › " + _label("phones", phone_index, phone, "number")
                phones.append(_phone_plan(phone, phone_label, org, service, reference, problems))
    plans = organizations + services + phones
    _check_duplicates(plans, problems)
    return plans


def _check_duplicates(plans: list[_Plan], problems: list[Problem]) -> None:
    """Two records of the file that would be the same row, or break a unique field between them."""
    seen: dict[tuple, str] = {}
    for plan in plans:
        keys: list[tuple[str, type[models.Model], object]] = [("id", plan.model, plan.id)] if plan.id else []
        if plan.model is Organization:
            keys += [("name", plan.model, plan.values["name"].casefold())]
            if "slug" in plan.values:
                keys += [("slug", plan.model, plan.values["slug"])]
        if plan.model is TextAlert and plan.values["keyword"]:
            keys += [("text_keyword", plan.model, (plan.values["keyword"], plan.values["short_code"]))]
        if plan.match:
            keys += [("name", plan.model, tuple(str(value) for value in plan.match.values()))]
        for key in keys:
            if key in seen:
                problems.append(
                    Problem(plan.label, key[0], _("the same as %(other)s") % {"other": seen[key]})
                )
            else:
                seen[key] = plan.label


def _bind(plans: list[_Plan], problems: list[Problem]) -> None:
    """Find or build each plan's row, set the file's values on it and validate it, without saving anything."""
    existing: dict[type, dict] = {}
    for model in {plan.model for plan in plans}:
        ids = [plan.id for plan in plans if plan.model is model and plan.id]
        existing[model] = model._default_manager.in_bulk(ids)
    for plan in plans:
        instance = existing[plan.model].get(plan.id) if plan.id else None
        if instance is None and plan.match and None not in plan.match.values():
            found = list(plan.model._default_manager.filter(**plan.match)[:2])
            if len(found) > 1:
                problems.append(Problem(plan.label, "name", _("more than one service matches; give its id")))
            instance = found[0] if len(found) == 1 else None
        if instance is None:
            instance = plan.model(**({"id": plan.id} if plan.id else {}))
            plan.created = True
            for name, value in plan.new_only.items():
                setattr(instance, name, value)
        plan.instance = instance
        for name, value in plan.values.items():
            if getattr(instance, name) != value:
                plan.changed_fields.append(name)
                setattr(instance, name, value)
        for name, parent in plan.parents.items():
            target = parent.instance if isinstance(parent, _Plan) else parent
            if getattr(instance, f"{name}_id") != (target.pk if target else None):
                plan.changed_fields.append(name)
                setattr(instance, name, target)
        for name, items in plan.relations.items():
            current = set() if plan.created else set(getattr(instance, name).values_list("pk", flat=True))
            if current != {item.pk for item in items}:
                plan.changed_relations.append(name)
        _validate(plan, problems)


def _validate(plan: _Plan, problems: list[Problem]) -> None:
    """Model validation, with each broken constraint reported against the field it is about."""
    instance = plan.instance
    assert instance is not None, "_bind gives every plan its row first"
    # Foreign keys were resolved by the plan (some to rows not saved yet), so only the row's own fields are checked.
    exclude = {f.name for f in plan.model._meta.concrete_fields if f.is_relation}
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            exclude.add(name)
            problems.extend(
                Problem(plan.label, "" if name == NON_FIELD_ERRORS else name, m) for m in messages
            )
    for constraint in plan.model._meta.constraints:
        try:
            constraint.validate(plan.model, instance, exclude=exclude)
        except ValidationError as error:
            problems.extend(Problem(plan.label, _constraint_field(constraint), m) for m in error.messages)


def _constraint_field(constraint: models.BaseConstraint) -> str:
    if fields := getattr(constraint, "fields", ()):
        return ", ".join(fields)
    return next(iter(_condition_fields(getattr(constraint, "condition", None))), "")


def _condition_fields(node: object) -> list[str]:
    names: list[str] = []
    for child in getattr(node, "children", []):
        names += [child[0].split(LOOKUP_SEP)[0]] if isinstance(child, tuple) else _condition_fields(child)
    return names


def _save(plans: list[_Plan], report: ImportReport) -> None:
    for plan in plans:
        instance = plan.instance
        assert instance is not None, "_bind gives every plan its row first"
        has_updated_at = any(f.name == "updated_at" for f in plan.model._meta.concrete_fields)
        if plan.created:
            instance.save(force_insert=True)
        elif plan.changed_fields or plan.changed_relations:
            # A changed county or language list is a change to the row: it shows in `last_modified`.
            instance.save(update_fields=plan.changed_fields + (["updated_at"] if has_updated_at else []))
        for name in plan.changed_relations if not plan.created else plan.relations:
            getattr(instance, name).set(plan.relations[name])
        if plan.created:
            outcome = "created"
        elif plan.changed_fields or plan.changed_relations:
            outcome = "updated"
        else:
            outcome = "unchanged"
        report.counts[str(plan.model._meta.verbose_name_plural)][outcome] += 1


class _Rollback(Exception):
    pass


def _apply(plans: list[_Plan], report: ImportReport) -> ImportReport:
    """Validate every row, then write them all in one transaction; with any problem, write nothing."""
    try:
        with transaction.atomic():
            # Rows are validated even when the file already has problems, so one run reports them all.
            found: list[Problem] = []
            _bind(plans, found)
            report.add(found)
            if not report.ok:
                raise _Rollback
            _save(plans, report)
    except _Rollback:
        report.counts.clear()
    except DatabaseError as error:
        report.counts.clear()
        report.problems.append(Problem(_("file"), "", str(error)))
    return report


def import_document(data: object) -> ImportReport:
    """Create or update the organizations, services, phones and text alerts of an HSDS document (as exported).

    Rows are matched by id. Every field the mapping covers is set from the file (a missing attribute means
    empty, false or zero), except an organization's short name, which is kept when the file has none. Rows the
    file does not mention are left alone. Running it again with the same file changes nothing.
    """
    report = ImportReport(problems=schema_problems(data))
    planned: list[Problem] = []
    plans = plan_document(data, planned)
    report.add(planned)
    return _apply(plans, report)


def import_file(path: Path) -> ImportReport:
    """Import a JSON document (as export_directory writes it) or a CSV of services, told apart by the name."""
    # Imported here, not at the top: the CSV import builds on this module's machinery.
    from directory.hsds.csv_import import import_csv

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportReport(problems=[Problem(_("file"), "", _("not UTF-8 text"))])
    if path.suffix.lower() == ".csv" or (
        path.suffix.lower() != ".json" and not text.lstrip().startswith("{")
    ):
        return import_csv(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = _("not valid JSON (line %(line)s, column %(column)s)") % {
            "line": error.lineno,
            "column": error.colno,
        }
        return ImportReport(problems=[Problem(_("file"), "", message)])
    return import_document(data)
