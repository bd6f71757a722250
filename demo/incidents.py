"""A demo incident for development: an open "Workplace raid" in Durham recorded by the demo coordinator, with up to
three of the hub's open Durham cases linked to it when the demo has cases (seed_demo makes none; log some first, or
it is just the incident). `manage.py seed_demo` runs it; again as often as you like (it records the incident once):

    .venv/bin/python manage.py shell -c "from demo.incidents import seed_demo_incident; seed_demo_incident()"
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from directory.models import County, User
from referrals import services
from referrals.models import Incident, IncidentStatus, Referral, ReferralStatus

DESCRIPTION = "Workplace raid"
COORDINATOR = "coordinator@demo.example"
LINKED = 3


@transaction.atomic
def seed_demo_incident() -> Incident:
    coordinator = User.objects.get(email=COORDINATOR)
    durham = County.objects.get(name="Durham")
    incident = Incident.objects.filter(
        hub_id=coordinator.organization_id, description=DESCRIPTION, status=IncidentStatus.OPEN
    ).first()
    if incident is None:
        incident = services.incident_create(
            user=coordinator,
            county=durham,
            occurred_at=timezone.now() - timedelta(hours=6),
            description=DESCRIPTION,
        )
    unlinked = Referral.objects.filter(
        hub_id=coordinator.organization_id, county=durham, status=ReferralStatus.OPEN, incident__isnull=True
    ).order_by("-created_at")
    missing = max(0, LINKED - incident.referrals.count())
    for referral in unlinked[:missing]:
        services.referral_link_incident(user=coordinator, referral=referral, incident=incident)
    return incident
