"""The directory in HSDS 3.0 (Open Referral's Human Services Data Specification): records for the public API and
the export, and the import that reads them back. docs/hsds.md documents the mapping.

Only public directory data goes out: organizations, their services, phones and text alerts, the service
categories. Never accounts, referrals, an organization's intake email or the demo flags.

In short:
- Ids are the models' UUIDs. Rows that have no UUID of their own (a service's county or language, an attribute)
  get a uuid5 derived from what they link, so every export of the same data has the same ids.
- HSDS has no place for Spanish text or for the network's own fields (capacity, hub/partner, a phone's counties
  and hours...). They travel as HSDS attributes whose taxonomy terms belong to the network's "fields" taxonomy,
  with the value in `value`: an extension every HSDS consumer can parse, that survives HSDS's tabular form too.
- Counties are service areas whose `uri` is "urn:fips:<FIPS code>"; "urn:fips:37" is the whole state.
"""

import csv
import io
import json
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils.text import slugify
from django.utils.translation import gettext as _

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

HSDS_VERSION = "3.0"
URN_PREFIX = "urn:referral-network"
STATE_FIPS = "37"
FIPS_URI_PREFIX = "urn:fips:"


def stable_id(*parts: object) -> str:
    """The same UUID in every installation for the same thing: uuid5 of a URN built from the parts.

    Service categories use the same scheme ("urn:referral-network:service-category:<code>", see migration 0004).
    """
    return str(uuid.uuid5(uuid.NAMESPACE_URL, ":".join([URN_PREFIX, *map(str, parts)])))


def fips_uri(fips: str) -> str:
    return f"{FIPS_URI_PREFIX}{fips}"


CATEGORY_TAXONOMY = {
    "id": stable_id("taxonomy", "service-categories"),
    "name": "Rapid-response service categories",
    "description": "The kinds of help a North Carolina rapid-response network routes families to after an "
    "immigration raid or detention. Each service has exactly one.",
    "version": "1",
}
FIELD_TAXONOMY = {
    "id": stable_id("taxonomy", "fields"),
    "name": "Referral network fields",
    "description": "Directory fields that HSDS 3.0 has no place for, carried as attribute values: the Spanish "
    "text of bilingual fields and the network's own fields. The term code names the field.",
    "version": "1",
}
TAXONOMIES = [CATEGORY_TAXONOMY, FIELD_TAXONOMY]


@dataclass(frozen=True)
class FieldTerm:
    """A taxonomy term of the "fields" taxonomy: what an attribute's value means."""

    code: str
    name: str
    description: str
    translation: bool = False

    @property
    def id(self) -> str:
        return stable_id("field", self.code)

    def record(self) -> dict:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "taxonomy": FIELD_TAXONOMY["name"],
            "taxonomy_id": FIELD_TAXONOMY["id"],
            "language": "en",
        }


FIELD_TERMS = {
    term.code: term
    for term in [
        FieldTerm("name_es", "Name in Spanish", "The record's name in Spanish.", translation=True),
        FieldTerm(
            "description_es", "Description in Spanish", "The description in Spanish.", translation=True
        ),
        FieldTerm(
            "eligibility_description_es",
            "Eligibility in Spanish",
            "Who the service is for, in Spanish.",
            translation=True,
        ),
        FieldTerm("hours", "Hours", "When the line is answered, as free text."),
        FieldTerm("hours_es", "Hours in Spanish", "When the line is answered, in Spanish.", translation=True),
        FieldTerm("slug", "Short name", "The organization's short name in the network's web addresses."),
        FieldTerm("hub", "Does intake", "true when the organization logs families' needs for the network."),
        FieldTerm("partner", "Takes referrals", "true when the organization accepts referrals."),
        FieldTerm("language", "Language", "A language the organization works in (ISO 639 code)."),
        FieldTerm(
            "assured_date", "Listing last confirmed", "When the organization last confirmed its listing."
        ),
        FieldTerm("accepting_referrals", "Accepting referrals", "true when the service takes new referrals."),
        FieldTerm(
            "capacity_available", "Places available", "How many more families the service can take now."
        ),
        FieldTerm("capacity_maximum", "Places in all", "How many families the service can take at once."),
        FieldTerm(
            "response_hours", "Promised response time", "Hours within which a new referral is answered."
        ),
        FieldTerm(
            "phone_kind", "Kind of line", "hotline, office, text (a line that takes texts) or text_alert."
        ),
        FieldTerm(
            "text_keyword", "Text alert keyword", "The keyword to text to the short code to get alerts."
        ),
        FieldTerm("county", "County", "A county the line serves (5-digit FIPS code)."),
        FieldTerm("statewide", "Statewide", "true when the line serves all of North Carolina."),
    ]
}
FIELD_TERMS_BY_ID = {term.id: term for term in FIELD_TERMS.values()}

