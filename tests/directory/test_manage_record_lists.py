"""The management lists share one layout: filters and page links swap the results in place with htmx, and work
as plain links and forms without JavaScript. The three admin-only record kinds share one set of views."""

import pytest

from directory.models import Phone, Resource, TextAlert
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LISTS = [
    "/manage/organizations/",
    "/manage/services/",
    "/manage/phones/",
    "/manage/text-alerts/",
    "/manage/resources/",
    "/manage/users/",
]


@pytest.fixture
def phones(partner_org, other_partner_org) -> list[Phone]:
    numbers = [f"+1919555{n:04d}" for n in range(51)]
    rows = [Phone(organization=partner_org, number=number, type="hotline") for number in numbers[:50]]
    rows.append(Phone(organization=other_partner_org, number=numbers[50], type="office"))
    return Phone.objects.bulk_create(rows)


@pytest.mark.parametrize("url", LISTS)
def test_each_list_is_a_whole_page_with_heading_tabs_filters_and_results(network_admin, url):
    response = client_for(network_admin).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in body and 'role="search"' in body and 'id="record-results"' in body
    assert 'aria-current="page"' in body  # the section's tab


@pytest.mark.parametrize("url", LISTS)
def test_an_htmx_request_gets_only_the_results(network_admin, url):
    response = client_for(network_admin).get(url, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="record-results"')
    assert "<h1" not in body and 'role="search"' not in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_filtering_with_htmx_returns_the_filtered_rows(network_admin, phones, other_partner_org):
    response = client_for(network_admin).get(
        "/manage/phones/", {"organization": other_partner_org.pk}, **HTMX
    )
    assert list(response.context["page"].object_list) == [phones[50]]
    assert "1 phone number" in response.content.decode()


def test_page_links_fetch_the_next_page_with_htmx_and_work_without_it(network_admin, phones):
    body = client_for(network_admin).get("/manage/phones/").content.decode()
    assert 'href="?page=2"' in body and 'hx-get="?page=2"' in body and 'hx-push-url="true"' in body
    second = client_for(network_admin).get("/manage/phones/", {"page": 2}, **HTMX)
    assert len(second.context["page"].object_list) == 1
    assert "Page 2 of 2" in second.content.decode()


def test_going_back_to_a_page_htmx_no_longer_holds_gets_the_whole_page(network_admin):
    response = client_for(network_admin).get(
        "/manage/phones/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "<h1" in response.content.decode()


def test_the_filter_form_and_page_links_target_the_results(network_admin, phones):
    body = client_for(network_admin).get("/manage/phones/").content.decode()
    assert 'hx-get="/manage/phones/" hx-target="#record-results"' in body
    assert body.count('hx-target="#record-results"') == 2  # the filter form and the "Next" link


def test_partner_staff_get_no_results_through_htmx_either(partner):
    assert client_for(partner).get("/manage/phones/", **HTMX).status_code == 403


@pytest.mark.parametrize(
    ("url", "model", "values", "removed"),
    [
        ("/manage/phones/", Phone, {"number": "+19195550100", "type": "hotline"}, "Phone number removed."),
        (
            "/manage/text-alerts/",
            TextAlert,
            {"keyword": "@alerta", "short_code": "81010"},
            "Text alert removed.",
        ),
        ("/manage/resources/", Resource, {"kind": "guide", "title": "Know your rights"}, "Resource removed."),
    ],
)
def test_each_admin_record_kind_is_edited_and_removed_with_its_own_words(
    network_admin, partner_org, url, model, values, removed
):
    record = model.objects.create(organization=partner_org, **values)
    client = client_for(network_admin)
    edit = client.get(f"{url}{record.pk}/edit/").content.decode()
    assert f'action="{url}{record.pk}/delete/"' in edit
    assert f'href="{url}"' in edit  # cancel goes back to the list
    response = client.post(f"{url}{record.pk}/delete/", follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert removed in response.content.decode()
    assert not model.objects.exists()
