"""A request for another host name is refused, and not emailed to the administrators: anyone can send one, with a
Host header of their choosing, as often as they like."""

import pytest
from django.core import mail
from django.test import Client


@pytest.mark.django_db
def test_another_host_name_is_refused_without_an_email(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["referrals.example.org"]
    settings.ADMINS = ["ops@example.org"]
    response = Client(raise_request_exception=False).get("/help/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert mail.outbox == []
    assert Client().get("/help/", HTTP_HOST="referrals.example.org", secure=True).status_code == 200
