import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import (
    County,
    Language,
    Organization,
    Phone,
    Service,
    ServiceCategory,
    TextAlert,
    fold,
    format_phone,
    normalize_phone,
)

pytestmark = pytest.mark.django_db


def test_all_100_north_carolina_counties_ship_with_their_fips_codes():
    assert County.objects.count() == 100
    assert County.objects.get(fips="37063").name == "Durham"
    assert County.objects.get(fips="37183").name == "Wake"
    assert County.objects.get(fips="37129").slug == "new-hanover"
    assert County.objects.get(fips="37199").name == "Yancey"
    assert all(c.fips.startswith("37") and len(c.fips) == 5 for c in County.objects.all())


def test_the_service_categories_are_bilingual_with_stable_codes():
    legal = ServiceCategory.objects.get(code="legal")
    assert legal.name == "Legal consultation and representation"
    assert legal.name_es == "Consulta y representación legal"
    assert ServiceCategory.objects.count() == 14
    assert Language.objects.filter(code__in=["en", "es"]).count() == 2


def test_the_database_rejects_an_invalid_fips_code():
    with pytest.raises(ValidationError):
        County(fips="12345", name="Nowhere", slug="nowhere").full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        County.objects.create(fips="3712X", name="Nowhere", slug="nowhere")


@pytest.fixture
def service(hub):
    return Service.objects.create(
        organization=hub,
        category=ServiceCategory.objects.get(code="bond"),
        name="Bond fund",
        capacity_available=2,
        capacity_maximum=5,
    )


def test_places_available_cannot_exceed_places_in_all(service):
    service.capacity_available = 6
    with pytest.raises(ValidationError, match="cannot be more than total places"):
        service.full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        service.save()


def test_phone_numbers_are_stored_in_one_form():
    assert normalize_phone("(919) 687-4635") == "+19196874635"
    assert normalize_phone("1-800-559-8714") == "+18005598714"
    assert format_phone("+19196874635") == "919-687-4635"
    with pytest.raises(ValidationError):
        normalize_phone("555-0123")


def test_the_database_rejects_a_phone_number_that_was_not_normalised(hub):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Phone.objects.create(organization=hub, number="919-687-4635")
    phone = Phone(organization=hub, number="919 687 4635")
    phone.full_clean()
    phone.save()
    assert phone.number == "+19196874635"


def test_a_text_alert_short_code_has_five_or_six_digits(hub):
    with pytest.raises(ValidationError, match="5 or 6 digits"):
        TextAlert(organization=hub, keyword="@x", short_code="81").full_clean()


def test_names_match_without_accents_or_case():
    assert fold("  Peñas ") == fold("PENAS")


def test_organization_names_are_unique(hub):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Organization.objects.create(name=hub.name, slug="another")
