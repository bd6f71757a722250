"""The demo network, taken from the public post the network started from: organizations, services, hotlines and
text alerts in an HSDS file (fixtures/directory.json) loaded by the directory's own importer, as a real network's
directory would be; plus what HSDS has no place for: the resources (guides, apps, funds, toolkits, petitions, articles) and one
account per role, plus a second volunteer who has no training yet.

The post is kept beside the data as fixtures/source-post.txt, copied from the project's shared context
(context/source-post.txt: a Stamp NC Blue post written on Valentine's Day during ICE raids across the state), so that
tests/demo/test_source_post.py can check on a clean checkout that every number, keyword and organization it names is
on the county pages it names.

Facts (names, counties, numbers, keywords) are copied from the post; capacities and hours are made up. Where the post
gives no link, the resource has none, or the publisher's home page when it is certain; where it gives no keyword for
raid alerts by text (RadarSafe Raleigh, Alerta Migratoria NC), the alert says to call the organization's own line
from the post and ask to join, rather than a keyword nobody published.
fixtures/directory.json was written once by `export_directory` from the earlier Python version of this data and
is now the thing to edit. Its ids are what make seeding idempotent: the importer matches rows by id.
"""

import json
import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from directory import hsds
from directory.models import County, Language, Organization, Resource, ResourceKind, Role, Training, User

DIRECTORY_FILE = Path(__file__).resolve().parent / "fixtures" / "directory.json"
SOURCE_POST_FILE = Path(__file__).resolve().parent / "fixtures" / "source-post.txt"
DEFAULT_DEMO_PASSWORD = "rapid-response-demo"

# Counties by name, for resources meant for some counties only (no county: the whole state).
LIBERATION_FUND_COUNTIES = ["Durham", "Orange", "Wake", "Chatham", "Lee", "Randolph"]
TRIAD_COUNTIES = ["Alamance", "Forsyth", "Guilford"]


@dataclass(frozen=True)
class DemoResource:
    title: str
    title_es: str
    kind: str
    organization: str | None  # slug
    description: str
    description_es: str
    languages: list[str]
    url: str = ""
    url_es: str = ""
    publisher: str = ""
    counties: list[str] = field(default_factory=list)


