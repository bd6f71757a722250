"""Demo data taken from the public post the network started from. Every row is marked as demo.

Facts (names, counties, numbers, keywords) are copied from the post; capacities and hours are made up.
"""

import os

from django.db import transaction
from django.utils import timezone

from directory.models import (
    County,
    Language,
    Organization,
    Phone,
    PhoneType,
    Resource,
    ResourceKind,
    Role,
    Service,
    ServiceCategory,
    TextAlert,
    User,
)

DEFAULT_DEMO_PASSWORD = "rapid-response-demo"

# slug: name, hub, partner, website, counties (for the description), description, description_es, languages
ORGANIZATIONS = {
    "el-centro-hispano": {
        "name": "El Centro Hispano",
        "is_hub": True,
        "is_partner": True,
        "website": "https://elcentronc.org",
        "description": "Community organization in Durham, Orange and Wake. Runs intake for the rapid-response "
        "network and the Liberation Not Deportation fund.",
        "description_es": "Organización comunitaria en Durham, Orange y Wake. Recibe los casos de la red de "
        "respuesta rápida y administra el fondo Liberation Not Deportation.",
        "languages": ["en", "es"],
    },
    "the-hispanic-liaison": {
        "name": "The Hispanic Liaison",
        "is_partner": True,
        "website": "https://hispanicliaison.org",
        "description": "El Vínculo Hispano serves families in Chatham, Lee and Randolph from Siler City.",
        "description_es": "El Vínculo Hispano atiende a familias de Chatham, Lee y Randolph desde Siler City.",
        "languages": ["en", "es"],
    },
    "el-refugio": {
        "name": "El Refugio",
        "is_partner": True,
        "description": "Support for families in Lee County.",
        "description_es": "Apoyo a familias del condado de Lee.",
        "languages": ["es"],
    },
    "el-pueblo": {
        "name": "El Pueblo",
        "is_partner": True,
        "website": "https://elpueblo.org",
        "description": "Statewide Latino advocacy organization based in Raleigh.",
        "description_es": "Organización latina de defensa de derechos en todo el estado, con sede en Raleigh.",
        "languages": ["en", "es"],
    },
    "siembra-nc": {
        "name": "Siembra NC",
        "is_partner": True,
        "website": "https://siembranc.org",
        "description": "Raid text alerts and community defense in the Triad and Durham.",
        "description_es": "Alertas de redadas por texto y defensa comunitaria en el Triad y Durham.",
        "languages": ["es"],
    },
    "mi-maletin": {
        "name": "Mi Maletín",
        "is_partner": True,
        "description": "Legal aid group supporting affected families in Durham.",
        "description_es": "Grupo de ayuda legal que apoya a las familias afectadas en Durham.",
        "languages": ["en", "es"],
    },
    "comunidad-colectiva": {
        "name": "Comunidad Colectiva",
        "is_partner": True,
        "description": "Rapid response in Charlotte: raid reports, accompaniment and family support.",
        "description_es": "Respuesta rápida en Charlotte: reportes de redadas, acompañamiento y apoyo a familias.",
        "languages": ["en", "es"],
    },
    "radarsafe": {
        "name": "RadarSafe",
        "is_partner": False,
        "description": "Raid reporting hotline and alerts for Wake County.",
        "description_es": "Línea para reportar redadas y alertas en el condado de Wake.",
        "languages": ["en", "es"],
    },
    "cima": {
        "name": "Compañeros Inmigrantes de las Montañas en Acción (CIMA)",
        "is_partner": True,
        "description": "Immigrant-led organization in Asheville and the mountains.",
        "description_es": "Organización dirigida por inmigrantes en Asheville y las montañas.",
        "languages": ["es", "en"],
    },
    "alerta-migratoria-nc": {
        "name": "Alerta Migratoria NC",
        "is_partner": True,
        "description": "Statewide hotline to report and verify immigration enforcement activity.",
        "description_es": "Línea estatal para reportar y verificar actividad de control migratorio.",
        "languages": ["es", "en"],
    },
    "aclu-of-nc": {
        "name": "ACLU of North Carolina",
        "is_partner": False,
        "website": "https://www.acluofnorthcarolina.org",
        "description": "Civil liberties organization: know-your-rights guides and the Mobile Justice app.",
        "description_es": "Organización de libertades civiles: guías de conozca sus derechos y la app Mobile Justice.",
        "languages": ["en", "es"],
    },
}

