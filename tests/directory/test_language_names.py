"""The directory in Spanish: language names as Spanish writes them (lower case) and in Spanish alphabetical order,
opening hours in Spanish where the listing has them, and no English first option in any select."""

import re

import django_filters
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from demo.data import seed_demo
from directory.models import Language, Phone
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ENGLISH_PLACEHOLDERS = ["- Select an option -", "---------"]


@pytest.fixture
def demo(db):
    seed_demo(password="x" * 20)


def in_spanish(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def body(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    return [text.strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)]


def empty_options(page: str) -> list[str]:
    return [text.strip() for text in re.findall(r'<option value=""[^>]*>(.*?)</option>', page, re.S)]


def test_languages_sort_by_the_name_the_reader_sees():
    with translation.override("en"):
        english = [language.localized_name for language in Language.objects.all()]
    assert english == sorted(english)
    with translation.override("es"):
        spanish = [language.localized_name for language in Language.objects.all()]
    # Accents sort with their letter, as in a dictionary: árabe first, not last.
    assert spanish == [
        "árabe",
        "criollo haitiano",
        "español",
        "francés",
        "inglés",
        "k'iche'",
        "mam",
        "portugués",
        "q'anjob'al",
        "vietnamita",
    ]


def test_a_language_without_a_spanish_name_sorts_by_its_english_one_in_spanish():
    Language.objects.create(code="sw", name="Swahili")
    with translation.override("es"):
        names = [language.localized_name for language in Language.objects.all()]
    assert names.index("q'anjob'al") < names.index("Swahili") < names.index("vietnamita")


def test_the_spanish_help_page_lists_a_hotlines_languages_in_spanish_order(client, demo):
    page = body(in_spanish(client), "/help/yancey/")
    hotline = page[page.index("Alerta Migratoria NC") :]
    assert "Idiomas:</span> español, inglés" in hotline
    assert "24 horas" in hotline


def test_the_spanish_help_page_shows_opening_hours_in_spanish(client, demo):
    page = body(in_spanish(client), "/help/durham/")
    assert "lun–vie, 9:00–17:00" in page
    assert "9am–5pm" not in page
    assert "Mon–Fri 9am–5pm" in body(Client(), "/help/durham/")


def test_hours_without_a_spanish_version_are_shown_in_english_and_marked_as_english(client, demo):
    phone = Phone.objects.filter(hours_es="lun–vie, 9:00–17:00", organization__slug="el-centro-hispano").get()
    phone.hours_es = ""
    phone.save(update_fields=["hours_es"])
    page = body(in_spanish(client), "/help/durham/")
    assert '<span lang="en">Mon–Fri 9am–5pm</span>' in page


def test_the_spanish_management_lists_and_forms_offer_no_english_first_option(network_admin, partner_org):
    client = in_spanish(client_for(network_admin))
    services = body(client, "/manage/services/")
    assert set(empty_options(services)) == {"Cualquiera"}
    assert options(services, "language")[1:4] == ["árabe", "criollo haitiano", "español"]
    new_phone = body(client, "/manage/phones/new/")
    with translation.override("es"):
        choose = str(translation.gettext("- Select an option -"))
    assert empty_options(new_phone) == [choose, choose]  # organization, service
    for page in (services, new_phone, body(client, "/manage/phones/"), body(client, "/manage/users/")):
        for placeholder in ENGLISH_PLACEHOLDERS:
            assert placeholder not in page


def test_a_choice_filter_without_its_own_first_option_says_any_in_the_readers_language():
    field = django_filters.ChoiceFilter(choices=[("a", "A")]).field
    with translation.override("es"):
        assert list(field.choices)[0] == ("", "Cualquiera")
