"""While the database is down, pages answer 503 with Retry-After and the bilingual page, and come back within a
second of the database; the log gets a line per kind of failure, not a traceback per request.

Real processes: a PostgreSQL server of this test's own (initdb under /tmp, its own port: the shared one is never
stopped), and gunicorn serving the app against it with production settings and kept connections (CONN_MAX_AGE), as
deployed. The test stops and starts that server. Marked `outage`: CI runs it once, in the SQLite run (it brings its
own PostgreSQL either way).
"""

import glob
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.outage


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgreSQL:
    """A throwaway cluster. PostgreSQL refuses to run as root, so as root (CI) it runs as the postgres user."""

    def __init__(self) -> None:
        self.bin = Path(
            sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))[-1]
        )
        self.dir = Path(tempfile.mkdtemp(prefix="outage-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.start()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/app"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bin / tool), *args], check=True, capture_output=True, timeout=60
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def connect(self, dbname: str = "app") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True
        )

    def remove(self) -> None:
        subprocess.run([*self.as_owner, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "o" * 20 + "-outage-test-secret-key-0123456789-abcdefghij",
    "FIELD_ENCRYPTION_KEYS": "b3V0YWdlLXRlc3QtZmllbGQta2V5LTAxMjM0NTY3ODk=",
    "FIELD_HASH_KEY": "outage-test-hash-key-0123456789-abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "False",
    "MFA_REQUIRED": "True",
    "DEMO_DATA": "False",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
}


# The tables straight from the models, as pytest-django's --no-migrations does: 4 s instead of 19 s of migrations
# (the public pages work without the reference data the migrations load).
CREATE_TABLES = """
import django
django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("createcachetable", verbosity=0)
call_command("migrate", run_syncdb=True, verbosity=0)
"""


@pytest.fixture(scope="module")
def site():
    database = PostgreSQL()
    try:
        with database.connect("postgres") as connection:
            connection.execute("CREATE DATABASE app")
            # A row lock held elsewhere fails a statement after a second (the session-save test below).
            connection.execute("ALTER DATABASE app SET lock_timeout = '1s'")
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
            **PRODUCTION,
            "DATABASE_URL": database.url,
        }
        subprocess.run(
            [sys.executable, "-c", CREATE_TABLES], cwd=BASE_DIR, env=env, check=True, capture_output=True
        )
        manage = [sys.executable, "manage.py"]
        if not (BASE_DIR / "staticfiles/staticfiles.json").exists():  # `make test` collects them first
            subprocess.run([*manage, "collectstatic", "--no-input"], cwd=BASE_DIR, env=env, check=True,
                           capture_output=True)  # fmt: skip
        port = free_port()
        log = open(database.dir / "gunicorn.log", "w+")  # noqa: SIM115  # read and closed at teardown
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            site = Site(port, database, Path(log.name))
            deadline = time.monotonic() + 30
            while site.status("/healthz") is None:
                assert server.poll() is None and time.monotonic() < deadline, Path(log.name).read_text()
                time.sleep(0.1)
            yield site
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()
    finally:
        database.remove()


class Site:
    def __init__(self, port: int, database: PostgreSQL, log: Path) -> None:
        self.port = port
        self.database = database
        self.log = log
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str = "", language: str = "en"
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {
            "Accept-Language": language,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode()  # type: ignore[attr-defined]
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        connection.close()
        return response

    def status(self, path: str) -> int | None:
        try:
            return self.request("GET", path).status
        except OSError:
            return None


def assert_unavailable_page(response, first: str = "en") -> None:
    assert response.status == 503, response.text[:500]
    assert response.headers["Retry-After"] == "30"
    page = response.text  # type: ignore[attr-defined]
    assert "Temporarily unavailable" in page and "No disponible por el momento" in page
    assert f'<html lang="{first}">' in page
    assert "no-store" in response.headers["Cache-Control"]


def test_a_session_that_cannot_be_saved_is_an_outage_not_a_bare_bad_request(site):
    """The database fails just as the session is saved (here: the session table is locked elsewhere and the write
    times out), after the view ran. Django's SessionMiddleware calls that a 400; the person sees the 503 page."""
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', site.request("GET", "/accounts/login/").text
    )
    assert token
    form = f"csrfmiddlewaretoken={token.group(1)}&next=/help/&language="
    assert site.request("POST", "/language/", form + "es").status == 302  # a session of its own now
    with site.database.connect() as locker, locker.transaction():
        locker.execute("LOCK TABLE django_session IN EXCLUSIVE MODE")
        response = site.request("POST", "/language/", form + "en", language="es")
    assert_unavailable_page(response, first="es")
    assert "Bad Request" not in response.text


def test_pages_answer_503_while_the_database_is_down_and_come_back_within_a_second(site):
    site.cookies.clear()  # a visitor who never chose a language
    assert site.status("/help/") == 200  # a kept connection (CONN_MAX_AGE), which the stop will break
    site.database.stop()
    try:
        for _ in range(5):
            started = time.monotonic()
            assert_unavailable_page(site.request("GET", "/help/"))
            assert time.monotonic() - started < 1
        assert_unavailable_page(site.request("GET", "/help/", language="es-MX,es;q=0.9"), first="es")
        # Signing in: the sign-in page needs no database, the attempt does.
        page = site.request("GET", "/accounts/login/")
        assert page.status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore
        attempt = f"csrfmiddlewaretoken={token}&login=vera%40example.org&password=correct+horse"
        assert_unavailable_page(site.request("POST", "/accounts/login/", attempt))
    finally:
        site.database.start()  # returns once the server accepts connections
    back = time.monotonic()
    while site.status("/help/") != 200:
        assert time.monotonic() - back < 1, "not back within a second of the database"
        time.sleep(0.02)

    log = site.log.read_text()
    assert "Traceback" not in log, log
    outage_lines = [line for line in log.splitlines() if "database unavailable:" in line]
    # One line per kind of failure (the broken kept connection, then refused connections), not one per request.
    assert 1 <= len(outage_lines) <= 3, log
    assert any("Connection refused" in line or "connection failed" in line for line in outage_lines), log
