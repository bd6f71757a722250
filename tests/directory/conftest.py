"""Fixtures shared by the directory's tests."""

import datetime

import pytest
from django.utils import timezone

from directory.models import County, Service, ServiceCategory


@pytest.fixture
def service(partner_org) -> Service:
    """A partner's legal clinic in Davidson County, in a listing last confirmed 150 days ago."""
    service = Service.objects.create(
        organization=partner_org,
        category=ServiceCategory.objects.get(code="legal"),
        name="Legal clinic",
        capacity_available=2,
        capacity_maximum=10,
    )
    service.counties.set(County.objects.filter(name="Davidson"))
    partner_org.assured_date = timezone.localdate() - datetime.timedelta(days=150)
    partner_org.save(update_fields=["assured_date"])
    return service
