"""The public pages under a surge: anonymous copies are kept and revalidated, and never shown to the wrong person,
in the wrong language, or after the directory changed."""

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client

from directory.freshness import VERSION_KEY, directory_changed, directory_version, page_cache
from directory.models import County, Phone, PhoneType, Resource, ResourceKind
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DURHAM = "/help/durham/"


@pytest.fixture
def hotline(partner_org) -> Phone:
    phone = Phone.objects.create(
        organization=partner_org, number="+19195550142", type=PhoneType.HOTLINE, description="Report a raid"
    )
    phone.counties.set(County.objects.filter(name="Durham"))
    return phone


def cache_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def header_set(response, name: str) -> set[str]:
    return {part.strip() for part in response.get(name, "").split(",") if part.strip()}


def test_an_anonymous_copy_may_be_kept_briefly_by_any_cache_and_revalidated(client, hotline):
    response = client.get(DURHAM)
    assert response.status_code == 200
    assert header_set(response, "Cache-Control") == {"public", "max-age=60"}
    assert {"Accept-Language", "Cookie"} <= header_set(response, "Vary")
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")


def test_an_anonymous_copy_holds_nothing_of_the_visitor_and_sets_no_cookie(client, hotline):
    response = client.get(DURHAM)
    body = response.content.decode()
    assert "csrfmiddlewaretoken" not in body and "X-CSRFToken" not in body
    assert not response.cookies
    # The language switch is a link, not a form.
    assert 'href="/language/es/?next=/help/durham/"' in body


def test_the_second_visitor_gets_the_kept_copy_without_drawing_the_page(
    client, hotline, django_assert_max_num_queries
):
    first = client.get(DURHAM).content
    # The directory's version and the page itself: two reads of the cache (a table here, Redis in production).
    with django_assert_max_num_queries(2):
        second = client.get(DURHAM).content
    assert second == first


