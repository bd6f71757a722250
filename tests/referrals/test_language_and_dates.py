"""Case pages and emails in Spanish read as Spanish: dates with the month in letters, language names in lower case and
in Spanish alphabetical order, no English "- Select an option -"; and the emails of a person who never chose a language
come in the language of their last sign-in."""

import re
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from directory.models import Language
from referrals import services
from referrals.forms import FollowUpForm
from referrals.models import FollowUp, Referral, Routing
from tests.conftest import client_for, sign_in

pytestmark = pytest.mark.django_db

# 4:14 PM in North Carolina (TIME_ZONE) on December 1st: read day-first or month-first, 01/12 and 12/01 differ.
LOGGED_AT = datetime(2026, 12, 1, 21, 14, tzinfo=UTC)
ENGLISH_PLACEHOLDERS = ["- Select an option -", "---------"]


def in_spanish(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def options(page: str, name: str) -> list[str]:
    """The visible text of a select's options, in order."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    return [text.strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)]


def empty_options(page: str) -> list[str]:
    return [text.strip() for text in re.findall(r'<option value=""[^>]*>(.*?)</option>', page, re.S)]


def choose_label(language: str) -> str:
    with translation.override(language):
        return str(translation.gettext("- Select an option -"))


# --- Dates ---------------------------------------------------------------------------------------------------------


def test_the_case_page_writes_dates_with_the_month_in_letters_in_each_language(case, volunteer):
    Referral.objects.filter(pk=case.pk).update(created_at=LOGGED_AT)
    english = client_for(volunteer).get(case.get_absolute_url()).content.decode()
    assert "logged Dec 1, 2026, 4:14 PM" in english

    spanish = in_spanish(client_for(volunteer)).get(case.get_absolute_url()).content.decode()
    assert "registrado el 1 dic 2026, 16:14" in spanish
    for page in (english, spanish):
        assert "12/01/2026" not in page and "01/12/2026" not in page


def test_a_follow_up_date_from_a_date_input_is_read_in_spanish_and_shown_with_the_month(case, volunteer):
    client = in_spanish(client_for(volunteer))
    response = client.post(
        f"{case.get_absolute_url()}follow-ups/",
        {"due_date": "2026-12-01", "assigned_to": volunteer.pk, "note": ""},
        follow=True,
    )
    assert FollowUp.objects.get(referral=case).due_date == date(2026, 12, 1)
    assert "1 dic 2026" in response.content.decode()


def test_the_follow_up_date_input_gets_an_iso_date_in_spanish(case):
    with translation.override("es"):
        form = FollowUpForm(initial={"due_date": date(2026, 12, 1)}, hub=case.hub)
        assert 'value="2026-12-01"' in str(form["due_date"])


# --- Language names ------------------------------------------------------------------------------------------------


def test_suggestions_on_a_spanish_case_page_say_habla_espanol(case, volunteer):
    page = in_spanish(client_for(volunteer)).get(case.get_absolute_url()).content.decode()
    assert "habla español" in page
    assert "Español" not in page.replace(">Español</button>", "")  # only the language switch, which is a name


def test_the_intake_form_lists_languages_by_their_name_in_the_readers_language(volunteer):
    english = options(client_for(volunteer).get("/referrals/new/").content.decode(), "language")
    assert english == sorted(english, key=str.casefold)
    assert english[:3] == ["Arabic", "English", "French"]

    spanish = options(in_spanish(client_for(volunteer)).get("/referrals/new/").content.decode(), "language")
    assert spanish[:5] == ["árabe", "criollo haitiano", "español", "francés", "inglés"]
    assert spanish[-1] == "vietnamita"
    assert len(spanish) == Language.objects.count()


# --- Empty choices -------------------------------------------------------------------------------------------------


def test_no_select_on_the_spanish_intake_form_or_case_page_offers_an_english_placeholder(case, volunteer):
    client = in_spanish(client_for(volunteer))
    intake = client.get("/referrals/new/").content.decode()
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert empty_options(intake) == ["Elija un condado", "Igual que arriba"]
    # The follow-up's "assigned to" starts empty: the project's own label, in the reader's language.
    assert choose_label("es") in empty_options(case_page)
    for page in (intake, case_page):
        for placeholder in ENGLISH_PLACEHOLDERS:
            assert placeholder not in page


def test_the_case_list_filters_start_with_spanish_any_options(coordinator):
    page = in_spanish(client_for(coordinator)).get("/referrals/").content.decode()
    assert empty_options(page) == [
        "Cualquier estado",
        "Cualquier condado",
        "Cualquier necesidad",
        "Cualquier urgencia",
        "Cualquier organización",
        "Cualquier persona",
    ]


# --- Emails --------------------------------------------------------------------------------------------------------


def test_a_partner_who_never_chose_a_language_hears_in_the_language_of_their_last_sign_in(
    case, volunteer, partner, legal_a, django_capture_on_commit_callbacks
):
    sign_in(Client(headers={"accept-language": "es"}), partner.email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_create(user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a)
    (message,) = [message for message in mail.outbox if message.to == [partner.email]]
    routing = Routing.objects.get()
    assert message.subject.startswith(f"Caso nuevo {case.reference}")
    with translation.override("es"):
        assert date_format(localtime(routing.deadline), "DATETIME_FORMAT") in message.body
