"""Hostile input to the directory: numbers out of the database's range and digits that are not ASCII digits are
refused with a message, never a server error, and change nothing."""

import json

import pytest
from django.test import Client

from directory import hsds
from directory.hsds import csv_import, records
from directory.models import Language, Organization, Phone, Resource, Service
from tests.conftest import client_for
from tests.referrals.conftest import make_service

pytestmark = pytest.mark.django_db

# Beyond a 64-bit integer, and beyond PostgreSQL's 32-bit `integer` of the language ids.
HUGE = "99999999999999999999"
BIG = str(2**31)


def directory_rows() -> list:
    return [
        sorted(map(str, model.objects.values_list()))
        for model in (Organization, Service, Phone, Resource, Organization.languages.through)
    ]


@pytest.mark.parametrize("value", [HUGE, BIG, "-" + HUGE])
@pytest.mark.parametrize("who", ["partner", "network_admin"])
def test_an_out_of_range_language_id_is_an_invalid_choice_on_every_directory_form(
    request, who, value, partner_org
):
    """Finding 4: the languages checkboxes of the listing, service, organization and resource forms."""
    user = request.getfixturevalue(who)
    service = make_service(partner_org, "legal", statewide=True)
    urls = [
        f"/manage/organizations/{partner_org.slug}/edit/",
        f"/manage/organizations/{partner_org.slug}/services/new/",
        f"/manage/services/{service.pk}/edit/",
    ]
    if who == "network_admin":
        urls += ["/manage/organizations/new/", "/manage/resources/new/", "/manage/services/new/"]
    client = client_for(user)
    es = Language.objects.get(code="es").pk
    before = directory_rows()
    for url in urls:
        response = client.post(url, {"name": "X", "languages": [str(es), value]})
        assert response.status_code == 200, url
        assert "Select a valid choice" in response.content.decode(), url
    assert directory_rows() == before


@pytest.mark.parametrize("parameter", ["page", "per_page"])
@pytest.mark.parametrize("path", ["/api/hsds/services", "/api/hsds/organizations"])
@pytest.mark.parametrize("value", ["²", "١٢", "-1", "0", "1.5", HUGE])
def test_the_api_answers_a_page_number_that_is_not_ascii_digits_with_400(path, parameter, value):
    response = Client().get(path, {parameter: value})
    if value == HUGE:
        # A page far past the end is a valid number: an empty page or a 404 problem, never a 500.
        assert response.status_code in (200, 404)
    else:
        assert response.status_code == 400
        assert "whole number" in json.loads(response.content)["detail"]


def test_a_json_import_with_a_superscript_capacity_is_a_problem_and_changes_nothing(partner_org):
    service = make_service(partner_org, "legal", statewide=True)
    document = hsds.export_document()
    record = next(
        s for org in document["organizations"] for s in org["services"] if s["id"] == str(service.id)
    )
    for attribute in record["attributes"]:
        if attribute["taxonomy_term_id"] == records.FIELD_TERMS["capacity_available"].id:
            attribute["value"] = "²"
    before = directory_rows()
    report = hsds.import_document(document)
    assert not report.ok
    assert any(problem.field == "capacity_available" for problem in report.problems), report.problems
    assert directory_rows() == before


def test_a_json_import_with_a_superscript_extension_is_a_problem(partner_org):
    Phone.objects.create(organization=partner_org, number="+19195550100")
    document = hsds.export_document()
    phone = document["organizations"][0]["phones"][0]
    phone["extension"] = "²"
    report = hsds.import_document(document)
    assert any(problem.field == "extension" for problem in report.problems), report.problems


@pytest.mark.parametrize("value", ["²", "٣", "1²"])
def test_a_csv_import_with_a_superscript_capacity_is_a_problem_and_changes_nothing(partner_org, value):
    text = f"organization,category,name,capacity_available\n{partner_org.slug},legal,Clinic,{value}\n"
    before = directory_rows()
    report = csv_import.import_csv(text)
    assert [(problem.record, problem.field) for problem in report.problems] == [
        ("row 2", "capacity_available")
    ]
    assert directory_rows() == before


def test_a_phone_extension_typed_as_a_superscript_is_left_out_of_the_hsds_record(partner_org):
    phone = Phone.objects.create(organization=partner_org, number="+19195550100", extension="²")
    assert records.phone_record(phone).get("extension") is None
    assert Client().get(f"/api/hsds/organizations/{partner_org.id}").status_code == 200


def test_a_description_of_100000_characters_is_refused_and_the_limit_is_shown(partner, partner_org):
    """Finding 5, for the directory: the descriptions have no limit in the model; the forms give them one."""
    url = f"/manage/organizations/{partner_org.slug}/edit/"
    client = client_for(partner)
    page = client.get(url).content.decode()
    assert 'maxlength="2000"' in page and "Up to 2000 characters." in page
    before = directory_rows()
    response = client.post(url, {"description": "x" * 100_000})
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert directory_rows() == before