# (organization, category code, name, name_es, counties or None for statewide, languages, available, maximum, hours)
SERVICES = [
    (
        "el-centro-hispano",
        "bond",
        "Liberation Not Deportation bond fund",
        "Fondo de fianzas Liberation Not Deportation",
        ["Durham", "Orange", "Wake"],
        ["en", "es"],
        4,
        10,
        24,
    ),
    (
        "el-centro-hispano",
        "family-planning",
        "Family emergency planning",
        "Plan de emergencia familiar",
        ["Durham", "Orange", "Wake"],
        ["en", "es"],
        6,
        12,
        None,
    ),
    (
        "el-centro-hispano",
        "basic-needs",
        "Food and rent help",
        "Ayuda con comida y renta",
        ["Durham", "Orange", "Wake"],
        ["en", "es"],
        8,
        20,
        None,
    ),
    (
        "el-centro-hispano",
        "interpretation",
        "Interpretation",
        "Interpretación",
        ["Durham", "Orange", "Wake"],
        ["en", "es"],
        5,
        5,
        None,
    ),
    (
        "the-hispanic-liaison",
        "accompaniment",
        "Accompaniment to court and check-ins",
        "Acompañamiento a la corte y a citas",
        ["Chatham", "Lee", "Randolph"],
        ["en", "es"],
        3,
        8,
        24,
    ),
    (
        "the-hispanic-liaison",
        "emergency-cash",
        "Emergency help for families",
        "Ayuda de emergencia para familias",
        ["Chatham", "Lee", "Randolph"],
        ["es"],
        2,
        6,
        None,
    ),
    (
        "the-hispanic-liaison",
        "family-planning",
        "Family emergency planning",
        "Plan de emergencia familiar",
        ["Chatham", "Lee", "Randolph"],
        ["en", "es"],
        5,
        10,
        None,
    ),
    (
        "el-refugio",
        "basic-needs",
        "Food pantry and housing help",
        "Despensa de comida y ayuda con vivienda",
        ["Lee"],
        ["es"],
        10,
        15,
        None,
    ),
    (
        "el-refugio",
        "family-planning",
        "Child care while a parent is detained",
        "Cuidado de niños mientras un padre está detenido",
        ["Lee"],
        ["es"],
        2,
        4,
        12,
    ),
    (
        "el-pueblo",
        "know-your-rights",
        "Know-your-rights workshops",
        "Talleres de conozca sus derechos",
        None,
        ["en", "es"],
        20,
        40,
        None,
    ),
    (
        "siembra-nc",
        "emergency-cash",
        "Triad family fund",
        "Fondo para familias del Triad",
        ["Guilford", "Forsyth", "Alamance"],
        ["es"],
        3,
        10,
        None,
    ),
    (
        "siembra-nc",
        "know-your-rights",
        "Community defense trainings",
        "Capacitaciones de defensa comunitaria",
        ["Guilford", "Forsyth", "Alamance", "Durham"],
        ["es"],
        15,
        30,
        None,
    ),
    (
        "mi-maletin",
        "legal",
        "Legal consultation for affected families",
        "Consulta legal para familias afectadas",
        ["Durham"],
        ["en", "es"],
        2,
        6,
        48,
    ),
    (
        "comunidad-colectiva",
        "accompaniment",
        "Accompaniment in Charlotte",
        "Acompañamiento en Charlotte",
        ["Mecklenburg"],
        ["en", "es"],
        4,
        8,
        None,
    ),
    (
        "comunidad-colectiva",
        "locate-detained",
        "Finding a detained family member",
        "Encontrar a un familiar detenido",
        ["Mecklenburg"],
        ["es"],
        5,
        10,
        4,
    ),
    (
        "cima",
        "accompaniment",
        "Accompaniment in the mountains",
        "Acompañamiento en las montañas",
        ["Buncombe"],
        ["es", "en"],
        3,
        6,
        None,
    ),
    (
        "alerta-migratoria-nc",
        "locate-detained",
        "Verify reports and find detained people",
        "Verificar reportes y encontrar a personas detenidas",
        None,
        ["es", "en"],
        10,
        20,
        4,
    ),
]

