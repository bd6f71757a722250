"""HSDS 3.0 records built from the directory's rows: ids, taxonomies, the network's "fields" terms, and one
function per record kind (organization, service, phone, text alert, taxonomy term). docs/hsds.md documents the mapping.

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

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from directory.models import (
    County,
    Language,
    Organization,
    Phone,
    PhoneType,
    Service,
    ServiceCategory,
    TextAlert,
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
        FieldTerm(
            "signup_url",
            "Text alert sign-up page",
            "The web page where people ask to join a text alert that has no keyword.",
        ),
        FieldTerm("county", "County", "A county the line serves (5-digit FIPS code)."),
        FieldTerm("statewide", "Statewide", "true when the line serves all of North Carolina."),
    ]
}
FIELD_TERMS_BY_ID = {term.id: term for term in FIELD_TERMS.values()}

# HSDS phone types come from RFC 6350; the network's own kind of line travels in a "phone_kind" attribute.
TEXT_ALERT_KIND = "text_alert"
HSDS_PHONE_TYPES: dict[str, str] = {
    PhoneType.HOTLINE: "voice",
    PhoneType.OFFICE: "voice",
    PhoneType.TEXT: "text",
}


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
        "extension": int(phone.extension)
        if phone.extension.isascii() and phone.extension.isdigit()
        else None,
        "type": HSDS_PHONE_TYPES[phone.type],
        "description": phone.description,
        "languages": _languages("phone", phone.id, phone.languages.all()),
        "attributes": attributes.items,
    }
    return _compact(record)


def text_alert_record(alert: TextAlert) -> dict:
    """A raid alert by text message is an HSDS phone with `phone_kind` "text_alert". With a keyword ("text
    @siembra4 to 81010") the number is the short code, of type "text"; without one, it is the number people call
    to ask to join (type "voice"), or empty when they sign up only on a web page (`signup_url`)."""
    attributes = _Attributes("phone", alert.id)
    attributes.add("phone_kind", TEXT_ALERT_KIND)
    attributes.add("text_keyword", alert.keyword)
    attributes.add("signup_url", alert.signup_url)
    attributes.add("description_es", alert.description_es)
    _counties(attributes, alert.counties.all(), alert.is_statewide)
    if alert.keyword:
        number, kind = alert.short_code, "text"
    else:
        number, kind = alert.signup_phone, "voice" if alert.signup_phone else ""
    record = {
        "id": str(alert.id),
        "organization_id": str(alert.organization_id),
        "number": number,
        "type": kind,
        "description": alert.description,
        "languages": [],
        "attributes": attributes.items,
    }
    # HSDS requires a number; an alert joined only on a web page has none to give.
    return _compact(record, keep=["number"])


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
