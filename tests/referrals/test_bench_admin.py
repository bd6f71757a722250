"""Cases are in the Django admin only for the benchmark (BENCHMARK_VIEWS): its changelist is what the case list is
measured against. Anywhere else the admin must not show cases."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.urls import path
from django.utils import timezone

from config import urls as project_urls
from referrals.admin import register_for_benchmark
from referrals.models import Referral
from tests.conftest import make_user
from tests.referrals.conftest import log_case

BASE_DIR = Path(__file__).resolve().parents[2]

# An admin site of the test's own with the benchmark's registration, served at /bench-admin/ beside the project's
# pages for the changelist test.
bench_site = AdminSite(name="bench_admin")
register_for_benchmark(bench_site)
urlpatterns = [path("bench-admin/", bench_site.urls), *project_urls.urlpatterns]


def registered_in_a_fresh_process(benchmark_views: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "BENCHMARK_VIEWS": benchmark_views}
    code = (
        "import django; django.setup(); from django.contrib import admin; from referrals.models import Referral; "
        "print(admin.site.is_registered(Referral))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_cases_are_not_in_the_admin_without_the_benchmark():
    assert not admin.site.is_registered(Referral)
    assert registered_in_a_fresh_process("False") == "False"


def test_the_benchmark_puts_a_read_only_changelist_in_the_admin():
    assert registered_in_a_fresh_process("True") == "True"
    model_admin = bench_site.get_model_admin(Referral)
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


@pytest.mark.django_db
def test_the_admin_is_not_a_way_to_read_cases(client, hub, coordinator, durham, spanish, legal_a):
    log_case(coordinator, durham, spanish)
    superuser = make_user("root@example.org", hub, "admin", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/admin/referrals/referral/").status_code == 404


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_benchmark_changelist_filters_by_county_and_status(
    client, hub, coordinator, durham, spanish, legal_a
):
    from directory.models import County

    wake = County.objects.get(name="Wake")
    open_durham = log_case(coordinator, durham, spanish)
    closed_durham = log_case(coordinator, durham, spanish)
    # Its state, not how it got there.
    Referral.objects.filter(pk=closed_durham.pk).update(
        status="closed", outcome="helped", closed_at=timezone.now()
    )
    open_wake = log_case(coordinator, wake, spanish)
    superuser = make_user("root@example.org", hub, "admin", is_staff=True, is_superuser=True)
    client.force_login(superuser)

    response = client.get(
        f"/bench-admin/referrals/referral/?county__fips__exact={durham.pk}&status__exact=open"
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert open_durham.reference in body
    assert closed_durham.reference not in body
    assert open_wake.reference not in body


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_even_the_benchmarks_changelist_opens_no_case(client, hub, coordinator, durham, spanish, legal_a):
    """The rows link nowhere and a case's own admin page is refused: it would show the family's contact details,
    outside the policy and the access log."""
    case = log_case(coordinator, durham, spanish)
    superuser = make_user("root@example.org", hub, "admin", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    listing = client.get("/bench-admin/referrals/referral/").content.decode()
    assert case.reference in listing and f"/referral/{case.pk}/change/" not in listing
    assert client.get(f"/bench-admin/referrals/referral/{case.pk}/change/").status_code in (302, 403)
    assert (
        "Rosa"
        not in client.get(f"/bench-admin/referrals/referral/{case.pk}/change/", follow=True).content.decode()
    )


def test_the_benchmark_pages_refuse_to_start_without_demo_data():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BENCHMARK_VIEWS": "True",
        "DEMO_DATA": "False",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "BENCHMARK_VIEWS is for a benchmark on demo data" in done.stderr
