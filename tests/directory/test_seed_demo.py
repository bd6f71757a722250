import pytest
from django.core.management import CommandError, call_command

from demo.data import USERS
from directory.models import Organization, Phone, Resource, Role, Service, TextAlert, User

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(
            Organization.objects.values_list(
                "slug", "name", "is_hub", "is_partner", "is_demo", "assured_date"
            )
        ),
        sorted(User.objects.values_list("email", "role", "organization__slug", "password")),
        sorted(
            Service.objects.values_list("id", "organization__slug", "category__code", "capacity_available")
        ),
        sorted(Service.counties.through.objects.values_list("service_id", "county_id")),
        sorted(Phone.objects.values_list("id", "number", "type")),
        sorted(Phone.counties.through.objects.values_list("phone_id", "county_id")),
        sorted(TextAlert.objects.values_list("id", "keyword", "short_code")),
        sorted(Resource.objects.values_list("id", "title", "kind")),
    )


def test_it_creates_one_account_per_role_with_the_demo_password(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "a demo password for tests")
    call_command("seed_demo")
    assert set(User.objects.values_list("email", flat=True)) == {email for email, *_ in USERS}
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for user in User.objects.all():
        assert user.check_password("a demo password for tests")
        assert user.organization.is_demo


def test_it_loads_the_directory_from_the_source_post(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Phone.objects.filter(number="+19843772622", is_statewide=True).exists()  # Alerta Migratoria NC
    assert TextAlert.objects.get(keyword="@siembra4", short_code="81010").counties.get().name == "Durham"
    assert Service.objects.filter(organization__slug="el-centro-hispano", counties__name="Durham").exists()
    assert all(row.is_demo for row in Service.objects.all())


def test_the_demo_accounts_work_at_a_hub_and_two_different_partners(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert User.objects.get(email="volunteer@demo.example").organization.is_hub
    assert User.objects.get(email="partner@demo.example").organization.is_partner
    assert (
        User.objects.get(email="partner@demo.example").organization
        != User.objects.get(email="partner2@demo.example").organization
    )


def test_seeding_twice_leaves_the_same_rows(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing"):
        call_command("seed_demo")
    assert User.objects.count() == 0


def test_force_seeds_even_with_debug_off(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    assert User.objects.count() == len(USERS)
