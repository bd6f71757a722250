"""seed_bench: N referrals on the demo directory, every row within the database's rules, reports still render."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.http import StreamingHttpResponse

from directory.models import User
from referrals.models import (
    LIVE_ROUTING,
    EventKind,
    Need,
    NeedStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Routing,
    RoutingStatus,
)
from tests.conftest import PASSWORD, TOTP_SECRET, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_bench", referrals=200)


def test_it_creates_the_referrals_needs_routings_and_unmet_events(seeded):
    assert Referral.objects.filter(hub__slug="el-centro-hispano").count() == 200
    per_case = Referral.objects.annotate(n=Count("needs")).values_list("n", flat=True)
    assert set(per_case) <= {1, 2, 3} and len(set(per_case)) > 1
    assert Routing.objects.count() > Need.objects.count() * 0.8
    assert Referral.objects.filter(status=ReferralStatus.OPEN).exists()
    assert Referral.objects.filter(status=ReferralStatus.CLOSED).exists()
    unmet = Need.objects.filter(status=NeedStatus.NOT_HELPED)
    assert unmet.exists()
    assert ReferralEvent.objects.filter(kind=EventKind.NEED_UNMET).count() == unmet.count()
    assert len(set(Referral.objects.values_list("county__name", flat=True))) > 3
    assert Routing.objects.filter(by_phone=True).exists()


def test_every_row_keeps_the_rules_the_database_checks(seeded):
    # The check constraints ran on insert; the rules they do not cover, checked here.
    assert not Referral.objects.filter(status=ReferralStatus.CLOSED, closed_at__isnull=True).exists()
    assert not Routing.objects.filter(status=RoutingStatus.DECLINED, decline_reason="").exists()
    assert not Routing.objects.filter(status=RoutingStatus.COMPLETED, outcome="").exists()
    live = Need.objects.annotate(live=Count("routings", filter=Q(routings__status__in=LIVE_ROUTING)))
    assert max(live.values_list("live", flat=True)) == 1
    assert not Routing.objects.filter(
        status__in=LIVE_ROUTING, need__referral__status=ReferralStatus.CLOSED
    ).exists()
    assert not Routing.objects.exclude(service__category=F("need__category")).exists()
    answered = Routing.objects.filter(status__in=[RoutingStatus.ACCEPTED, RoutingStatus.DECLINED])
    assert not answered.filter(responded_at__isnull=True).exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # foreign keys checked now, not at the test's end


def test_contact_fields_are_encrypted_in_the_table_and_read_back(seeded):
    case = Referral.objects.order_by("pk")[0]
    assert case.contact_name.startswith("Familia Bench ")
    assert case.contact_phone.startswith("+1919555")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_name, contact_phone FROM referrals_referral WHERE id = %s", [case.pk])
        name, phone = cursor.fetchone()
    assert "Familia" not in name and "919" not in phone and name.startswith("gAAAA")


def test_the_reports_render_for_the_demo_coordinator(seeded):
    coordinator = User.objects.get(email="coordinator@demo.example")
    coordinator.set_password(PASSWORD)
    coordinator.save()
    TOTP.activate(coordinator, TOTP_SECRET)
    client = client_for(coordinator, reauthenticated=True)
    assert client.get("/referrals/").status_code == 200
    assert client.get("/reports/hub/").status_code == 200
    assert client.get("/reports/hub/?start=2020-01-01").status_code == 200
    export = client.get("/referrals/export.csv")
    assert isinstance(export, StreamingHttpResponse)
    assert export.status_code == 200
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert len(lines) - 1 == Need.objects.count()
    assert "Familia" not in "\n".join(lines)


def test_it_refuses_to_seed_twice_without_force(seeded):
    with pytest.raises(CommandError):
        call_command("seed_bench", referrals=10)
    call_command("seed_bench", referrals=10, force=True)
    assert Referral.objects.count() == 210


def test_it_needs_the_demo_directory(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_bench", referrals=10)
