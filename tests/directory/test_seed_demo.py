import pytest
from django.core.management import CommandError, call_command

from directory.demo import USERS
from directory.models import Organization, Role, User

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Organization.objects.values_list("slug", "name", "is_hub", "is_partner", "is_demo")),
        sorted(User.objects.values_list("email", "role", "organization__slug", "password")),
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


def test_the_demo_orgs_are_a_hub_and_two_partners(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Organization.objects.filter(is_hub=True).count() == 1
    assert Organization.objects.filter(is_partner=True, is_hub=False).count() == 2
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
