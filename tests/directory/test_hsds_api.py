"""The public HSDS 3.0 API: open to anyone, read-only, valid HSDS, and nothing but the public directory."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.data import seed_demo
from directory.hsds import records
from directory.hsds.schemas import errors
from directory.models import (
    County,
    Language,
    Organization,
    Phone,
    PhoneType,
    Service,
    ServiceCategory,
    ServiceStatus,
    TextAlert,
)

pytestmark = pytest.mark.django_db

PAGE = "openapi.json#/components/schemas/Page"
LIST_ENDPOINTS = ["api:services", "api:organizations", "api:taxonomies", "api:taxonomy_terms"]
DETAIL_ENDPOINTS = ["api:service", "api:organization", "api:taxonomy", "api:taxonomy_term"]


@pytest.fixture
def demo(db) -> None:
    seed_demo(password="x" * 20)


def get_json(client: Client, name: str, *args, **params) -> dict:
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def service_named(name: str) -> Service:
    return Service.objects.get(name=name)


def attribute_values(record: dict, code: str) -> list[str]:
    term_id = records.FIELD_TERMS[code].id
    return [item["value"] for item in record["attributes"] if item["taxonomy_term_id"] == term_id]


def make_services(count: int) -> None:
    """Services with everything a nested record reads: languages, counties, a phone with its own."""
    category = ServiceCategory.objects.get(code="legal")
    languages = list(Language.objects.filter(code__in=["en", "es"]))
    counties = list(County.objects.filter(name__in=["Durham", "Wake"]))
    for index in range(count):
        org = Organization.objects.create(name=f"Org {index}", slug=f"org-{index}")
        org.languages.set(languages)
        service = Service.objects.create(organization=org, category=category, name=f"Service {index}")
        service.languages.set(languages)
        service.counties.set(counties)
        phone = Phone.objects.create(organization=org, service=service, number=f"+1919555{index:04d}")
        phone.languages.set(languages)
        phone.counties.set(counties)
        office = Phone.objects.create(organization=org, number=f"+1984555{index:04d}", type=PhoneType.HOTLINE)
        office.counties.set(counties)
        alert = TextAlert.objects.create(organization=org, keyword=f"@org{index}", short_code="81010")
        alert.counties.set(counties)


# --- What the API is ---------------------------------------------------------------------------------------------


def test_the_index_says_it_is_hsds_3_0_and_where_its_profile_is(client, settings):
    settings.SITE_URL = "https://referrals.example.org"
    body = get_json(client, "api:index")
    assert body == {
        "version": "3.0",
        "profile": "https://referrals.example.org/api/hsds/profile",
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
    }


def test_the_profile_is_the_mapping_document(client):
    response = client.get(reverse("api:profile"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert "urn:fips:37063" in text and "description_es" in text


@pytest.mark.parametrize("name", ["api:index", "api:profile", *LIST_ENDPOINTS])
def test_anyone_can_read_it_without_signing_in(client, demo, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}


@pytest.mark.parametrize("name", ["api:index", *LIST_ENDPOINTS])
def test_a_post_is_refused_with_405_even_without_a_csrf_token(demo, name):
    response = Client(enforce_csrf_checks=True).post(reverse(name), {"name": "x"})
    assert response.status_code == 405
    assert response["Allow"] == "GET"


def test_changing_methods_are_refused_on_records_too(demo):
    service = Service.objects.first()
    client = Client(enforce_csrf_checks=True)
    path = reverse("api:service", args=[service.id])
    assert client.put(path).status_code == 405
    assert client.delete(path).status_code == 405
    assert Service.objects.filter(pk=service.pk).exists()


# --- Services ----------------------------------------------------------------------------------------------------


def test_the_service_list_is_an_hsds_page_of_valid_services(client, demo):
    body = get_json(client, "api:services")
    assert errors(body, PAGE) == []
    active = Service.objects.filter(status=ServiceStatus.ACTIVE).count()
    assert body["total_items"] == active == len(body["contents"]) == body["size"]
    assert (body["page_number"], body["total_pages"]) == (1, 1)
    assert body["first_page"] and body["last_page"] and not body["empty"]
    for record in body["contents"]:
        assert errors(record, "service.json") == []
        assert record["organization"]["id"] == record["organization_id"]
        assert "phones" not in record  # one-to-one fields only, as HSDS lists are


def test_full_lists_nest_everything_and_stay_valid(client, demo):
    body = get_json(client, "api:services", full="true")
    assert all(errors(record, "compiled_service_with_definitions.json") == [] for record in body["contents"])
    assert all("service_areas" in record and "attributes" in record for record in body["contents"])


def test_pages_follow_page_and_per_page(client, demo):
    total = Service.objects.filter(status=ServiceStatus.ACTIVE).count()
    first = get_json(client, "api:services", per_page=5)
    second = get_json(client, "api:services", per_page=5, page=2)
    last = get_json(client, "api:services", per_page=5, page=first["total_pages"])
    assert first["total_pages"] == -(-total // 5)
    assert (first["first_page"], first["last_page"], first["size"]) == (True, False, 5)
    assert (second["page_number"], second["first_page"]) == (2, False)
    assert last["last_page"] and last["size"] == total - 5 * (first["total_pages"] - 1)
    ids = [record["id"] for page in (first, second) for record in page["contents"]]
    assert len(set(ids)) == 10


def test_an_empty_result_is_an_empty_first_and_last_page(client, demo):
    body = get_json(client, "api:services", organization_id=uuid.uuid4())
    assert errors(body, PAGE) == []
    assert body == {
        "total_items": 0,
        "total_pages": 1,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_a_page_past_the_end_is_a_json_404(client, demo):
    response = client.get(reverse("api:services"), {"page": 99})
    assert response.status_code == 404
    assert response.json() == {"detail": "No such page."}


@pytest.mark.parametrize(
    "params",
    [
        {"page": "two"},
        {"page": "0"},
        {"per_page": "-1"},
        {"full": "maybe"},
        {"taxonomy_term_id": "legal"},
        {"organization_id": "1"},
        {"modified_after": "yesterday"},
        {"modified_after": "2025-13-01"},
    ],
)
def test_malformed_query_parameters_are_a_json_400(client, demo, params):
    response = client.get(reverse("api:services"), params)
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_per_page_is_capped(client):
    make_services(3)
    body = get_json(client, "api:services", per_page=100000)
    assert body["size"] == 3


def test_services_filter_by_taxonomy_term(client, demo):
    legal = ServiceCategory.objects.get(code="legal")
    body = get_json(client, "api:services", taxonomy_term_id=legal.id)
    expected = Service.objects.filter(category=legal, status=ServiceStatus.ACTIVE)
    assert {record["id"] for record in body["contents"]} == {str(service.id) for service in expected}
    assert body["total_items"] >= 1


def test_services_filter_by_organization(client, demo):
    org = Organization.objects.get(slug="el-centro-hispano")
    body = get_json(client, "api:services", organization_id=org.id)
    assert body["total_items"] == org.services.count() == 4
    assert {record["organization_id"] for record in body["contents"]} == {str(org.id)}


def test_services_filter_by_modified_after(client, demo):
    recent = service_named("Interpretation")
    long_ago = timezone.now() - timedelta(days=30)
    Service.objects.exclude(pk=recent.pk).update(updated_at=long_ago)
    since = (long_ago + timedelta(days=1)).date().isoformat()
    body = get_json(client, "api:services", modified_after=since)
    assert [record["id"] for record in body["contents"]] == [str(recent.id)]
    with_time = get_json(client, "api:services", modified_after=f"{since}T00:00:00+00:00")
    assert with_time["total_items"] == 1
    everything = get_json(client, "api:services", modified_after=(long_ago - timedelta(days=1)).isoformat())
    assert everything["total_items"] == Service.objects.count()


def test_only_active_services_are_shown(client, demo):
    closed = service_named("Interpretation")
    closed.status = ServiceStatus.TEMPORARILY_CLOSED
    closed.save(update_fields=["status"])
    listed = {record["id"] for record in get_json(client, "api:services")["contents"]}
    assert str(closed.id) not in listed
    assert client.get(reverse("api:service", args=[closed.id])).status_code == 404
    org = get_json(client, "api:organization", closed.organization_id)
    assert str(closed.id) not in {service["id"] for service in org["services"]}


def test_a_service_is_fully_nested_and_valid_hsds(client, demo):
    service = service_named("Liberation Not Deportation bond fund")
    record = get_json(client, "api:service", service.id)
    assert errors(record, "compiled_service_with_definitions.json") == []
    assert errors(record, "service.json") == []
    assert record["id"] == str(service.id)
    assert record["status"] == "active"
    assert record["organization"] == {
        "id": str(service.organization_id),
        "name": "El Centro Hispano",
        "description": service.organization.description,
        "website": "https://elcentronc.org",
    }
    assert record["schedules"] == []
    assert [(area["name"], area["uri"]) for area in record["service_areas"]] == [
        ("Durham County", "urn:fips:37063"),
        ("Orange County", "urn:fips:37135"),
        ("Wake County", "urn:fips:37183"),
    ]
    assert [(language["code"], language["name"]) for language in record["languages"]] == [
        ("en", "English"),
        ("es", "Spanish"),
    ]
    category = next(item for item in record["attributes"] if item["link_type"] == "category")
    assert category["taxonomy_term_id"] == str(service.category_id)
    assert category["taxonomy_term"]["code"] == "bond"
    assert category["link_id"] == record["id"] and category["link_entity"] == "service"
    assert attribute_values(record, "name_es") == ["Fondo de fianzas Liberation Not Deportation"]
    assert attribute_values(record, "capacity_available") == ["4"]
    assert attribute_values(record, "response_hours") == ["24"]


def test_a_statewide_service_serves_north_carolina(client, demo):
    service = service_named("Know-your-rights workshops")
    record = get_json(client, "api:service", service.id)
    assert [(area["name"], area["uri"]) for area in record["service_areas"]] == [
        ("North Carolina", "urn:fips:37")
    ]


def test_a_services_own_phone_is_nested_in_it(client, demo):
    service = service_named("Legal consultation for affected families")
    phone = Phone.objects.create(
        organization=service.organization, service=service, number="+19195550123", extension="12"
    )
    phone.languages.set(Language.objects.filter(code="es"))
    record = get_json(client, "api:service", service.id)
    assert errors(record, "service.json") == []
    assert record["phones"] == [
        {
            "id": str(phone.id),
            "organization_id": str(service.organization_id),
            "service_id": str(service.id),
            "number": "+19195550123",
            "extension": 12,
            "type": "voice",
            "languages": [
                {
                    "id": records.stable_id("phone", phone.id, "language", "es"),
                    "phone_id": str(phone.id),
                    "name": "Spanish",
                    "code": "es",
                }
            ],
            "attributes": record["phones"][0]["attributes"],
        }
    ]
    assert attribute_values(record["phones"][0], "phone_kind") == ["office"]


def test_derived_ids_are_stable_uuid5s(client, demo):
    service = service_named("Liberation Not Deportation bond fund")
    first = get_json(client, "api:service", service.id)
    again = get_json(client, "api:service", service.id)
    assert first == again
    durham = first["service_areas"][0]
    assert durham["id"] == str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"urn:referral-network:service:{service.id}:service-area:37063")
    )
    spanish = first["languages"][1]
    assert spanish["id"] == str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"urn:referral-network:service:{service.id}:language:es")
    )
    assert uuid.UUID(durham["id"]).version == 5


@pytest.mark.parametrize("name", DETAIL_ENDPOINTS)
@pytest.mark.parametrize("value", [str(uuid.uuid4()), "not-a-uuid", "123", "0" * 40])
def test_an_unknown_or_malformed_id_is_a_json_404(client, demo, name, value):
    response = client.get(reverse(name, args=[value]))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("path", ["/api/hsds/locations", "/api/hsds/services/", "/api/hsds/services/a/b"])
def test_unknown_paths_under_the_api_are_json_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such endpoint."}


# --- Organizations and taxonomies ---------------------------------------------------------------------------------


def test_the_organization_list_is_a_page_of_valid_organizations(client, demo):
    body = get_json(client, "api:organizations")
    assert errors(body, PAGE) == []
    assert body["total_items"] == Organization.objects.count()
    assert [record["name"] for record in body["contents"]] == sorted(
        Organization.objects.values_list("name", flat=True)
    )
    assert all(errors(record, "organization.json") == [] for record in body["contents"])
    full = get_json(client, "api:organizations", full="true")
    assert all(errors(record, "organization.json") == [] for record in full["contents"])
    assert all("services" in record and "phones" in record for record in full["contents"])


def test_an_organization_nests_its_phones_text_alerts_and_services(client, demo):
    org = Organization.objects.get(slug="siembra-nc")
    record = get_json(client, "api:organization", org.id)
    assert errors(record, "organization.json") == []
    assert all(errors(service, "service.json") == [] for service in record["services"])
    assert {service["name"] for service in record["services"]} == set(
        org.services.values_list("name", flat=True)
    )
    assert "phones" not in record["services"][0]
    alerts = [phone for phone in record["phones"] if attribute_values(phone, "phone_kind") == ["text_alert"]]
    assert sorted(attribute_values(phone, "text_keyword")[0] for phone in alerts) == [
        "@siembra1",
        "@siembra2",
        "@siembra3",
        "@siembra4",
    ]
    durham_alert = next(phone for phone in alerts if attribute_values(phone, "text_keyword") == ["@siembra4"])
    assert (durham_alert["type"], durham_alert["number"]) == ("text", "81010")
    assert attribute_values(durham_alert, "county") == ["37063"]
    hotline = next(
        phone for phone in record["phones"] if attribute_values(phone, "phone_kind") == ["hotline"]
    )
    assert hotline["number"] == "+13365430353"
    # The post gives it as the line to report ICE activity anywhere.
    assert attribute_values(hotline, "county") == []
    assert attribute_values(hotline, "statewide") == ["true"]
    assert attribute_values(record, "slug") == ["siembra-nc"]
    assert attribute_values(record, "description_es") == [org.description_es]

    full = get_json(client, "api:organization", org.id, full_service="true")
    assert all(
        errors(service, "compiled_service_with_definitions.json") == [] for service in full["services"]
    )
    assert all("service_areas" in service for service in full["services"])


def test_the_taxonomies_are_the_categories_and_the_network_fields(client, demo):
    body = get_json(client, "api:taxonomies")
    assert errors(body, PAGE) == []
    assert [record["name"] for record in body["contents"]] == [
        "Rapid-response service categories",
        "Referral network fields",
    ]
    assert all(errors(record, "taxonomy.json") == [] for record in body["contents"])
    one = get_json(client, "api:taxonomy", records.CATEGORY_TAXONOMY["id"])
    assert one == records.CATEGORY_TAXONOMY


def test_the_taxonomy_terms_are_valid_and_filter_by_taxonomy(client, demo):
    body = get_json(client, "api:taxonomy_terms", per_page=200)
    assert errors(body, PAGE) == []
    assert all(errors(record, "taxonomy_term.json") == [] for record in body["contents"])
    assert body["total_items"] == ServiceCategory.objects.count() + len(records.FIELD_TERMS)
    categories = get_json(client, "api:taxonomy_terms", taxonomy_id=records.CATEGORY_TAXONOMY["id"])
    assert [record["code"] for record in categories["contents"]] == list(
        ServiceCategory.objects.order_by("position").values_list("code", flat=True)
    )
    bond = ServiceCategory.objects.get(code="bond")
    assert get_json(client, "api:taxonomy_term", bond.id)["name"] == "Bond fund"
    field = records.FIELD_TERMS["description_es"]
    assert get_json(client, "api:taxonomy_term", field.id)["code"] == "description_es"


# --- Privacy -----------------------------------------------------------------------------------------------------


def test_nothing_private_ever_leaves_through_the_api(client, demo):
    org = Organization.objects.get(slug="el-centro-hispano")
    org.intake_email = "intake-secret@elcentro.example"
    org.email = "info@elcentro.example"
    org.save(update_fields=["intake_email", "email"])
    service = org.services.first()
    bodies = [
        client.get(reverse(name), {"full": "true", "per_page": 200}).content.decode()
        for name in LIST_ENDPOINTS
    ]
    bodies.append(
        client.get(reverse("api:organization", args=[org.id]), {"full_service": "true"}).content.decode()
    )
    bodies.append(client.get(reverse("api:service", args=[service.id])).content.decode())
    everything = "\n".join(bodies)
    assert "info@elcentro.example" in everything  # the public email is public
    assert "intake-secret" not in everything
    assert "demo.example" not in everything  # accounts' emails
    assert "intake_email" not in everything
    assert "password" not in everything


# --- Query budget ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 50])
def test_listing_services_takes_the_same_queries_for_1_and_50(client, django_assert_num_queries, count):
    make_services(count)
    # 1 count, 2 the page of services with organization and category joined.
    with django_assert_num_queries(2):
        assert get_json(client, "api:services")["size"] == count
    # The same two, then 3 languages, 4 counties, 5 phones, 6 their languages, 7 their counties.
    with django_assert_num_queries(7):
        assert get_json(client, "api:services", full="true")["size"] == count


@pytest.mark.parametrize("count", [1, 50])
def test_listing_organizations_takes_the_same_queries_for_1_and_50(client, django_assert_num_queries, count):
    make_services(count)
    # 1 count, 2 the page of organizations.
    with django_assert_num_queries(2):
        assert get_json(client, "api:organizations")["size"] == count
    # 1 count, 2 organizations, 3 their languages, 4 phones, 5 phone languages, 6 phone counties,
    # 7 text alerts, 8 their counties, 9 services with categories, 10 service languages, 11 service counties,
    # 12 service phones, 13 their languages, 14 their counties.
    with django_assert_num_queries(14):
        assert get_json(client, "api:organizations", full="true")["size"] == count


def test_a_service_and_an_organization_take_a_fixed_number_of_queries(client, django_assert_num_queries):
    make_services(3)
    service = Service.objects.first()
    # 1 the service with organization and category, 2 languages, 3 counties, 4 phones, 5 their languages,
    # 6 their counties.
    with django_assert_num_queries(6):
        get_json(client, "api:service", service.id)
    # The organizations list's full query set, less the count: 13.
    with django_assert_num_queries(13):
        get_json(client, "api:organization", service.organization_id, full_service="true")
