"""Every page carries a strict content security policy and no inline script; signed-in pages stay off the disk."""

import re

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/help/", "/help/durham/", "/healthz"])
def test_every_page_has_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    if path != "/healthz":  # JSON has no scripts
        assert re.search(r"script-src 'self' 'nonce-[\w+/=-]+'", policy), policy
        for tag in re.findall(r"<script[^>]*>", response.content.decode()):
            assert "src=" in tag and "nonce=" in tag, tag
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_signed_in_pages_carry_no_inline_script(volunteer, case):
    body = client_for(volunteer).get(case.get_absolute_url()).content.decode()
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag, tag


def test_case_pages_are_not_stored_by_the_browser(volunteer, case):
    client = client_for(volunteer)
    for path in ["/", "/referrals/", case.get_absolute_url()]:
        assert "no-store" in client.get(path)["Cache-Control"], path


@pytest.fixture
def case(volunteer):
    from directory.models import County, Language
    from tests.referrals.conftest import log_case

    return log_case(volunteer, County.objects.get(name="Durham"), Language.objects.get(code="es"))
