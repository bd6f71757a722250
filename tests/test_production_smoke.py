"""Production smoke test: the documented setup, over real HTTPS.

Gunicorn with deploy/gunicorn.conf.py and production settings (DEBUG off, keys from files, __Host- cookies, HSTS),
behind nginx running deploy/nginx/referrals.conf (only its ports, certificate and paths changed; see
tests/deploy_support.py), on an SQLite database of its own. Gunicorn runs with memory that cannot be both writable
and executable, as MemoryDenyWriteExecute=yes in deploy/systemd/ makes it. Run once in CI (marker `smoke`): it does
not depend on the database the suite runs on.
"""

import ctypes
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.deploy_support import BASE_DIR, HOST, free_port, nginx_config

pytestmark = pytest.mark.smoke

# What the client's and the proxy's addresses are: the client connects from 127.0.0.2, nginx to Gunicorn from
# 127.0.0.1, so a limit counted on the proxy's address would show.
CLIENT_ADDRESS = "127.0.0.2"
OTHER_CLIENT_ADDRESS = "127.0.0.3"
SPOOFED = "203.0.113.9"
SLOW_CLIENT_ADDRESS = "127.0.0.4"


def no_write_and_execute_memory() -> None:
    """In the child before exec: what systemd's MemoryDenyWriteExecute=yes does (PR_SET_MDWE, Linux 6.3+)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(65, 1, 0, 0, 0) != 0:  # PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN
        raise OSError(ctypes.get_errno(), "PR_SET_MDWE")


@dataclass
class Stack:
    directory: Path
    https_port: int
    http_port: int
    database: Path
    processes: list[subprocess.Popen] = field(default_factory=list)


def wait_for(check, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the stack did not come up")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("production")
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    secrets_dir = directory / "credentials"
    secrets_dir.mkdir(mode=0o700)
    secrets = {
        "SECRET_KEY": "smoke-test-secret-key-" + "s" * 40,
        "FIELD_ENCRYPTION_KEYS": "c21va2UtdGVzdC1maWVsZC1rZXktMDAwMDAwMDAwMDA=",
        "FIELD_HASH_KEY": "smoke-test-hash-key-0123456789abcdef",
    }
    for name, value in secrets.items():
        (secrets_dir / name.lower()).write_text(value + "\n")
    database = directory / "db.sqlite3"
    static_root = directory / "static"
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "False",
            # Set empty, so that a development checkout's .env does not fill them in next to the _FILE variables.
            **dict.fromkeys(secrets, ""),
            **{f"{name}_FILE": str(secrets_dir / name.lower()) for name in secrets},
            "MFA_REQUIRED": "True",
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{https_port}",
            "SITE_URL": f"https://{HOST}:{https_port}",
            "DATABASE_URL": f"sqlite:///{database}",
            "STATIC_ROOT": str(static_root),
            "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # Few threads, so that two slow clients would take them all if nginx let them through.
            "GUNICORN_BIND": f"127.0.0.1:{app_port}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "2",
        }
    )
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            timeout=300,
        )
    result = Stack(directory, https_port, http_port, database)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result.processes.append(
        subprocess.Popen(
            [gunicorn, "--config", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(directory / "gunicorn.log", "wb"),  # noqa: SIM115 (closed with the process)
            preexec_fn=no_write_and_execute_memory,
            start_new_session=True,
        )
    )
    config = nginx_config(
        directory, http_port=http_port, https_port=https_port, app_port=app_port, static_root=static_root
    )
    result.processes.append(
        subprocess.Popen(
            ["nginx", "-p", str(directory), "-c", str(config), "-g", "daemon off;"],
            stderr=open(directory / "nginx.log", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
    )
    try:
        wait_for(lambda: fetch("/healthz", stack=result).status == 200)
        yield result
    finally:
        for process in result.processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in result.processes:
            process.wait(timeout=30)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def cookies(self) -> SimpleCookie:
        jar: SimpleCookie = SimpleCookie()
        for value in self.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return jar


def fetch(
    path: str,
    *,
    stack: Stack,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source: str = CLIENT_ADDRESS,
    tls: bool = True,
    timeout: float = 10,
) -> Response:
    """One request to nginx from `source`, for the site's host name, as a browser would send it."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", stack.https_port, context=context, source_address=(source, 0), timeout=timeout
        )
    else:
        connection = http.client.HTTPConnection(
            "127.0.0.1", stack.http_port, source_address=(source, 0), timeout=timeout
        )
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def test_the_public_page_is_served_with_the_security_headers(stack):
    response = fetch("/help/", stack=stack)
    assert response.status == 200
    assert b"<html" in response.body
    assert response.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    csp = response.header("Content-Security-Policy")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("Referrer-Policy") == "same-origin"
    assert response.header("Cross-Origin-Opener-Policy") == "same-origin"
    assert response.header("X-Frame-Options") == "DENY"
    assert "camera=()" in response.header("Permissions-Policy")
    assert response.header("Server") == "nginx"  # no version