RESOURCES = [
    DemoResource(
        organization="aclu-of-nc",
        kind=ResourceKind.GUIDE,
        title="Know your rights when ICE comes to your door",
        title_es="Conozca sus derechos si ICE llega a su puerta",
        url="https://www.acluofnorthcarolina.org/en/know-your-rights",
        # The ACLU of North Carolina's site keeps its Spanish pages under /es/.
        url_es="https://www.acluofnorthcarolina.org/es/know-your-rights",
        languages=["en", "es"],
        description="ACLU guides, available in several languages.",
        description_es="Guías de la ACLU, disponibles en varios idiomas.",
    ),
    DemoResource(
        organization="aclu-of-nc",
        kind=ResourceKind.APP,
        title="Mobile Justice NC",
        title_es="Mobile Justice NC",
        url="https://www.acluofnorthcarolina.org/en/mobile-justice",
        languages=["en", "es"],
        description="Record and upload raids or police actions you observe.",
        description_es="Grabe y envíe redadas o acciones policiales que vea.",
    ),
    DemoResource(
        organization="el-centro-hispano",
        kind=ResourceKind.FUND,
        title="Liberation Not Deportation fund",
        title_es="Fondo Liberation Not Deportation",
        languages=["en", "es"],
        description="Regional fund for families affected by raids. Questions: El Centro Hispano 919-687-4635 or The Hispanic Liaison 919-742-1448.",
        description_es="Fondo regional para familias afectadas por redadas. Preguntas: El Centro Hispano 919-687-4635 o The Hispanic Liaison 919-742-1448.",
        # Where its two contacts work: El Centro Hispano in Durham, Orange and Wake; The Hispanic Liaison in
        # Chatham, Lee and Randolph.
        counties=LIBERATION_FUND_COUNTIES,
    ),
    DemoResource(
        organization="siembra-nc",
        kind=ResourceKind.FUND,
        title="Siembra NC GoFundMe for families in the Triad",
        title_es="GoFundMe de Siembra NC para familias del Triad",
        languages=["en", "es"],
        description="Siembra NC's GoFundMe page for families in the Triad affected by the raids.",
        description_es="La página de GoFundMe de Siembra NC para familias del Triad afectadas por las redadas.",
        # The Triad counties Siembra NC serves (its text alerts and its family fund).
        counties=TRIAD_COUNTIES,
    ),
    DemoResource(
        organization=None,
        kind=ResourceKind.TOOLKIT,
        title="How to be an immigrant ally locally",
        title_es="Cómo apoyar a inmigrantes en su comunidad",
        publisher="Indivisible",
        url="https://indivisible.org/",
        languages=["en"],
        description="A toolkit for neighbors who want to help.",
        description_es="Una guía para vecinos que quieren ayudar.",
    ),
    DemoResource(
        organization=None,
        kind=ResourceKind.GUIDE,
        title="If you see a raid or an arrest: eight images",
        title_es="Si ve una redada o un arresto: ocho imágenes",
        publisher="Latinx Caucus, UNC School of Social Work",
        languages=[],
        description="A Facebook image series on what to do if you see a raid or an arrest, and how to be an ally. Click through all eight images.",
        description_es="Una serie de imágenes en Facebook sobre qué hacer si ve una redada o un arresto, y cómo ser aliado. Vea las ocho imágenes.",
    ),
    DemoResource(
        organization=None,
        kind=ResourceKind.ARTICLE,
        title="How to responsibly share information about ICE raids on social media",
        title_es="Cómo compartir con responsabilidad información sobre redadas de ICE en las redes sociales",
        publisher="Lifehacker",
        languages=["en"],
        description="A Lifehacker guide to sharing news of ICE raids on social media responsibly.",
        description_es="Una guía de Lifehacker para compartir con responsabilidad noticias de redadas de ICE en las redes sociales.",
    ),
    DemoResource(
        organization="aclu-of-nc",
        kind=ResourceKind.PETITION,
        title="Letter against targeted raids",
        title_es="Carta contra las redadas",
        languages=["en", "es"],
        description="Tell your representatives that targeted raids make communities less safe.",
        description_es="Dígales a sus representantes que las redadas hacen las comunidades menos seguras.",
    ),
    DemoResource(
        organization="siembra-nc",
        kind=ResourceKind.PETITION,
        title="Siembra NC letter against the raids",
        title_es="Carta de Siembra NC contra las redadas",
        url="https://siembranc.org/",
        languages=["es", "en"],
        description="Sign and share Siembra NC's letter against the raids.",
        description_es="Firme y comparta la carta de Siembra NC contra las redadas.",
    ),
]

# Resources an earlier demo listed and this one does not: seeding removes them. Mi Maletín is a legal aid group (an
# organization with a legal service in Durham, in the HSDS file), not a fund.
RETIRED_RESOURCES = ["Mi Maletín legal aid"]

# (email, display name, organization slug, role)
USERS = [
    ("volunteer@demo.example", "Vera Volunteer", "el-centro-hispano", Role.VOLUNTEER),
    ("volunteer2@demo.example", "Uma Untrained", "el-centro-hispano", Role.VOLUNTEER),
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

    counties = {county.name: county for county in County.objects.all()}
    for item in RESOURCES:
        resource = _put(
            Resource,
            {"title": item.title},
            {
                "organization": orgs[item.organization] if item.organization else None,
                "kind": item.kind,
                "title_es": item.title_es,
                "url": item.url,
                "url_es": item.url_es,
                "publisher": item.publisher,
                "description": item.description,
                "description_es": item.description_es,
            },
        )
        resource.languages.set(_languages(item.languages))
        resource.counties.set([counties[name] for name in item.counties])
    Resource.objects.filter(title__in=RETIRED_RESOURCES).delete()

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
    _train_demo_volunteer(users)
    return users


def _train_demo_volunteer(users: list[User]) -> None:
    """Vera took the intake course about two months before the demo was seeded, as recorded by the coordinator, so
    she may log cases; Uma has no training, to show what an untrained volunteer sees. Seeding again records
    nothing while Vera's training is current."""
    by_email = {user.email: user for user in users}
    vera = by_email["volunteer@demo.example"]
    if not vera.training_current():
        completed_on = timezone.localdate() - timedelta(days=60)
        coordinator = by_email["coordinator@demo.example"]
        Training.objects.create(
            user=vera, course="Rapid response intake", completed_on=completed_on, recorded_by=coordinator
        )