# HSDS phone types come from RFC 6350; the network's own kind of line travels in a "phone_kind" attribute.
TEXT_ALERT_KIND = "text_alert"
HSDS_PHONE_TYPES = {PhoneType.HOTLINE: "voice", PhoneType.OFFICE: "voice", PhoneType.TEXT: "text"}


# --- Records ----------------------------------------------------------------------------------------------------


def _compact(record: dict, *, keep: Iterable[str] = ()) -> dict:
    """Optional fields that are empty are left out rather than sent as "" (an empty URL is not a URI)."""
    kept = set(keep)
    return {key: value for key, value in record.items() if key in kept or value not in ("", None)}


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _timestamp(value: datetime) -> str:
    # HSDS asks for millisecond accuracy; UTC with "Z" reads the same wherever the server is.
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def category_term(category: ServiceCategory) -> dict:
    return {
        "id": str(category.id),
        "code": category.code,
        "name": category.name,
        "description": category.description,
        "taxonomy": CATEGORY_TAXONOMY["name"],
        "taxonomy_id": CATEGORY_TAXONOMY["id"],
        "language": "en",
    }


def taxonomy_term_records(categories: Iterable[ServiceCategory]) -> list[dict]:
    return [category_term(category) for category in categories] + [
        term.record() for term in FIELD_TERMS.values()
    ]


class _Attributes:
    """Builds one record's `attributes`, with ids derived from the record, the term and (for lists) the value."""

    def __init__(self, entity: str, link_id: object):
        self.entity = entity
        self.link_id = str(link_id)
        self.items: list[dict] = []

    def category(self, category: ServiceCategory) -> None:
        self.items.append(
            {
                "id": stable_id(self.entity, self.link_id, "attribute", "category"),
                "link_id": self.link_id,
                "link_entity": self.entity,
                "link_type": "category",
                "taxonomy_term_id": str(category.id),
                "taxonomy_term": category_term(category),
            }
        )

    def add(self, code: str, value: str, *, many: bool = False) -> None:
        if value == "":
            return
        term = FIELD_TERMS[code]
        parts = [self.entity, self.link_id, "attribute", code] + ([value] if many else [])
        self.items.append(
            {
                "id": stable_id(*parts),
                "link_id": self.link_id,
                "link_entity": self.entity,
                "link_type": "translation" if term.translation else "network_field",
                "taxonomy_term_id": term.id,
                "value": value,
                "taxonomy_term": term.record(),
            }
        )


def _languages(entity: str, link_id: object, languages: Iterable[Language]) -> list[dict]:
    # HSDS language rows belong to one service or phone and their ids must be unique, so the id is derived
    # from the link as well as the language code.
    return [
        {
            "id": stable_id(entity, link_id, "language", language.code),
            f"{entity}_id": str(link_id),
            "name": language.name,
            "code": language.code,
        }
        for language in sorted(languages, key=lambda language: language.code)
    ]


def _counties(attributes: _Attributes, counties: Iterable[County], statewide: bool) -> None:
    for county in sorted(counties, key=lambda county: county.fips):
        attributes.add("county", county.fips, many=True)
    attributes.add("statewide", _bool(statewide))


def phone_record(phone: Phone) -> dict:
    attributes = _Attributes("phone", phone.id)
    attributes.add("phone_kind", phone.type)
    attributes.add("description_es", phone.description_es)
    attributes.add("hours", phone.hours)
    attributes.add("hours_es", phone.hours_es)
    _counties(attributes, phone.counties.all(), phone.is_statewide)
    record = {
        "id": str(phone.id),
        "organization_id": str(phone.organization_id),
        "service_id": str(phone.service_id) if phone.service_id else None,
        "number": phone.number,
        # HSDS makes the extension a number; one with other characters cannot be expressed and is left out.
        "extension": int(phone.extension) if phone.extension.isdigit() else None,
        "type": HSDS_PHONE_TYPES[phone.type],
        "description": phone.description,
        "languages": _languages("phone", phone.id, phone.languages.all()),
        "attributes": attributes.items,
    }
    return _compact(record)


def text_alert_record(alert: TextAlert) -> dict:
    """A raid alert by text message ("text @siembra4 to 81010") is an HSDS phone of type "text"."""
    attributes = _Attributes("phone", alert.id)
    attributes.add("phone_kind", TEXT_ALERT_KIND)
    attributes.add("text_keyword", alert.keyword)
    attributes.add("description_es", alert.description_es)
    _counties(attributes, alert.counties.all(), False)
    record = {
        "id": str(alert.id),
        "organization_id": str(alert.organization_id),
        "number": alert.short_code,
        "type": "text",
        "description": alert.description,
        "languages": [],
        "attributes": attributes.items,
    }
    return _compact(record)