# (organization, type, number, counties or None for statewide, description, description_es, hours, hours_es)
PHONES = [
    (
        "comunidad-colectiva",
        PhoneType.HOTLINE,
        "980-533-5721",
        ["Mecklenburg"],
        "Report raids and arrests you observe (Charlotte)",
        "Reporte redadas y arrestos que vea (Charlotte)",
        "",
        "",
    ),
    (
        "radarsafe",
        PhoneType.HOTLINE,
        "1-800-559-8714",
        ["Wake"],
        "Report raids and arrests you observe (Wake County)",
        "Reporte redadas y arrestos que vea (condado de Wake)",
        "",
        "",
    ),
    (
        "the-hispanic-liaison",
        PhoneType.HOTLINE,
        "919-742-1448",
        ["Chatham"],
        "Report raids and arrests (Chatham / Siler City); ask for help for a family",
        "Reporte redadas y arrestos (Chatham / Siler City); pida ayuda para una familia",
        "",
        "",
    ),
    (
        "cima",
        PhoneType.HOTLINE,
        "828-713-5124",
        ["Buncombe"],
        "Report raids and arrests you observe (Asheville)",
        "Reporte redadas y arrestos que vea (Asheville)",
        "",
        "",
    ),
    (
        "alerta-migratoria-nc",
        PhoneType.HOTLINE,
        "984-377-2622",
        None,
        "Report raids and arrests anywhere in North Carolina",
        "Reporte redadas y arrestos en cualquier parte de Carolina del Norte",
        "24 hours",
        "24 horas",
    ),
    (
        "siembra-nc",
        PhoneType.HOTLINE,
        "336-543-0353",
        ["Alamance", "Guilford", "Forsyth", "Durham"],
        "Report possible ICE activity",
        "Reporte posible actividad de ICE",
        "",
        "",
    ),
    (
        "el-centro-hispano",
        PhoneType.OFFICE,
        "919-687-4635",
        ["Durham", "Orange", "Wake"],
        "Refer a family; questions about the Liberation Not Deportation fund",
        "Refiera a una familia; preguntas sobre el fondo Liberation Not Deportation",
        "Mon–Fri 9am–5pm",
        "lun–vie 9am–5pm",
    ),
    (
        "the-hispanic-liaison",
        PhoneType.OFFICE,
        "919-742-1448",
        ["Lee", "Randolph"],
        "Refer a family",
        "Refiera a una familia",
        "Mon–Fri 9am–5pm",
        "lun–vie 9am–5pm",
    ),
    (
        "el-refugio",
        PhoneType.OFFICE,
        "919-352-9709",
        ["Lee"],
        "Refer a family",
        "Refiera a una familia",
        "",
        "",
    ),
]

# (organization, keyword, short code, counties)
TEXT_ALERTS = [
    ("siembra-nc", "@siembra1", "81010", ["Alamance"]),
    ("siembra-nc", "@siembra2", "81010", ["Guilford"]),
    ("siembra-nc", "@siembra3", "81010", ["Forsyth"]),
    ("siembra-nc", "@siembra4", "81010", ["Durham"]),
]

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


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def _counties(names: list[str] | None) -> list[County]:
    return list(County.objects.filter(name__in=names or []))


def _languages(codes: list[str]) -> list[Language]:
    return list(Language.objects.filter(code__in=codes))


@transaction.atomic
def seed_demo(*, password: str) -> list[User]:
    """Create or refresh the demo directory and one account per role. Running it again changes nothing."""
    today = timezone.localdate()
    orgs: dict[str, Organization] = {}
    for slug, data in ORGANIZATIONS.items():
        fields = {key: value for key, value in data.items() if key != "languages"}
        org, created = Organization.objects.update_or_create(
            slug=slug, defaults={"is_hub": False, **fields, "is_demo": True}
        )
        if created:
            org.assured_date = today
            org.save(update_fields=["assured_date"])
        org.languages.set(_languages(data["languages"]))
        orgs[slug] = org

    categories = {category.code: category for category in ServiceCategory.objects.all()}
    for slug, code, name, name_es, counties, languages, available, maximum, hours in SERVICES:
        service, _ = Service.objects.update_or_create(
            organization=orgs[slug],
            category=categories[code],
            name=name,
            defaults={
                "name_es": name_es,
                "is_statewide": counties is None,
                "capacity_available": available,
                "capacity_maximum": maximum,
                "response_hours": hours,
                "accepting_referrals": True,
                "is_demo": True,
            },
        )
        service.counties.set(_counties(counties))
        service.languages.set(_languages(languages))

    for slug, kind, number, counties, description, description_es, hours, hours_es in PHONES:
        phone = Phone(number=number)
        phone.clean()
        phone, _ = Phone.objects.update_or_create(
            organization=orgs[slug],
            number=phone.number,
            type=kind,
            defaults={
                "description": description,
                "description_es": description_es,
                "hours": hours,
                "hours_es": hours_es,
                "is_statewide": counties is None,
                "is_demo": True,
            },
        )
        phone.counties.set(_counties(counties))
        phone.languages.set(_languages(["en", "es"]))

    for slug, keyword, short_code, counties in TEXT_ALERTS:
        alert, _ = TextAlert.objects.update_or_create(
            keyword=keyword,
            short_code=short_code,
            defaults={
                "organization": orgs[slug],
                "description": "Raid alerts by text message",
                "description_es": "Alertas de redadas por mensaje de texto",
                "is_demo": True,
            },
        )
        alert.counties.set(_counties(counties))

    for slug, kind, title, title_es, url, languages, description, description_es in RESOURCES:
        resource, _ = Resource.objects.update_or_create(
            title=title,
            defaults={
                "organization": orgs.get(slug) if slug else None,
                "kind": kind,
                "title_es": title_es,
                "url": url,
                "description": description,
                "description_es": description_es,
                "is_demo": True,
            },
        )
        resource.languages.set(_languages(languages))

    users = []
    for email, name, org_slug, role in USERS:
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={"display_name": name, "organization": orgs[org_slug], "role": role, "is_active": True},
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        users.append(user)
    return users
