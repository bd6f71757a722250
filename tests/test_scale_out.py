"""Scale-out: several app servers against one PostgreSQL and one Redis, with task workers beside them
(docs/scale-out.md).

Real processes, as deployed without containers: a throwaway database on the PostgreSQL server at 127.0.0.1:5432
(`scaleout_<hex>`, migrated with `manage.py migrate`, dropped at the end), a Redis server of this test's own, two
Gunicorn app servers (deploy/gunicorn.conf.py, production settings, DEBUG off) on different ports, two
`manage.py db_worker` processes, and a real SMTP server (aiosmtpd) that counts what the workers send. A browser is
played by hand over plain HTTP: its cookies are carried from one server to the other, as a load balancer would send
one person's requests wherever it likes. Marked `smoke`: CI runs it once, in the SQLite run (it brings its own
database either way).
"""

import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.conftest import PASSWORD, TOTP_SECRET, totp_code
from tests.deploy_support import BASE_DIR, HOST, free_port

pytestmark = pytest.mark.smoke


def postgres(dbname: str) -> psycopg.Connection:
    """The shared PostgreSQL server at 127.0.0.1:5432, as CI and the development machines run it."""
    return psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname=dbname, autocommit=True)


# What every app server, worker and command shares: the same keys and settings (docs/scale-out.md, "What must be
# the same everywhere"). DATABASE_URL and REDIS_URL are added by the fixture.
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "scale-out-test-secret-key-" + "k" * 40,
    "FIELD_ENCRYPTION_KEYS": "c2NhbGUtb3V0LXRlc3QtZmllbGQta2V5LTAxMjM0NTY=",
    "FIELD_HASH_KEY": "scale-out-test-hash-key-0123456789abcdef",
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "False",  # plain HTTP between the test and the app servers, as between a proxy and them
    "MFA_REQUIRED": "True",
    "DEMO_DATA": "False",
    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_USE_TLS": "False",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
    "GUNICORN_WORKERS": "1",
    "GUNICORN_THREADS": "4",
}

# The people and cases each test needs, written through the app's own services (so the routings' emails to the
# partner are queued as in real use). Each test signs in its own person: an authenticator code works once.
SEED = """
import json, sys, uuid
from datetime import timedelta
import django
django.setup()
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from directory.models import County, Language, Organization, Role, Service, ServiceCategory, Training, User
from referrals import services

secret, password = sys.argv[1], sys.argv[2]
hub = Organization.objects.create(slug="el-centro-hispano", name="El Centro Hispano", is_hub=True, is_partner=True)
partner_org = Organization.objects.create(slug="the-hispanic-liaison", name="The Hispanic Liaison", is_partner=True)

def person(email, org, role):
    user = User.objects.create_user(email=email, password=password, organization=org, role=role,
                                    display_name=email.split("@")[0].title())
    TOTP.activate(user, secret)
    if role == Role.VOLUNTEER:
        Training.objects.create(user=user, course="Rapid response intake",
                                completed_on=timezone.localdate() - timedelta(days=60))
    return user

vera = person("vera@example.org", hub, Role.VOLUNTEER)
for email in ["sam@example.org", "lina@example.org", "luis@example.org"]:
    person(email, hub, Role.VOLUNTEER)
person("carmen@example.org", hub, Role.COORDINATOR)
person("pablo@example.org", partner_org, Role.PARTNER)
durham, spanish = County.objects.get(name="Durham"), Language.objects.get(code="es")
legal = ServiceCategory.objects.get(code="legal")
service = Service.objects.create(organization=partner_org, category=legal, name="Immigration lawyers",
                                 capacity_available=50, capacity_maximum=50)
service.counties.set([durham])
service.languages.set([spanish])
cases = []
for phone in ["+19195550143", "+19195550144"]:
    referral = services.referral_create(
        user=vera, county=durham, language=spanish, urgency="urgent", categories=[legal], contact_name="Rosa M.",
        contact_phone=phone, notes="Call after 6pm", consent=True, consent_categories=[legal],
        intake_token=uuid.uuid4())
    routing = services.routing_create(user=vera, need=referral.needs.get(), service=service)
    cases.append({"reference": referral.reference, "routing": routing.pk})
print(json.dumps({"cases": cases, "county": durham.pk, "language": spanish.pk, "category": legal.pk}, default=str))
"""