def organization_summary(org: Organization) -> dict:
    """The organization's one-to-one HSDS fields: what lists and a service's `organization` carry."""
    record = {
        "id": str(org.id),
        "name": org.name,
        "description": org.description,
        "email": org.email,
        "website": org.website,
    }
    return _compact(record, keep=["description"])


def organization_record(
    org: Organization, *, services: Iterable[Service] = (), full_services: bool = True
) -> dict:
    """A fully nested organization: its attributes, its own phones and text alerts, and the services given.

    Phones that belong to a service are nested in that service, not repeated here.
    """
    attributes = _Attributes("organization", org.id)
    attributes.add("description_es", org.description_es)
    attributes.add("slug", org.slug)
    attributes.add("hub", _bool(org.is_hub))
    attributes.add("partner", _bool(org.is_partner))
    for language in sorted(org.languages.all(), key=lambda language: language.code):
        attributes.add("language", language.code, many=True)
    attributes.add("assured_date", org.assured_date.isoformat() if org.assured_date else "")
    phones = [phone_record(phone) for phone in org.phones.all() if phone.service_id is None]
    phones += [text_alert_record(alert) for alert in org.text_alerts.all()]
    return {
        **organization_summary(org),
        "phones": phones,
        "attributes": attributes.items,
        "services": [
            service_record(service, full=full_services, with_organization=False) for service in services
        ],
    }


def service_record(service: Service, *, full: bool = True, with_organization: bool = True) -> dict:
    """A service: its one-to-one fields, with the organization's when asked, and everything nested when full."""
    record = _compact(
        {
            "id": str(service.id),
            "organization_id": str(service.organization_id),
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "eligibility_description": service.eligibility_description,
            "last_modified": _timestamp(service.updated_at),
        },
        keep=["description"],
    )
    if with_organization:
        record["organization"] = organization_summary(service.organization)
    if not full:
        return record

    areas = [
        {
            "id": stable_id("service", service.id, "service-area", county.fips),
            "service_id": str(service.id),
            "name": f"{county.name} County",
            "uri": fips_uri(county.fips),
        }
        for county in sorted(service.counties.all(), key=lambda county: county.fips)
    ]
    if service.is_statewide:
        areas.insert(
            0,
            {
                "id": stable_id("service", service.id, "service-area", STATE_FIPS),
                "service_id": str(service.id),
                "name": "North Carolina",
                "uri": fips_uri(STATE_FIPS),
            },
        )
    attributes = _Attributes("service", service.id)
    attributes.category(service.category)
    attributes.add("name_es", service.name_es)
    attributes.add("description_es", service.description_es)
    attributes.add("eligibility_description_es", service.eligibility_description_es)
    attributes.add("accepting_referrals", _bool(service.accepting_referrals))
    attributes.add("capacity_available", str(service.capacity_available))
    attributes.add("capacity_maximum", str(service.capacity_maximum))
    attributes.add("response_hours", str(service.response_hours or ""))
    return {
        **record,
        "phones": [phone_record(phone) for phone in service.phones.all()],
        # The directory keeps no opening hours for services; a phone's hours travel with the phone.
        "schedules": [],
        "service_areas": areas,
        "languages": _languages("service", service.id, service.languages.all()),
        "attributes": attributes.items,
    }


# --- Querysets: every list is a fixed number of queries, however many rows -------------------------------------


def _by_code() -> QuerySet[Language]:
    return Language.objects.order_by("code")


def _by_fips() -> QuerySet[County]:
    return County.objects.order_by("fips")


def phones_queryset() -> QuerySet[Phone]:
    return Phone.objects.order_by("type", "number", "id").prefetch_related(
        Prefetch("languages", queryset=_by_code()), Prefetch("counties", queryset=_by_fips())
    )


def services_queryset(*, full: bool = True) -> QuerySet[Service]:
    """Services in a stable order, with what their records read fetched up front."""
    queryset = Service.objects.select_related("organization", "category").order_by(
        "organization__name", "category__position", "name", "id"
    )
    if full:
        queryset = queryset.prefetch_related(
            Prefetch("languages", queryset=_by_code()),
            Prefetch("counties", queryset=_by_fips()),
            Prefetch("phones", queryset=phones_queryset()),
        )
    return queryset


def public_services() -> QuerySet[Service]:
    """What the public API shows: active services only."""
    return services_queryset().filter(status=ServiceStatus.ACTIVE)