def test_a_browser_that_has_the_page_gets_a_304(client, hotline):
    etag = client.get(DURHAM)["ETag"]
    response = client.get(DURHAM, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_change_of_the_directory_is_on_the_next_request(client, hotline):
    before = client.get(DURHAM)
    assert "919-555-0142" in before.content.decode()
    hotline.number = "+19195550177"
    hotline.save()
    after = client.get(DURHAM, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    body = after.content.decode()
    assert "919-555-0177" in body and "919-555-0142" not in body


def test_a_county_removed_from_a_line_is_gone_on_the_next_request(client, hotline):
    assert "919-555-0142" in client.get(DURHAM).content.decode()
    hotline.counties.clear()
    assert "919-555-0142" not in client.get(DURHAM).content.decode()


def test_an_admins_edit_in_the_app_is_on_the_next_request(client, hotline, network_admin):
    assert "919-555-0142" in client.get(DURHAM).content.decode()
    response = client_for(network_admin).post(
        f"/manage/phones/{hotline.pk}/edit/",
        {
            "organization": hotline.organization_id,
            "type": "hotline",
            "number": "919-555-0188",
            "counties": ["37063"],
        },
    )
    assert response.status_code == 302
    body = client.get(DURHAM).content.decode()
    assert "919-555-0188" in body and "919-555-0142" not in body


def test_a_deleted_line_is_gone_on_the_next_request(client, hotline):
    assert "919-555-0142" in client.get(DURHAM).content.decode()
    hotline.delete()
    assert "919-555-0142" not in client.get(DURHAM).content.decode()


def test_each_change_gives_a_new_version_even_twice_in_one_second():
    first = directory_version()
    directory_changed()
    second = directory_version()
    directory_changed()
    assert len({first.token, second.token, directory_version().token}) == 3


def test_a_lost_version_never_brings_back_a_page_kept_before_a_change(client, hotline):
    client.get(DURHAM)  # kept under the first version
    hotline.number = "+19195550177"
    hotline.save()
    assert "919-555-0177" in client.get(DURHAM).content.decode()
    page_cache().delete(VERSION_KEY)  # an eviction, a restart of the cache
    body = client.get(DURHAM).content.decode()
    assert "919-555-0177" in body and "919-555-0142" not in body


def test_the_pages_are_kept_apart_from_the_sign_in_rate_limits(client, hotline):
    # A full cache is culled; a crawl of every county's page must not cull the counters that stop password guessing.
    cache.set("allauth:rl:probe", 5, 300)
    before = cache_rows("django_cache")
    client.get(DURHAM)
    client.get("/help/durham/flyer/")
    assert cache_rows("django_cache") == before
    assert cache_rows("public_page_cache") >= 2
    assert cache.get("allauth:rl:probe") == 5


def test_other_query_parameters_still_get_the_kept_copy(client, hotline):
    kept = client.get(DURHAM)
    shared = client.get(DURHAM, {"utm_source": "whatsapp", "fbclid": "x"})
    assert header_set(shared, "Cache-Control") == {"public", "max-age=60"}
    assert shared.content == kept.content


def test_a_response_that_sets_a_cookie_is_never_public(client, hotline, volunteer):
    # Someone who just signed out on this browser: the page shows "You have signed out." and clears the message's
    # cookie as it does, so this response sets a cookie and is that visitor's own.
    client.force_login(volunteer)
    client.post("/accounts/logout/")
    response = client.get(DURHAM)
    assert response.cookies
    assert header_set(response, "Cache-Control") == {"private", "no-cache"}


def test_a_spanish_visitor_never_gets_the_english_copy(client, hotline):
    english = client.get(DURHAM)
    assert english["Content-Language"] == "en"
    by_header = client.get(DURHAM, headers={"accept-language": "es"})
    assert by_header["Content-Language"] == "es"
    assert "Líneas de ayuda" in by_header.content.decode()
    assert by_header["ETag"] != english["ETag"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert "Líneas de ayuda" in client.get(DURHAM).content.decode()
    # And the English visitor after them still gets English.
    assert "Hotlines" in Client().get(DURHAM).content.decode()


def test_a_signed_in_person_never_gets_the_anonymous_copy(client, hotline, volunteer):
    anonymous = client.get(DURHAM)
    assert volunteer.organization.name not in anonymous.content.decode()
    signed_in = client_for(volunteer).get(DURHAM, headers={"if-none-match": anonymous["ETag"]})
    assert signed_in.status_code == 200
    assert volunteer.organization.name in signed_in.content.decode()  # in the menu
    # Not even stored by their own browser: it holds their name and a form token.
    assert {"private", "no-store"} <= header_set(signed_in, "Cache-Control")
    assert "ETag" not in signed_in


def test_the_signed_in_copy_is_never_kept_for_anonymous_visitors(client, hotline, volunteer):
    client_for(volunteer).get(DURHAM)
    assert volunteer.organization.name not in client.get(DURHAM).content.decode()


def test_searches_are_not_kept(client, hotline):
    response = client.get("/help/", {"q": "Dur"})
    assert header_set(response, "Cache-Control") == {"private", "no-cache"}


def test_a_message_waiting_for_the_visitor_is_shown_to_them_and_not_kept_for_others(client, hotline):
    client.get(DURHAM)  # a kept copy exists
    # The messages cookie, as signing out leaves it.
    carrier = HttpResponse()
    storage = CookieStorage(HttpRequest())
    storage.add(constants.INFO, "You have signed out.")
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    with_message = client.get(DURHAM)
    assert "You have signed out." in with_message.content.decode()
    assert header_set(with_message, "Cache-Control") == {"private", "no-cache"}
    assert "You have signed out." not in Client().get(DURHAM).content.decode()


def test_the_language_link_switches_and_comes_back_to_the_page(client, hotline):
    response = client.get("/language/es/", {"next": DURHAM})
    assert response.status_code == 302
    assert response["Location"] == DURHAM
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # no session for a visitor who only reads
    assert "Líneas de ayuda" in client.get(DURHAM).content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/help/", "javascript:alert(1)", ""]
)
def test_the_language_link_never_leaves_the_site(client, next_url):
    response = client.get("/language/es/", {"next": next_url})
    assert response["Location"] == "/help/"


def test_the_language_link_ignores_unknown_languages(client):
    response = client.get("/language/xx/", {"next": DURHAM})
    assert response["Location"] == DURHAM
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_language_link_does_not_change_a_signed_in_persons_account(volunteer):
    client = client_for(volunteer)
    client.get("/language/es/", {"next": DURHAM})
    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "en"


def test_a_resource_scoped_to_another_county_leaves_the_page_on_the_next_request(client, hotline):
    resource = Resource.objects.create(kind=ResourceKind.GUIDE, title="Durham-only guide")
    assert "Durham-only guide" in client.get(DURHAM).content.decode()
    resource.counties.set(County.objects.filter(name="Wake"))
    assert "Durham-only guide" not in client.get(DURHAM).content.decode()
