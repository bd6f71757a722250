"""A text alert is a keyword texted to a short code, or, where the organization publishes no keyword, a phone number
or web page where people ask to join. The database holds it to one of the two, whatever writes the row."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import TextAlert

pytestmark = pytest.mark.django_db

NO_WAY_TO_SIGN_UP = (
    "Say how people sign up: a keyword and the short code to text it to, or a phone number or web page where they "
    "ask to join."
)


def messages(alert: TextAlert) -> list[str]:
    with pytest.raises(ValidationError) as error:
        alert.full_clean()
    return error.value.messages


def refused_by_the_database(**fields) -> bool:
    try:
        with transaction.atomic():
            TextAlert.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_an_alert_with_no_way_to_sign_up_is_refused_with_a_message_that_says_what_to_give(partner_org):
    assert messages(TextAlert(organization=partner_org, description="Raid alerts")) == [NO_WAY_TO_SIGN_UP]
    assert refused_by_the_database(organization=partner_org, description="Raid alerts")


def test_a_keyword_needs_its_short_code_and_a_short_code_its_keyword(partner_org):
    both = "Give both the keyword and the short code it is texted to, or neither."
    assert both in messages(
        TextAlert(organization=partner_org, keyword="@siembra4", signup_phone="+18005598714")
    )
    assert both in messages(TextAlert(organization=partner_org, short_code="81010"))
    assert refused_by_the_database(organization=partner_org, keyword="@siembra4", signup_phone="+18005598714")
    assert refused_by_the_database(organization=partner_org, short_code="81010")


def test_an_alert_may_be_joined_by_calling_or_on_a_web_page(partner_org):
    by_phone = TextAlert(organization=partner_org, signup_phone="1-800-559-8714")
    by_phone.full_clean()
    by_phone.save()
    assert by_phone.signup_phone == "+18005598714"
    assert by_phone.display_signup_phone == "800-559-8714"
    assert not by_phone.by_keyword
    assert str(by_phone) == "The Hispanic Liaison: ask to join"

    on_the_web = TextAlert(organization=partner_org, signup_url="https://example.org/alerts")
    on_the_web.full_clean()
    on_the_web.save()
    # Two alerts without a keyword do not clash over an empty keyword.
    assert TextAlert.objects.filter(keyword="").count() == 2


def test_a_sign_up_number_is_a_us_phone_number(partner_org):
    alert = TextAlert(organization=partner_org, signup_phone="12345")
    with pytest.raises(ValidationError) as error:
        alert.full_clean()
    assert error.value.message_dict == {
        "signup_phone": ["Enter a 10-digit US phone number, such as 919-555-0123."]
    }
    assert refused_by_the_database(organization=partner_org, signup_phone="919-555-0123")  # not normalised


def test_a_keyword_and_short_code_are_listed_once(partner_org, other_partner_org):
    TextAlert.objects.create(organization=partner_org, keyword="@siembra4", short_code="81010")
    duplicate = TextAlert(organization=other_partner_org, keyword="@siembra4", short_code="81010")
    assert "A text alert with this keyword and short code already exists." in messages(duplicate)
    assert refused_by_the_database(organization=other_partner_org, keyword="@siembra4", short_code="81010")


def test_a_short_code_has_five_or_six_digits(partner_org):
    assert "A short code has 5 or 6 digits." in messages(
        TextAlert(organization=partner_org, keyword="@x", short_code="81")
    )
    assert refused_by_the_database(organization=partner_org, keyword="@x", short_code="81")
