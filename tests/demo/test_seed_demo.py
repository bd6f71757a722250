"""seed_demo: the demo directory from its HSDS file, its resources and one account per role; twice is once."""

import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from demo.data import RESOURCES, USERS
from directory.models import (
    Organization,
    Phone,
    Resource,
    ResourceKind,
    Role,
    Service,
    TextAlert,
    Training,
    User,
)

pytestmark = pytest.mark.django_db

DEMO_MODELS = [Organization, Service, Phone, TextAlert, Resource, User, Training]


def snapshot() -> list:
    """Every row of every table the seed writes, all columns with their timestamps, and every link: any write
    shows."""
    rows = [list(model.objects.order_by("pk").values()) for model in DEMO_MODELS]
    links = [
        sorted(map(str, through.objects.values_list(*[f.attname for f in through._meta.fields][1:])))
        for through in [
            Organization.languages.through,
            Service.languages.through,
            Service.counties.through,
            Phone.languages.through,
            Phone.counties.through,
            TextAlert.counties.through,
            Resource.languages.through,
            Resource.counties.through,
        ]
    ]
    return rows + links


def test_it_creates_one_account_per_role_with_the_demo_password(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "a demo password for tests")
    call_command("seed_demo")
    assert set(User.objects.values_list("email", flat=True)) == {email for email, *_ in USERS}
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for user in User.objects.all():
        assert user.check_password("a demo password for tests")


def test_it_loads_the_directory_from_the_source_post(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Organization.objects.count() == 11
    assert Phone.objects.filter(number="+19843772622", is_statewide=True).exists()  # Alerta Migratoria NC
    assert TextAlert.objects.get(keyword="@siembra4", short_code="81010").counties.get().name == "Durham"
    assert Service.objects.filter(organization__slug="el-centro-hispano", counties__name="Durham").exists()
    refugio = Organization.objects.get(slug="el-refugio")
    assert refugio.description_es == "Apoyo a familias del condado de Lee."
    assert list(refugio.languages.values_list("code", flat=True)) == ["es"]


def test_it_adds_the_resources_hsds_has_no_place_for(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Resource.objects.count() == len(RESOURCES)
    guide = Resource.objects.get(title="Know your rights when ICE comes to your door")
    assert (guide.organization.slug, guide.title_es) == (
        "aclu-of-nc",
        "Conozca sus derechos si ICE llega a su puerta",
    )
    assert Resource.objects.get(title="How to be an immigrant ally locally").organization is None


def test_resources_meant_for_some_counties_are_scoped_to_them(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    fund = Resource.objects.get(title="Liberation Not Deportation fund")
    # El Centro Hispano's counties and The Hispanic Liaison's: the post gives both as the fund's contacts.
    assert set(fund.counties.values_list("name", flat=True)) == {
        "Durham",
        "Orange",
        "Wake",
        "Chatham",
        "Lee",
        "Randolph",
    }
    assert not Resource.objects.get(title="Know your rights when ICE comes to your door").counties.exists()


def test_mi_maletin_is_a_legal_aid_group_not_a_fund_and_seeding_removes_the_old_fund(settings):
    settings.DEBUG = True
    maletin = Organization.objects.create(name="Mi Maletín", slug="mi-maletin")
    Resource.objects.create(kind=ResourceKind.FUND, title="Mi Maletín legal aid", organization=maletin)
    call_command("seed_demo")
    assert not Resource.objects.filter(organization__slug="mi-maletin").exists()
    service = Service.objects.get(organization__slug="mi-maletin")
    assert (service.category.code, list(service.counties.values_list("name", flat=True))) == (
        "legal",
        ["Durham"],
    )


def test_the_alerts_with_no_published_keyword_say_whom_to_call(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    radarsafe = TextAlert.objects.get(organization__slug="radarsafe")
    assert (radarsafe.keyword, radarsafe.signup_phone) == ("", "+18005598714")
    assert list(radarsafe.counties.values_list("name", flat=True)) == ["Wake"]
    alerta = TextAlert.objects.get(organization__slug="alerta-migratoria-nc")
    assert (alerta.keyword, alerta.signup_phone, alerta.is_statewide) == ("", "+19843772622", True)


def test_the_demo_accounts_work_at_a_hub_and_two_different_partners(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert User.objects.get(email="volunteer@demo.example").organization.is_hub
    assert User.objects.get(email="partner@demo.example").organization.is_partner
    assert (
        User.objects.get(email="partner@demo.example").organization
        != User.objects.get(email="partner2@demo.example").organization
    )


def test_the_demo_volunteer_is_trained_and_the_second_one_is_not(settings):
    settings.DEBUG = True
    with time_machine.travel(datetime.datetime(2031, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        call_command("seed_demo")
        vera = User.objects.get(email="volunteer@demo.example")
        training = vera.trainings.get()
        assert (training.course, training.completed_on, training.expires_on) == (
            "Rapid response intake",
            datetime.date(2031, 3, 2),
            datetime.date(2032, 3, 2),
        )
        assert training.recorded_by.email == "coordinator@demo.example"
        assert vera.training_current()
        uma = User.objects.get(email="volunteer2@demo.example")
        assert (uma.display_name, uma.role, uma.training_current()) == (
            "Uma Untrained",
            Role.VOLUNTEER,
            False,
        )
    # A year on, the demo volunteer's training has expired: seeding again records a new course.
    with time_machine.travel(datetime.datetime(2032, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        call_command("seed_demo")
        assert User.objects.get(email="volunteer@demo.example").training_current()


def test_seeding_twice_writes_nothing_the_second_time(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first


def test_a_fresh_demo_counts_as_confirmed_today_and_keeps_that_date_later(settings):
    settings.DEBUG = True
    with time_machine.travel(datetime.datetime(2031, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        call_command("seed_demo")
    assert set(Organization.objects.values_list("assured_date", flat=True)) == {datetime.date(2031, 5, 1)}
    with time_machine.travel(datetime.datetime(2031, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        call_command("seed_demo")
    assert set(Organization.objects.values_list("assured_date", flat=True)) == {datetime.date(2031, 5, 1)}


def test_an_organization_that_already_exists_under_the_same_short_name_is_taken_over(
    settings, hub, coordinator
):
    settings.DEBUG = True
    call_command("seed_demo")
    centro = Organization.objects.get(slug="el-centro-hispano")
    assert centro.pk == hub.pk
    assert centro.description.startswith("Community organization in Durham, Orange and Wake.")
    assert centro.services.filter(name="Liberation Not Deportation bond fund").exists()
    assert User.objects.get(pk=coordinator.pk).organization == centro


def test_a_database_with_clashing_demo_rows_under_other_ids_is_refused_whole(settings, hub):
    settings.DEBUG = True
    TextAlert.objects.create(organization=hub, keyword="@siembra1", short_code="81010")
    with pytest.raises(CommandError, match="start from a fresh database"):
        call_command("seed_demo")
    assert list(Organization.objects.values_list("slug", flat=True)) == ["el-centro-hispano"]
    assert not Service.objects.exists() and not Resource.objects.exists()
    assert not User.objects.filter(email__endswith="@demo.example").exists()


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing"):
        call_command("seed_demo")
    assert User.objects.count() == 0


def test_force_seeds_even_with_debug_off(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    assert User.objects.count() == len(USERS)
