"""Temporary: renders every management list (full and htmx, en and es) into files to compare before/after."""
import os
import pytest
from demo.data import seed_demo
from directory.models import Role, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
URLS = ["/manage/organizations/", "/manage/services/", "/manage/phones/", "/manage/text-alerts/", "/manage/resources/", "/manage/users/"]

def test_snapshot(network_admin, monkeypatch):
    monkeypatch.setattr('directory.manage.common.PAGE_SIZE', 3)
    seed_demo(password="x-very-long-demo-password-123")
    client = client_for(network_admin)
    out = os.environ["H7_OUT"]
    os.makedirs(out, exist_ok=True)
    for rnd in ['a', 'b']:
     if rnd == 'b':
        from directory.models import Phone, TextAlert, Resource, Service
        for m in (Phone, TextAlert, Resource, Service): m.objects.all().delete()
     for lang in ["en", "es"]:
        for url in URLS:
            for extra in [{}, {"page": "2"}, {"q": "zzzzzz"}]:
                for htmx in [False, True]:
                    headers = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": lang} if htmx else {"HTTP_ACCEPT_LANGUAGE": lang}
                    client.cookies["django_language"] = lang
                    r = client.get(url, extra, **headers)
                    assert r.status_code == 200
                    name = f"{rnd}{lang}{url.replace('/', '_')}{'_'.join(extra.values())}{'_hx' if htmx else ''}.html"
                    body = r.content.decode()
                    import re
                    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
                    body = re.sub(r'nonce="[^"]*"', "", body)
                    with open(os.path.join(out, name), "w") as f:
                        f.write(body)
