"""The demo network, taken from the public post the network started from: organizations, services, hotlines and
text alerts in an HSDS file (fixtures/directory.json) loaded by the directory's own importer, as a real network's
directory would be; plus what HSDS has no place for: the resources (guides, apps, funds, toolkits) and one
account per role.

Facts (names, counties, numbers, keywords) are copied from the post; capacities and hours are made up.
fixtures/directory.json was written once by `export_directory` from the earlier Python version of this data and
is now the thing to edit. Its ids are what make seeding idempotent: the importer matches rows by id.
"""

import json
import os
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from directory import hsds
from directory.models import Language, Organization, Resource, ResourceKind, Role, User

DIRECTORY_FILE = Path(__file__).resolve().parent / "fixtures" / "directory.json"
DEFAULT_DEMO_PASSWORD = "rapid-response-demo"

# (organization, kind, title, title_es, url, languages, description, description_es)
RESOURCES = [
    (
        "aclu-of-nc",
        ResourceKind.GUIDE,
        "Know your rights when ICE comes to your door",
        "Conozca sus derechos si ICE llega a su puerta",
        "https://www.acluofnorthcarolina.org/en/know-your-rights",
        ["en", "es"],
        "ACLU guides, available in several languages.",
        "Guías de la ACLU, disponibles en varios idiomas.",
    ),
    (
        "aclu-of-nc",
        ResourceKind.APP,
        "Mobile Justice NC",
        "Mobile Justice NC",
        "https://www.acluofnorthcarolina.org/en/mobile-justice",
        ["en", "es"],
        "Record and upload raids or police actions you observe.",
        "Grabe y envíe redadas o acciones policiales que vea.",
    ),
    (
        "el-centro-hispano",
        ResourceKind.FUND,
        "Liberation Not Deportation fund",
        "Fondo Liberation Not Deportation",
        "",
        ["en", "es"],
        "Regional fund for families affected by raids. Questions: El Centro Hispano 919-687-4635 or The Hispanic Liaison 919-742-1448.",
        "Fondo regional para familias afectadas por redadas. Preguntas: El Centro Hispano 919-687-4635 o The Hispanic Liaison 919-742-1448.",
    ),
    (
        "mi-maletin",
        ResourceKind.FUND,
        "Mi Maletín legal aid",
        "Ayuda legal Mi Maletín",
        "",
        ["es", "en"],
        "Legal aid for affected families in Durham.",
        "Ayuda legal para familias afectadas en Durham.",
    ),
    (
        None,
        ResourceKind.TOOLKIT,
        "How to be an immigrant ally locally",
        "Cómo apoyar a inmigrantes en su comunidad",
        "",
        ["en"],
        "A toolkit for neighbors who want to help.",
        "Una guía para vecinos que quieren ayudar.",
    ),
    (
        "aclu-of-nc",
        ResourceKind.PETITION,
        "Letter against targeted raids",
        "Carta contra las redadas",
        "",
        ["en", "es"],
        "Tell your representatives that targeted raids make communities less safe.",
        "Dígales a sus representantes que las redadas hacen las comunidades menos seguras.",
    ),
]

# (email, display name, organization slug, role)
USERS = [
    ("volunteer@demo.example", "Vera Volunteer", "el-centro-hispano", Role.VOLUNTEER),
    ("coordinator@demo.example", "Carmen Coordinator", "el-centro-hispano", Role.COORDINATOR),
    ("partner@demo.example", "Pablo Partner", "the-hispanic-liaison", Role.PARTNER),
    ("partner2@demo.example", "Paula Partner", "el-refugio", Role.PARTNER),
    ("admin@demo.example", "Ana Admin", "el-centro-hispano", Role.ADMIN),
]


class DemoDirectoryError(Exception):
    """The demo file did not import: the problems, one a line."""


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def _languages(codes: list[str]) -> list[Language]:
    return list(Language.objects.filter(code__in=codes))


def _put[M: Model](model: type[M], lookup: dict, values: dict) -> M:
    """update_or_create that writes only when a value differs, so seeding again leaves even timestamps alone."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        return model._default_manager.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
    return row


def _replaced(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {key: _replaced(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, old, new) for item in value]
    return new if value == old else value


def _network_field(record: dict, code: str) -> dict | None:
    return next(
        (item for item in record.get("attributes", []) if item.get("taxonomy_term", {}).get("code") == code),
        None,
    )


def load_directory_document() -> dict:
    """The demo HSDS document, fitted to the database it is about to be loaded into:

    - an organization that already exists under the same short name (slug) is that organization: the file's id
      for it is replaced by the row's, so the demo takes over an organization a developer (or a test) made
      rather than clashing with it;
    - its "listing last confirmed" date is the one the row already has, or today for a new one, so a fresh demo
      is not flagged as unconfirmed 90 days after the file was written, and seeding again rewrites nothing.
    """
    document = json.loads(DIRECTORY_FILE.read_text(encoding="utf-8"))
    existing = {
        slug: (str(pk), confirmed)
        for slug, pk, confirmed in Organization.objects.values_list("slug", "id", "assured_date")
    }
    today = timezone.localdate()
    organizations = []
    for record in document["organizations"]:
        slug = _network_field(record, "slug")
        row_id, confirmed = existing.get(slug["value"] if slug else "", (record["id"], None))
        record = _replaced(record, record["id"], row_id)
        if assured := _network_field(record, "assured_date"):
            assured["value"] = (confirmed or today).isoformat()
        organizations.append(record)
    return {**document, "organizations": organizations}


@transaction.atomic
def seed_demo(*, password: str) -> list[User]:
    """Load the demo directory, its resources and one account per role. Running it again changes nothing."""
    report = hsds.import_document(load_directory_document())
    if not report.ok:
        raise DemoDirectoryError("\n".join(map(str, report.problems)))
    orgs = {org.slug: org for org in Organization.objects.all()}

    for slug, kind, title, title_es, url, languages, description, description_es in RESOURCES:
        resource = _put(
            Resource,
            {"title": title},
            {
                "organization": orgs[slug] if slug else None,
                "kind": kind,
                "title_es": title_es,
                "url": url,
                "description": description,
                "description_es": description_es,
            },
        )
        resource.languages.set(_languages(languages))

    users = []
    for email, name, org_slug, role in USERS:
        user = _put(
            User,
            {"email": email},
            {"display_name": name, "organization": orgs[org_slug], "role": role, "is_active": True},
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        users.append(user)
    return users