def test_the_sign_in_page_sets_host_only_secure_cookies(stack):
    response = fetch("/accounts/login/", stack=stack)
    assert response.status == 200
    assert b'name="password"' in response.body
    cookie = response.cookies()["__Host-csrftoken"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert response.header("Strict-Transport-Security").startswith("max-age=31536000")


def test_static_files_come_from_nginx_compressed_and_cached_for_a_year(stack):
    page = fetch("/help/", stack=stack).body.decode()
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page links a stylesheet with a content-hashed name (the manifest storage's)"
    response = fetch(stylesheet[1], stack=stack, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.header("Content-Type") == "text/css"
    assert response.header("Content-Encoding") == "gzip"  # WhiteNoise's .gz copy, sent by gzip_static
    assert response.header("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.header("X-Content-Type-Options") == "nosniff"


def test_healthz_answers(stack):
    response = fetch("/healthz", stack=stack)
    assert response.status == 200
    assert json.loads(response.body) == {"status": "ok", "database": "ok"}


def test_plain_http_is_sent_to_https(stack):
    response = fetch("/help/?q=27701", stack=stack, tls=False)
    assert response.status == 301
    assert response.header("Location") == f"https://{HOST}:{stack.https_port}/help/?q=27701"


def test_bodies_over_the_limit_are_refused_by_the_proxy(stack):
    response = fetch(
        "/accounts/login/",
        stack=stack,
        method="POST",
        headers={"Content-Length": str(2 * 1024 * 1024), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 413


def failed_sign_in(stack: Stack, *, source: str, email: str) -> Response:
    page = fetch("/accounts/login/", stack=stack, source=source)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert token
    cookie = page.cookies()["__Host-csrftoken"].value
    form = f"csrfmiddlewaretoken={token[1].decode()}&login={email}&password=wrong-password-guess"
    return fetch(
        "/accounts/login/",
        stack=stack,
        method="POST",
        source=source,
        body=form.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"__Host-csrftoken={cookie}",
            "Origin": f"https://{HOST}:{stack.https_port}",
            # What a client would send to be counted as someone else.
            "X-Forwarded-For": SPOOFED,
            "X-Real-IP": SPOOFED,
        },
    )


def rate_limit_addresses(stack: Stack) -> set[str]:
    """The client addresses allauth counts failed sign-ins against, read from its keys in the database cache."""
    with sqlite3.connect(stack.database) as connection:
        keys = [row[0] for row in connection.execute("SELECT cache_key FROM django_cache")]
    return {key.rsplit(":ip:", 1)[1] for key in keys if ":login_failed:" in key and ":ip:" in key}


def test_sign_in_limits_count_the_address_nginx_saw_not_a_forged_one(stack):
    assert failed_sign_in(stack, source=CLIENT_ADDRESS, email="nobody@example.org").status == 200
    assert failed_sign_in(stack, source=OTHER_CLIENT_ADDRESS, email="nobody@example.org").status == 200
    # Each client is counted on its own address: not the forged one, and not the proxy's (127.0.0.1).
    assert rate_limit_addresses(stack) == {CLIENT_ADDRESS, OTHER_CLIENT_ADDRESS}


def test_the_access_log_keeps_no_search_terms_case_references_or_full_addresses(stack):
    fetch("/help/?q=27701", stack=stack)
    fetch("/referrals/R-7K3M9Q/", stack=stack)
    log = (stack.directory / "access.log").read_text()
    assert "27701" not in log and "R-7K3M9Q" not in log and CLIENT_ADDRESS not in log
    assert '"GET /help/ HTTP/1.1"' in log
    assert '"GET /referrals/R-xxxxxx/ HTTP/1.1" 302' in log
    assert "127.0.0.0 [" in log


def slow_client(stack: Stack, headers: bytes, body_bytes: int, stop: threading.Event) -> None:
    """A client as the load test's slow ones: the headers a byte a second (body_bytes=0), or the headers at once and
    then a body a byte a second."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", stack.https_port), source_address=(SLOW_CLIENT_ADDRESS, 0))
    try:
        with context.wrap_socket(raw) as connection:
            if body_bytes:
                connection.sendall(headers)
            trickled = [bytes([byte]) for byte in headers] if not body_bytes else [b"a"] * body_bytes
            for piece in trickled:
                if stop.wait(1):
                    return
                connection.sendall(piece)
    except OSError:
        return  # nginx closing the connection on one of its timeouts is what it should do
    finally:
        raw.close()


def test_slow_clients_do_not_starve_the_app(stack):
    """Two clients sending headers a byte a second and two sending a body a byte a second, against an app server
    with two threads: /healthz keeps answering within a second throughout, because nginx holds the slow requests
    and passes on only whole ones."""
    slow_headers = f"GET /help/ HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: slow\r\n\r\n".encode()
    # A sign-in form with a valid CSRF cookie and origin, so that the app does read the body (a request without them
    # is refused before its body is read, and would hold nothing).
    cookie = fetch("/accounts/login/", stack=stack).cookies()["__Host-csrftoken"].value
    slow_body = (
        f"POST /accounts/login/ HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Cookie: __Host-csrftoken={cookie}\r\nOrigin: https://{HOST}:{stack.https_port}\r\n"
        "Content-Length: 200\r\n\r\n"
    ).encode()
    stop = threading.Event()
    clients = [
        threading.Thread(target=slow_client, args=(stack, slow_headers, 0, stop), daemon=True),
        threading.Thread(target=slow_client, args=(stack, slow_headers, 0, stop), daemon=True),
        threading.Thread(target=slow_client, args=(stack, slow_body, 200, stop), daemon=True),
        threading.Thread(target=slow_client, args=(stack, slow_body, 200, stop), daemon=True),
    ]
    for client in clients:
        client.start()
    try:
        time.sleep(2)  # the slow requests are under way
        slowest = 0.0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            started = time.monotonic()
            response = fetch("/healthz", stack=stack, timeout=5)
            slowest = max(slowest, time.monotonic() - started)
            assert response.status == 200
            time.sleep(0.5)
        assert slowest < 1, f"/healthz took {slowest:.2f} s while slow clients were connected"
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=5)