class Inbox:
    """What a real SMTP server received: (recipients, subject) per message."""

    def __init__(self) -> None:
        self.messages: list[tuple[tuple[str, ...], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        subject = re.search(rb"^Subject: (.*)$", envelope.content, re.MULTILINE)
        self.messages.append((tuple(envelope.rcpt_tos), subject[1].decode() if subject else ""))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[str]:
        return [subject for recipients, subject in self.messages if address in recipients]


@dataclass
class Cluster:
    directory: Path
    database: str
    env: dict[str, str]
    servers: dict[str, int]  # name: port
    seed: dict
    inbox: Inbox
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def connect(self) -> psycopg.Connection:
        return postgres(self.database)

    def log(self, name: str) -> str:
        path = self.directory / f"{name}.log"
        return path.read_text()[-3000:] if path.exists() else ""

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.directory / f"{name}.log", "wb"),  # noqa: SIM115 (closed with the process)
            start_new_session=True,  # its own process group: Gunicorn's master and worker are killed together
        )
        self.processes[name] = process
        return process

    def start_app_server(self, name: str, *, extra_env: dict[str, str] | None = None) -> int:
        port = free_port()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        env = {**self.env, **(extra_env or {}), "GUNICORN_BIND": f"127.0.0.1:{port}"}
        process = self.start(name, [gunicorn, "--config", "deploy/gunicorn.conf.py", "config.wsgi"], env)
        self.servers[name] = port
        deadline = time.monotonic() + 30
        while True:
            try:
                request(port, "GET", "/healthz", timeout=2)
                return port
            except OSError:
                assert process.poll() is None, f"app server {name} exited:\n{self.log(name)}"
                assert time.monotonic() < deadline, f"app server {name} did not answer:\n{self.log(name)}"
                time.sleep(0.2)

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, sig)
        process.wait(timeout=30)


