"""Demo data taken from the public post the network started from. Every row is marked as demo."""

import os

from django.db import transaction

from directory.models import Organization, Role, User

DEFAULT_DEMO_PASSWORD = "rapid-response-demo"

ORGANIZATIONS = [
    {
        "slug": "el-centro-hispano",
        "name": "El Centro Hispano",
        "is_hub": True,
        "is_partner": True,
        "website": "https://elcentronc.org",
        "description": "Community organization in Durham, Orange and Wake. Runs intake for the rapid-response "
        "network and the Liberation Not Deportation fund.",
        "description_es": "Organización comunitaria en Durham, Orange y Wake. Recibe los casos de la red de "
        "respuesta rápida y administra el fondo Liberation Not Deportation.",
    },
    {
        "slug": "the-hispanic-liaison",
        "name": "The Hispanic Liaison",
        "is_hub": False,
        "is_partner": True,
        "website": "https://hispanicliaison.org",
        "description": "El Vínculo Hispano serves families in Chatham, Lee and Randolph from Siler City.",
        "description_es": "El Vínculo Hispano atiende a familias de Chatham, Lee y Randolph desde Siler City.",
    },
    {
        "slug": "el-refugio",
        "name": "El Refugio",
        "is_hub": False,
        "is_partner": True,
        "website": "",
        "description": "Support for families in Lee County.",
        "description_es": "Apoyo a familias del condado de Lee.",
    },
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


@transaction.atomic
def seed_demo(*, password: str) -> list[User]:
    """Create or refresh the demo organizations and one account per role. Running it again changes nothing."""
    organizations = {}
    for data in ORGANIZATIONS:
        fields = {key: value for key, value in data.items() if key != "slug"}
        org, _ = Organization.objects.update_or_create(
            slug=data["slug"], defaults={**fields, "is_demo": True}
        )
        organizations[org.slug] = org

    users = []
    for email, name, org_slug, role in USERS:
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={
                "display_name": name,
                "organization": organizations[org_slug],
                "role": role,
                "is_active": True,
            },
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        users.append(user)
    return users
