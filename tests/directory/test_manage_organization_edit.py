"""Editing a listing: admins edit everything, partner staff their own listing's public details. Saving confirms
the listing ("listing last confirmed" = today)."""

import datetime

import pytest
from django.utils import timezone

from directory.models import Language, Organization
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/manage/organizations/the-hispanic-liaison/edit/"


def listing_data(**changes) -> dict:
    data = {
        "description": "Legal help and interpretation in Lexington.",
        "description_es": "Ayuda legal e interpretación en Lexington.",
        "website": "https://liaison.example",
        "email": "info@liaison.example",
        "languages": [Language.objects.get(code="es").pk, Language.objects.get(code="mam").pk],
    }
    return data | changes


def admin_data(**changes) -> dict:
    data = listing_data(
        name="The Hispanic Liaison",
        slug="the-hispanic-liaison",
        is_partner="on",
        intake_email="intake@liaison.example",
    )
    return data | changes


def test_partner_staff_edit_their_listing_and_confirm_it(partner, partner_org):
    partner_org.assured_date = timezone.localdate() - datetime.timedelta(days=200)
    partner_org.save(update_fields=["assured_date"])

    response = client_for(partner).post(URL, listing_data())
    assert response.status_code == 302
    assert response["Location"] == "/manage/organizations/the-hispanic-liaison/"
    partner_org.refresh_from_db()
    assert partner_org.description == "Legal help and interpretation in Lexington."
    assert partner_org.email == "info@liaison.example"
    assert {language.code for language in partner_org.languages.all()} == {"es", "mam"}
    assert partner_org.assured_date == timezone.localdate()


def test_partner_staff_cannot_change_the_name_flags_or_intake_email(partner, partner_org):
    client_for(partner).post(
        URL, listing_data(name="Renamed", is_hub="on", is_partner="", intake_email="x@evil.example")
    )
    partner_org.refresh_from_db()
    assert partner_org.name == "The Hispanic Liaison"
    assert partner_org.is_partner is True
    assert partner_org.is_hub is False
    assert partner_org.intake_email == ""


def test_the_partner_form_shows_only_the_listing_fields(partner, partner_org):
    form = client_for(partner).get(URL).context["form"]
    assert list(form.fields) == ["description", "description_es", "website", "email", "languages"]


def test_admins_edit_every_field(network_admin, partner_org):
    response = client_for(network_admin).post(
        URL, admin_data(name="The Hispanic Liaison of NC", is_hub="on", intake_email="new@liaison.example")
    )
    assert response.status_code == 302
    partner_org.refresh_from_db()
    assert partner_org.name == "The Hispanic Liaison of NC"
    assert partner_org.is_hub is True
    assert partner_org.intake_email == "new@liaison.example"
    assert partner_org.assured_date == timezone.localdate()


def test_a_bad_website_is_explained_and_nothing_is_saved(partner, partner_org):
    response = client_for(partner).post(URL, listing_data(website="not a web address"))
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    partner_org.refresh_from_db()
    assert partner_org.description == ""
    assert partner_org.assured_date is None


def test_an_organization_with_partner_staff_keeps_taking_referrals(network_admin, partner, partner_org):
    response = client_for(network_admin).post(URL, admin_data(is_partner=""))
    assert response.status_code == 200
    assert "Partner staff still work here." in response.content.decode()
    assert Organization.objects.get(pk=partner_org.pk).is_partner is True


def test_a_hub_with_volunteers_keeps_doing_intake(network_admin, volunteer, hub):
    response = client_for(network_admin).post(
        "/manage/organizations/el-centro-hispano/edit/",
        admin_data(name="El Centro Hispano", slug="el-centro-hispano", is_partner="on"),
    )
    assert response.status_code == 200
    assert "Volunteers or coordinators still work here." in response.content.decode()
    hub.refresh_from_db()
    assert hub.is_hub is True
    assert hub.description == ""


def test_another_partners_staff_get_404(partner2, partner_org):
    client = client_for(partner2)
    assert client.get(URL).status_code == 404
    assert client.post(URL, listing_data()).status_code == 404
    partner_org.refresh_from_db()
    assert partner_org.description == ""


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider"])
def test_intake_staff_get_404(request, persona, partner_org):
    assert client_for(request.getfixturevalue(persona)).post(URL, listing_data()).status_code == 404


def test_it_answers_only_get_and_post(partner, partner_org):
    assert client_for(partner).put(URL).status_code == 405


def test_an_admin_clearing_the_name_is_told_and_nothing_is_saved(network_admin, partner_org):
    response = client_for(network_admin).post(URL, admin_data(name="", slug="elsewhere"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body
    assert 'href="/manage/organizations/the-hispanic-liaison/">Cancel' in body
    partner_org.refresh_from_db()
    assert (partner_org.name, partner_org.slug, partner_org.assured_date) == (
        "The Hispanic Liaison",
        "the-hispanic-liaison",
        None,
    )