def base_environment(database: str, redis_port: int, smtp_port: int) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    return {
        **{name: value for name, value in os.environ.items() if name in keep},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **PRODUCTION,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "EMAIL_PORT": str(smtp_port),
    }


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    directory = tmp_path_factory.mktemp("scale-out")
    database = f"scaleout_{secrets.token_hex(6)}"
    with postgres("postgres") as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    redis_port, smtp_port = free_port(), free_port()
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = base_environment(database, redis_port, smtp_port)
    result = Cluster(directory, database, env, {}, {}, inbox)
    try:
        result.start(
            "redis",
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(directory)],
            env,
        )  # fmt: skip
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--no-input", "--verbosity", "0"], cwd=BASE_DIR, env=env, check=True,
                       capture_output=True, timeout=180)  # fmt: skip
        if not (BASE_DIR / "staticfiles/staticfiles.json").exists():  # `make test` collects them first
            subprocess.run([*manage, "collectstatic", "--no-input"], cwd=BASE_DIR, env=env, check=True,
                           capture_output=True)  # fmt: skip
        seeded = subprocess.run(
            [sys.executable, "-c", SEED, TOTP_SECRET, PASSWORD],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert seeded.returncode == 0, seeded.stderr
        result.seed = json.loads(seeded.stdout)
        for number in (1, 2):
            result.start(f"worker-{number}", [*manage, "db_worker", "--worker-id", f"worker-{number}"], env)
        result.start_app_server("A")
        result.start_app_server("B")
        yield result
    finally:
        for name in list(result.processes):
            result.stop(name)
        smtp.stop()
        with postgres("postgres") as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


def request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    timeout: float = 20,
) -> Response:
    # One host name for every app server, as a load balancer passes it on: allauth counts failed sign-ins per site
    # and email, the site being the request's host name (port included).
    headers = {"Host": HOST, "Accept-Language": "en"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's browser: its cookies, sent to whichever app server the request goes to."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.cookies: dict[str, str] = {}

    def fetch(self, server: str, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        response = request(self.cluster.servers[server], method, path, cookies=self.cookies, form=form)
        jar: SimpleCookie = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
        return response

    def post(
        self, server: str, path: str, form: dict[str, str], *, token_from: str | None = None
    ) -> Response:
        """POST a form with the CSRF token of the page at `token_from` (read from the same server)."""
        page = self.fetch(server, "GET", token_from or path)
        token = CSRF_TOKEN.search(page.body)
        assert token, f"no form on {token_from or path} (status {page.status}, to {page.location!r})"
        return self.fetch(server, "POST", path, {"csrfmiddlewaretoken": token[1], **form})

    def sign_in(self, email: str, *, password_on: str, code_on: str) -> Response:
        """Through the real forms: the password on one server, the authenticator code on another."""
        response = self.post(password_on, "/accounts/login/", {"login": email, "password": PASSWORD})
        assert (response.status, response.location) == (302, "/accounts/2fa/authenticate/"), response.body[
            -500:
        ]
        if (
            left := 30 - time.time() % 30
        ) < 1.5:  # a code about to change: wait for the next one, as a person would
            time.sleep(left + 0.05)
        return self.post(code_on, "/accounts/2fa/authenticate/", {"code": totp_code()})


def test_a_session_made_on_one_app_server_works_on_the_other(cluster):
    browser = Browser(cluster)
    # The password on A; the half-done sign-in (password checked, code still owed) is in the session, read by B.
    response = browser.sign_in("vera@example.org", password_on="A", code_on="B")
    assert (response.status, response.location) == (302, "/"), "the code step on B did not finish the sign-in"
    for server in ("A", "B", "A"):
        page = browser.fetch(server, "GET", "/referrals/")
        assert page.status == 200, f"signed in, but {server} answered {page.status} to {page.location!r}"
        assert "Vera · El Centro Hispano" in page.body, f"{server} does not show who is signed in"
    # Signing out on B ends the session on A too: the old cookie (a copy kept, as a thief would) opens nothing there.
    # Each server keeps the sessions it read in Redis, so this holds only while they share one Redis.
    old_cookies = dict(browser.cookies)
    assert browser.post("B", "/accounts/logout/", {}, token_from="/referrals/").status == 302
    browser.cookies = old_cookies
    after = browser.fetch("A", "GET", "/referrals/")
    assert (after.status, after.location.split("?")[0]) == (302, "/accounts/login/"), (
        "signed out on B, not on A"
    )


def per_email_limit() -> int:
    """How many failed sign-ins one email address may have (the `/key` part of ACCOUNT_RATE_LIMITS)."""
    for rate in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(","):
        amount, _period, per = rate.split("/")
        if per == "key":
            return int(amount)
    raise AssertionError("no per-email limit on failed sign-ins")


TOO_MANY = "Too many failed login attempts"


def failures_until_refused(cluster: Cluster, email: str, servers: list[str]) -> int:
    """Wrong passwords for `email`, sent to `servers` in turn, until a server refuses to check one: how many were
    checked (and called wrong) before that. Then the right password is refused too."""
    browser = Browser(cluster)
    tokens = {
        server: CSRF_TOKEN.findall(browser.fetch(server, "GET", "/accounts/login/").body)[0]
        for server in servers
    }
    checked = 0
    for attempt in range(3 * per_email_limit()):
        server = servers[attempt % len(servers)]
        form = {
            "csrfmiddlewaretoken": tokens[server],
            "login": email,
            "password": "a wrong password guess",
        }
        page = browser.fetch(server, "POST", "/accounts/login/", form).body
        if TOO_MANY in page:
            right = {**form, "password": PASSWORD}
            refused = browser.fetch(servers[(attempt + 1) % len(servers)], "POST", "/accounts/login/", right)
            assert TOO_MANY in refused.body and refused.status != 302, (
                "the right password was let in over the limit"
            )
            return checked
        assert "are not correct" in page, (
            f"attempt {attempt + 1} on {server}: neither refused nor called wrong"
        )
        checked += 1
    return checked


def test_failed_sign_ins_are_counted_across_app_servers(cluster):
    limit = per_email_limit()
    on_one_server = failures_until_refused(cluster, "lina@example.org", ["A"])
    on_two_servers = failures_until_refused(cluster, "luis@example.org", ["A", "B"])
    assert on_one_server == limit
    assert on_two_servers == limit, (
        f"with sign-ins spread over two app servers, {on_two_servers} wrong passwords were checked before the "
        f"limit of {limit} stopped them: the servers do not share their counts (REDIS_URL)"
    )


def wait_for(check: Callable[[], bool], *, seconds: float, message: Callable[[], str]) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, message()
        time.sleep(0.2)


def test_a_routing_accepted_on_one_server_is_seen_on_the_other_and_emails_once(cluster):
    (first, second) = cluster.seed["cases"]
    partner, coordinator = Browser(cluster), Browser(cluster)
    assert partner.sign_in("pablo@example.org", password_on="B", code_on="A").location == "/"
    assert coordinator.sign_in("carmen@example.org", password_on="A", code_on="B").location == "/"
    accepted = re.compile(r"The Hispanic Liaison</strong>:\s*Accepted")
    for case, accept_on, look_on in [(first, "A", "B"), (second, "B", "A")]:
        path = f"/referrals/{case['reference']}/"
        assert not accepted.search(coordinator.fetch(look_on, "GET", path).body)
        response = partner.post(accept_on, f"{path}routings/{case['routing']}/accept/", {}, token_from=path)
        assert (response.status, response.location) == (302, path)
        # The other server shows it at once: to the hub's coordinator on the case page, to the partner in the queue.
        assert accepted.search(coordinator.fetch(look_on, "GET", path).body), (
            f"accepted on {accept_on}, not on {look_on}"
        )
        queue = partner.fetch(look_on, "GET", "/referrals/queue/").body
        assert f"routings/{case['routing']}/accept/" not in queue, (
            f"{look_on}'s queue still offers to accept it"
        )

    # Each acceptance queued one email to the volunteer on the case; the two workers send each exactly once (and the
    # two new-referral emails the partner got when the cases were routed, once each).
    wait_for(
        lambda: len(cluster.inbox.to("vera@example.org")) >= 2,
        seconds=20,
        message=lambda: f"the workers sent {cluster.inbox.messages}\n{cluster.log('worker-1')}",
    )
    time.sleep(2.5)  # two more polls of each worker: anything sent twice would be here by now
    to_volunteer = cluster.inbox.to("vera@example.org")
    assert len(to_volunteer) == 2, to_volunteer
    assert {reference for subject in to_volunteer for reference in re.findall(r"R-\w+", subject)} == {
        first["reference"],
        second["reference"],
    }
    assert len(cluster.inbox.to("pablo@example.org")) == 2
    with cluster.connect() as connection:
        tasks = connection.execute(
            "SELECT status, jsonb_array_length(worker_ids) FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = 'referrals.notifications.routing_answered'"
        ).fetchall()
    assert tasks == [("SUCCESSFUL", 1), ("SUCCESSFUL", 1)], "each task claimed by exactly one worker, once"


def test_killing_an_app_server_loses_nothing_it_acknowledged(cluster):
    """Intakes posted to two app servers at once; one of them is killed (SIGKILL: no graceful shutdown) in the
    middle. Every intake that got its redirect to the new case is in the database, whole; the other server keeps
    serving the same session."""
    cluster.start_app_server("C")  # a third server, added while the others run, and killed below
    browser = Browser(cluster)
    assert browser.sign_in("sam@example.org", password_on="C", code_on="B").location == "/"
    seed = cluster.seed
    token = {}
    for server in "BC":
        form = CSRF_TOKEN.search(browser.fetch(server, "GET", "/referrals/new/").body)
        assert form, f"{server} does not show the intake form to the person signed in"
        token[server] = form[1]
    acknowledged: dict[str, list[str]] = {"B": [], "C": []}
    errors: dict[str, list[str]] = {"B": [], "C": []}
    killed = threading.Event()
    stop = threading.Event()

    def post_intakes(server: str) -> None:
        while not stop.is_set():
            form = {
                "csrfmiddlewaretoken": token[server],
                "county": str(seed["county"]),
                "language": str(seed["language"]),
                "urgency": "urgent",
                "categories": str(seed["category"]),
                "contact_name": "Familia Prueba",
                "contact_phone": "+19195550177",
                "safe_to_call": "on",
                "consent": "on",
                "intake_token": str(uuid.uuid4()),
            }
            try:
                response = request(cluster.servers[server], "POST", "/referrals/new/", cookies=browser.cookies,
                                   form=form, timeout=10)  # fmt: skip
            except OSError as error:
                errors[server].append(type(error).__name__)
                if killed.is_set():
                    return
                continue
            if response.status == 302 and re.fullmatch(r"/referrals/R-\w+/", response.location):
                acknowledged[server].append(response.location.split("/")[2])
            else:
                errors[server].append(f"{response.status} {response.location}")

    clients = [threading.Thread(target=post_intakes, args=(server,)) for server in "BBCC"]
    for client in clients:
        client.start()
    try:
        time.sleep(2)
        cluster.stop("C", signal.SIGKILL)
        killed.set()
        c_before_kill = len(acknowledged["C"])
        b_at_kill = len(acknowledged["B"])
        time.sleep(2)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=30)
    assert c_before_kill > 0 and b_at_kill > 0, f"no intakes went through before the kill: {errors}"
    assert len(acknowledged["C"]) == c_before_kill  # nothing acknowledged by a dead server
    assert len(acknowledged["B"]) > b_at_kill, f"B stopped serving when C was killed: {errors['B']}"
    assert not errors["B"], errors["B"]

    with cluster.connect() as connection:
        rows = connection.execute(
            "SELECT r.reference, count(DISTINCT n.id), count(DISTINCT c.id) FROM referrals_referral r"
            " LEFT JOIN referrals_need n ON n.referral_id = r.id LEFT JOIN referrals_consent c ON c.referral_id = r.id"
            " GROUP BY r.reference"
        ).fetchall()
    stored = {reference: (needs, consents) for reference, needs, consents in rows}
    for reference in acknowledged["B"] + acknowledged["C"]:
        assert stored.get(reference) == (1, 1), (
            f"{reference} was acknowledged, but the database holds {stored.get(reference)}"
        )
    assert all(whole == (1, 1) for whole in stored.values()), "a half-written case"
    # And the session goes on, on B.
    assert browser.fetch("B", "GET", f"/referrals/{acknowledged['C'][-1]}/").status == 200
