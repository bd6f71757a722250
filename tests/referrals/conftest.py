"""A directory to route to, and helpers to log cases, for the referral tests."""

import uuid

import pytest

from directory.models import County, Language, Service, ServiceCategory
from referrals import services


def category(code: str) -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


@pytest.fixture
def durham(db) -> County:
    return County.objects.get(name="Durham")


@pytest.fixture
def spanish(db) -> Language:
    return Language.objects.get(code="es")


def make_service(
    org, code: str, counties=(), *, statewide=False, available=5, maximum=10, languages=("es",), **extra
):
    service = Service.objects.create(
        organization=org,
        category=category(code),
        name=f"{org.name} {code}",
        is_statewide=statewide,
        capacity_available=available,
        capacity_maximum=maximum,
        **extra,
    )
    service.counties.set(counties)
    service.languages.set(Language.objects.filter(code__in=languages))
    return service


# Each partner has a staff account (`partner`, `partner2`): only then does it receive routings in the app.
@pytest.fixture
def legal_a(partner_org, durham, partner):
    return make_service(partner_org, "legal", [durham])


@pytest.fixture
def legal_b(other_partner_org, durham, partner2):
    return make_service(other_partner_org, "legal", [durham], available=2)


@pytest.fixture
def food_a(partner_org, durham, partner):
    return make_service(partner_org, "basic-needs", [durham])


def next_service(routing) -> int:
    """The service an escalation row offers to re-send a routing's need to (its next suggestion)."""
    from referrals.suggestions import suggestions_for

    return suggestions_for(routing.need)[0].service.pk


def log_case(user, county, language, codes=("legal",), *, consent=True, **extra):
    return services.referral_create(
        user=user,
        county=county,
        language=language,
        urgency=extra.pop("urgency", "urgent"),
        categories=[category(code) for code in codes],
        contact_name=extra.pop("contact_name", "Rosa M."),
        contact_phone=extra.pop("contact_phone", "+19195550143"),
        notes=extra.pop("notes", "Two kids, ages 6 and 9; call after 6pm"),
        consent=consent,
        consent_categories=[category(code) for code in codes],
        intake_token=uuid.uuid4(),
        **extra,
    )


@pytest.fixture
def case(volunteer, durham, spanish, legal_a, legal_b, food_a):
    """A case logged by the volunteer with two needs (legal, food) and consent for both."""
    return log_case(volunteer, durham, spanish, ("legal", "basic-needs"))


@pytest.fixture
def routed_case(case, volunteer, legal_a):
    """The case with its legal need sent to partner_org (pending): the partner sees it but does not run it."""
    services.routing_create(user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a)
    return case
