"""The reference data every installation ships with: NC's 100 counties, the languages, the service categories.

Category ids are derived from their codes, so the same category has the same id in every installation's HSDS export.
"""

import csv
import uuid
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

COUNTIES_CSV = Path(__file__).resolve().parent.parent / "data" / "nc_counties.csv"

# Spanish writes language names in lower case (0008 brings installations made before up to date).
LANGUAGES = [
    ("en", "English", "inglés"),
    ("es", "Spanish", "español"),
    ("mam", "Mam", "mam"),
    ("quc", "K'iche'", "k'iche'"),
    ("kjb", "Q'anjob'al", "q'anjob'al"),
    ("fr", "French", "francés"),
    ("ht", "Haitian Creole", "criollo haitiano"),
    ("pt", "Portuguese", "portugués"),
    ("ar", "Arabic", "árabe"),
    ("vi", "Vietnamese", "vietnamita"),
]

CATEGORIES = [
    ("locate-detained", "Locating a detained family member", "Localizar a un familiar detenido"),
    ("legal", "Legal consultation and representation", "Consulta y representación legal"),
    ("bond", "Bond fund", "Fondo para fianzas"),
    ("accompaniment", "Accompaniment to court and ICE check-ins", "Acompañamiento a la corte y a citas con ICE"),
    ("transportation", "Transportation", "Transporte"),
    (
        "family-planning",
        "Child care, guardianship and family emergency planning",
        "Cuidado de niños, tutela y plan de emergencia familiar",
    ),
    ("basic-needs", "Food, housing, rent and utilities", "Comida, vivienda, renta y servicios"),
    ("emergency-cash", "Emergency cash assistance", "Ayuda económica de emergencia"),
    ("mental-health", "Mental health and emotional support", "Salud mental y apoyo emocional"),
    ("medical", "Medical care", "Atención médica"),
    ("interpretation", "Interpretation and translation", "Interpretación y traducción"),
    ("unpaid-wages", "Unpaid wages after a workplace raid", "Salarios no pagados después de una redada en el trabajo"),
    ("school-liaison", "School liaison for children", "Enlace escolar para los niños"),
    ("know-your-rights", "Know-your-rights training", "Talleres de conozca sus derechos"),
]


def category_id(code: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:referral-network:service-category:{code}")


def load(apps, schema_editor):
    County = apps.get_model("directory", "County")
    Language = apps.get_model("directory", "Language")
    ServiceCategory = apps.get_model("directory", "ServiceCategory")
    with COUNTIES_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            County.objects.update_or_create(
                fips=row["fips"], defaults={"name": row["name"], "slug": slugify(row["name"])}
            )
    for code, name, name_es in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name, "name_es": name_es})
    for position, (code, name, name_es) in enumerate(CATEGORIES, start=1):
        ServiceCategory.objects.update_or_create(
            code=code,
            defaults={"id": category_id(code), "name": name, "name_es": name_es, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_directory")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
