"""Accounts say whether their person chose the language (until then it follows the browser at each sign-in); languages
are listed by the reader's name for them; the Spanish names of the shipped languages are written as Spanish writes
them, in lower case ("habla español")."""

from django.db import migrations, models

import directory.models

# code, the Spanish name shipped before, the Spanish name now. A name an administrator changed is left alone.
SPANISH_NAMES = [
    ("en", "Inglés", "inglés"),
    ("es", "Español", "español"),
    ("mam", "Mam", "mam"),
    ("quc", "K'iche'", "k'iche'"),
    ("kjb", "Q'anjob'al", "q'anjob'al"),
    ("fr", "Francés", "francés"),
    ("ht", "Criollo haitiano", "criollo haitiano"),
    ("pt", "Portugués", "portugués"),
    ("ar", "Árabe", "árabe"),
    ("vi", "Vietnamita", "vietnamita"),
]


def forward(apps, schema_editor):
    # Accounts whose language is not the default chose it (themselves, or the administrator who invited them): keep
    # it. Those with the default English may never have chosen; they follow their browser from their next sign-in.
    apps.get_model("directory", "User").objects.exclude(preferred_language="en").update(language_chosen=True)
    Language = apps.get_model("directory", "Language")
    for code, before, after in SPANISH_NAMES:
        Language.objects.filter(code=code, name_es=before).update(name_es=after)


def backward(apps, schema_editor):
    Language = apps.get_model("directory", "Language")
    for code, before, after in SPANISH_NAMES:
        Language.objects.filter(code=code, name_es=after).update(name_es=before)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_user_notice_digest"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="language",
            options={
                "ordering": [directory.models.InReaderOrder("name")],
                "verbose_name": "language",
                "verbose_name_plural": "languages",
            },
        ),
        migrations.AddField(
            model_name="user",
            name="language_chosen",
            field=models.BooleanField(default=False, editable=False, verbose_name="chose the language"),
        ),
        migrations.RunPython(forward, backward),
    ]