def organizations_queryset(*, services: QuerySet[Service] | None = None) -> QuerySet[Organization]:
    """Organizations with their languages, phones, text alerts and the given services (`hsds_services`)."""
    return Organization.objects.order_by("name", "id").prefetch_related(
        Prefetch("languages", queryset=_by_code()),
        Prefetch("phones", queryset=phones_queryset()),
        Prefetch(
            "text_alerts",
            queryset=TextAlert.objects.order_by("keyword", "short_code", "id").prefetch_related(
                Prefetch("counties", queryset=_by_fips())
            ),
        ),
        Prefetch(
            "services",
            queryset=(services if services is not None else services_queryset()).order_by(
                "category__position", "name", "id"
            ),
            to_attr="hsds_services",
        ),
    )


def export_document() -> dict:
    """The whole directory as one HSDS document: taxonomies, terms, and organizations with everything nested.

    Every service is included whatever its status, so the document can restore or move a directory.
    """
    organizations = organizations_queryset()
    return {
        "hsds_version": HSDS_VERSION,
        "taxonomies": [dict(taxonomy) for taxonomy in TAXONOMIES],
        "taxonomy_terms": taxonomy_term_records(ServiceCategory.objects.order_by("position", "code")),
        "organizations": [organization_record(org, services=org.hsds_services) for org in organizations],
    }


def export_json(document: dict | None = None) -> str:
    return json.dumps(document or export_document(), ensure_ascii=False, indent=2) + "\n"


# --- Import -----------------------------------------------------------------------------------------------------

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
TRUE_WORDS = {"true", "yes", "y", "1", "sí", "si"}
FALSE_WORDS = {"false", "no", "n", "0"}
LIST_SEPARATOR = re.compile(r"[;,]")


@dataclass
class Problem:
    """One thing wrong in an import file: which record, which field, what."""

    record: str
    field: str
    message: str

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
    parents: dict[str, "_Plan | models.Model"] = field(default_factory=dict)
    relations: dict[str, list[models.Model]] = field(default_factory=dict)
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
            term = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"), dict) else {}
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
        if not value.isdigit():
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
        return _Plan(
            TextAlert,
            label,
            reader.id(),
            values={
                "keyword": attributes.text("text_keyword"),
                "short_code": number,
                "description": reader.text("description"),
                "description_es": attributes.text("description_es"),
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
    elif isinstance(extension, str) and extension.strip().isdigit():
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
        keys = [("id", plan.model, plan.id)] if plan.id else []
        if plan.model is Organization:
            keys += [("name", plan.model, plan.values["name"].casefold())]
            if "slug" in plan.values:
                keys += [("slug", plan.model, plan.values["slug"])]
        if plan.model is TextAlert:
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
    for org in organizations:
        for key in (str(org.id), org.slug, org.name.casefold()):
            org_keys[key] = org
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
        for name, default in [("capacity_available", 0), ("capacity_maximum", 0), ("response_hours", None)]:
            if name in cells:
                if cells[name] and not cells[name].isdigit():
                    problem(name, _("expected a whole number"))
                values[name] = int(cells[name]) if cells[name].isdigit() else default
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


def _bind(plans: list[_Plan], problems: list[Problem]) -> None:
    """Find or build each plan's row, set the file's values on it and validate it, without saving anything."""
    existing: dict[type, dict] = {}
    for model in {plan.model for plan in plans}:
        ids = [plan.id for plan in plans if plan.model is model and plan.id]
        existing[model] = model.objects.in_bulk(ids)
    for plan in plans:
        instance = existing[plan.model].get(plan.id) if plan.id else None
        if instance is None and plan.match and None not in plan.match.values():
            found = list(plan.model.objects.filter(**plan.match)[:2])
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
    names = []
    for child in getattr(node, "children", []):
        names += [child[0].split(LOOKUP_SEP)[0]] if isinstance(child, tuple) else _condition_fields(child)
    return names


def _save(plans: list[_Plan], report: ImportReport) -> None:
    for plan in plans:
        instance = plan.instance
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
            _bind(plans, report.problems)
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
    report = ImportReport()
    plans = plan_document(data, report.problems)
    return _apply(plans, report)


def import_csv(text: str) -> ImportReport:
    """Create or update services from a CSV file: by id when given, else by organization, category and name.

    Columns the file leaves out are left as they are on existing services.
    """
    report = ImportReport()
    plans = plan_csv(text, report.problems)
    return _apply(plans, report)


def import_file(path: Path) -> ImportReport:
    """Import a JSON document (as export_directory writes it) or a CSV of services, told apart by the name."""
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
