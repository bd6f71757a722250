"""`make bench`: requests per second, p50/p95/p99 and queries per request of every page, served by gunicorn with
production settings on the PostgreSQL database DATABASE_URL names, side by side with two baselines (B1, a bare view
behind the whole middleware; B2, a static 25-row table in the base template: core/bench.py) and the Django admin's
changelist of the same cases. One table of medians; `--write docs/benchmarks.md` puts it in that file between the
`<!-- bench:start -->` and `<!-- bench:end -->` markers, with the machine, the data size, the command and the commit.

The database must be migrated and seeded (`manage.py seed_demo --force && manage.py seed_bench --referrals N`), with
the FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY it was seeded with in the environment or .env; `--seed N` makes and
seeds a throwaway database `bench_<N>` beside it first (kept for the next run). Redis is used when REDIS_URL is set.

One sync gunicorn worker runs pinned to core 0 and the load generator (wrk, 8 connections) to core 1, over loopback.
The intake POST is driven by a small Python client instead of wrk (a fresh form token per post, 8 threads). Queries
per request are counted in this process, through Django's test client, on the same database and settings.

    .venv/bin/python scripts/bench.py [--duration 5] [--runs 3] [--write docs/benchmarks.md] [--only 'case list']
    .venv/bin/python scripts/bench.py --seed 100000     # creates and seeds bench_100000 if it does not exist

Writes: signed-in sessions (deleted at the end), an authenticator for the demo accounts that have none, a staff
account `bench-admin@bench.invalid` for the admin changelist, current training for the demo volunteer, and one case
per intake POST (a few hundred per run).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import http.client
import math
import os
import platform
import re
import secrets
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
START_MARKER = "<!-- bench:start -->"
END_MARKER = "<!-- bench:end -->"
CONNECTIONS = 8
SERVER_CORE, CLIENT_CORE = 0, 1
# A page slower than --duration allows is measured for long enough to complete this many requests (up to
# --max-duration), so that a slow page still gets percentiles.
MIN_REQUESTS = 20

# The deep page of the case list: page 2000 of 25 rows, the 50,000th newest case.
DEEP_PAGE = 2000
DEEP_LABEL, ADMIN_DEEP_LABEL = "case list, deep page", "admin: deep page"
# If the list follows a cursor instead of page numbers, its "Next"/"Older" link is followed page after page, for at
# most this long, and the row says how deep it got.
DEEP_FOLLOW_SECONDS = 60

# wrk's report, read by parse_wrk: completed requests, how long, latency percentiles (microseconds), socket errors
# and how many responses had another status than the one expected (the first argument after `--`).
WRK_LUA = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  expected = tonumber(args[1]) or 200
  wrong = 0
end

function response(status, headers, body)
  if status ~= expected then
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local wrong_total = 0
  for _, thread in ipairs(threads) do
    wrong_total = wrong_total + thread:get("wrong")
  end
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d wrong_status=%d " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    wrong_total, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""


class BenchError(Exception):
    """Something that makes the figures meaningless: said, and the run stops."""


# ---------------------------------------------------------------------------------------------------------------
# Pure parts (tests/test_bench_script.py)


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int


def parse_wrk(output: str) -> Measure:
    """The BENCH line WRK_LUA prints; refuses a run with responses of another status, timeouts or no request."""
    match = re.search(r"^BENCH (.*)$", output, re.MULTILINE)
    if not match:
        raise BenchError(f"wrk printed no BENCH line:\n{output}")
    values = {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    if values["wrong_status"]:
        raise BenchError(f"{values['wrong_status']} of {values['requests']} responses had another status")
    if values["errors_timeout"]:
        raise BenchError(f"{values['errors_timeout']} requests timed out")
    if not values["requests"]:
        raise BenchError("no request completed: raise --max-duration")
    return Measure(
        rps=values["requests"] / (values["duration_us"] / 1e6),
        p50_ms=values["p50_us"] / 1000,
        p95_ms=values["p95_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        requests=values["requests"],
    )


def percentiles_ms(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 of request times, in milliseconds (the nearest-rank percentile)."""
    ordered = sorted(seconds)

    def rank(p: int) -> float:
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    return rank(50), rank(95), rank(99)


def median_measure(runs: list[Measure]) -> Measure:
    """Each figure's median over the runs."""
    return Measure(
        rps=statistics.median(m.rps for m in runs),
        p50_ms=statistics.median(m.p50_ms for m in runs),
        p95_ms=statistics.median(m.p95_ms for m in runs),
        p99_ms=statistics.median(m.p99_ms for m in runs),
        requests=sum(m.requests for m in runs),
    )


def replace_section(document: str, section: str) -> str:
    """The document with what lies between the bench markers replaced by `section` (markers kept); markers and
    section added at the end if the document has none yet."""
    block = f"{START_MARKER}\n{section.strip()}\n{END_MARKER}"
    start, end = document.find(START_MARKER), document.find(END_MARKER)
    if start == -1 and end == -1:
        return document.rstrip("\n") + "\n\n" + block + "\n"
    if start == -1 or end < start:
        raise BenchError(f"the document has {END_MARKER} without {START_MARKER} before it")
    return document[:start] + block + document[end + len(END_MARKER) :]


def next_link(html: str) -> str | None:
    """The href of a list page's link to the next page: rel="next", or a link reading "Next" or "Older"."""
    for anchor in re.finditer(r"<a\b([^>]*)>(.*?)</a>", html, re.DOTALL):
        attributes, text = anchor.group(1), re.sub(r"<[^>]+>", "", anchor.group(2)).strip()
        href = re.search(r'\bhref="([^"]*)"', attributes)
        if href and (
            re.search(r'\brel="[^"]*\bnext\b', attributes) or text.lower().startswith(("next", "older"))
        ):
            return unescape(href.group(1))
    return None


def with_query(url: str, **params: object) -> str:
    """`url` with these query parameters set (others kept)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({key: str(value) for key, value in params.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))


def resolve(base: str, href: str) -> str:
    """A link's target as a path and query, for links such as `?page=2` or `/referrals/?cursor=…`."""
    if href.startswith("?"):
        return urlsplit(base).path + href
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def format_ratio(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


@dataclass
class Row:
    label: str
    measure: Measure
    queries: int | None
    b2_ratio: float | None
    admin_ratio: float | None


def format_table(rows: list[Row]) -> str:
    """The results as a markdown table (also readable in a terminal)."""
    lines = [
        "| page | req/s | ÷ B2 | ÷ admin | p50 ms | p95 ms | p99 ms | queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        m = row.measure
        rps = f"{m.rps:,.1f}" if m.rps < 100 else f"{m.rps:,.0f}"
        lines.append(
            f"| {row.label} | {rps} | {format_ratio(row.b2_ratio)} | {format_ratio(row.admin_ratio)} | "
            f"{m.p50_ms:,.1f} | {m.p95_ms:,.1f} | {m.p99_ms:,.1f} | "
            f"{'' if row.queries is None else row.queries} |"
        )
    return "\n".join(lines)


def seed_database_name(referrals: int) -> str:
    return f"bench_{referrals}"


def with_database(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/" + name))


# ---------------------------------------------------------------------------------------------------------------
# The environment and the database


def bench_environment(database_url: str) -> dict[str, str]:
    """Production settings for this process and the servers: the database's keys come from the environment or .env
    (the ones it was seeded with); a random SECRET_KEY if none is set."""
    from dotenv import dotenv_values

    dotenv = {key: value for key, value in dotenv_values(BASE_DIR / ".env").items() if value is not None}
    env = {**dotenv, **os.environ}
    missing = [name for name in ("FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY") if not env.get(name)]
    if missing:
        raise BenchError(
            f"{' and '.join(missing)} must be set (in the environment or .env) to the keys the database was "
            "seeded with."
        )
    if len(env.get("SECRET_KEY", "")) < 50:
        env["SECRET_KEY"] = "bench-" + secrets.token_urlsafe(48)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DEBUG="False",
        DEMO_DATA="True",
        MFA_REQUIRED="True",
        BENCHMARK_VIEWS="True",
        SECURE_SSL_REDIRECT="False",
        ALLOWED_HOSTS="127.0.0.1,testserver",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    return env


def seed_database(database_url: str, referrals: int, env: dict[str, str]) -> str:
    """DATABASE_URL's server with a database bench_<referrals>: created, migrated and seeded if it does not exist."""
    import dj_database_url
    import psycopg

    name = seed_database_name(referrals)
    url = with_database(database_url, name)
    config = dj_database_url.parse(database_url)
    server: dict[str, Any] = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"Using the existing database {name} (delete it to seed again).")
            return url
        connection.execute(f'CREATE DATABASE "{name}"')
    print(f"Seeding a new database {name} with {referrals:,} referrals…")
    seed_env = {**env, "DATABASE_URL": url}
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["seed_demo", "--force"],
        ["seed_bench", "--referrals", str(referrals)],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=BASE_DIR, env=seed_env, check=True, stdout=subprocess.DEVNULL
        )
    with psycopg.connect(dbname=name, autocommit=True, **server) as connection:
        connection.execute("VACUUM ANALYZE")
    return url


# ---------------------------------------------------------------------------------------------------------------
# Accounts and sessions (after django.setup())


@dataclass
class Accounts:
    users: dict[str, Any]  # role -> User
    sessions: list = field(default_factory=list)

    def session(self, role: str) -> str:
        """A new signed-in session of this role's account, made directly in the session store, as sign-in with a
        second factor would leave it."""
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        from core.security import SESSION_STARTED_KEY

        user = self.users[role]
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[SESSION_STARTED_KEY] = time.time()
        store.create()
        self.sessions.append(store)
        return store.session_key

    def end_sessions(self) -> None:
        for store in self.sessions:
            store.delete()
        self.sessions.clear()


def prepare_accounts() -> Accounts:
    """The demo coordinator, volunteer (trained) and partner, and a staff account for the admin, each with an
    authenticator (production requires a second factor)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.utils import timezone

    from directory.models import Organization, Role, Training, User

    emails = {
        "coordinator": "coordinator@demo.example",
        "volunteer": "volunteer@demo.example",
        "partner": "partner@demo.example",
    }
    users: dict[str, Any] = {}
    for role, email in emails.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            raise BenchError(f"No {email}: seed the database first (manage.py seed_demo --force).")
        users[role] = user
    hub = users["coordinator"].organization
    admin, _ = User.objects.get_or_create(
        email="bench-admin@bench.invalid",
        defaults={
            "display_name": "Benchmark admin",
            "organization": Organization.objects.get(pk=hub.pk),
            "role": Role.ADMIN,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    users["admin"] = admin
    for user in users.values():
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    volunteer = users["volunteer"]
    if not volunteer.training_current():
        Training.objects.create(
            user=volunteer,
            course="Rapid response intake",
            completed_on=timezone.localdate() - timedelta(days=60),
        )
    return Accounts(users=users)


# ---------------------------------------------------------------------------------------------------------------
# The pages


@dataclass
class Page:
    label: str
    path: str
    role: str | None = None  # None: anonymous
    server: str = "main"  # "main", or "uncached" (PUBLIC_PAGE_CACHE=False)
    admin_twin: str | None = None  # the label of the admin row with the same rows
    post: bool = False
    expected: int = 200


def page_list(ids: dict[str, str]) -> list[Page]:
    county, category, sent_to = ids["county"], ids["category"], ids["organization"]
    admin = "/admin/referrals/referral/"
    return [
        Page("B1 bare view, anonymous", "/bench/b1/"),
        Page("B1 bare view, signed in", "/bench/b1/", "coordinator"),
        Page("B2 25-row table", "/bench/b2/"),
        Page("case list", "/referrals/", "coordinator", admin_twin="admin: referrals"),
        Page(
            "case list, county + open",
            with_query("/referrals/", county=county, status="open"),
            "coordinator",
            admin_twin="admin: county + open",
        ),
        Page(
            "case list, one need",
            with_query("/referrals/", category=category),
            "coordinator",
            admin_twin="admin: one need",
        ),
        Page(
            "case list, sent to",
            with_query("/referrals/", organization=sent_to),
            "coordinator",
            admin_twin="admin: sent to",
        ),
        Page(DEEP_LABEL, "", "coordinator", admin_twin=ADMIN_DEEP_LABEL),  # its path: deep_page_url()
        Page("partner queue", "/referrals/queue/", "partner"),
        Page("My work, coordinator", "/", "coordinator"),
        Page("My work, volunteer", "/", "volunteer"),
        Page("My work, partner", "/", "partner"),
        Page("escalations", "/referrals/escalations/", "coordinator"),
        Page("hub report", "/reports/hub/", "coordinator"),
        Page("case page", f"/referrals/{ids['reference']}/", "coordinator"),
        Page("intake POST", "/referrals/new/", "volunteer", post=True, expected=302),
        Page("county page (cached)", "/help/durham/"),
        Page("county page (not cached)", "/help/durham/", server="uncached"),
        Page("HSDS services", "/api/hsds/services"),
        Page("admin: referrals", admin, "admin"),
        Page(
            "admin: county + open",
            with_query(admin, **{ids["admin_county"]: county, "status__exact": "open"}),
            "admin",
        ),
        Page("admin: one need", with_query(admin, **{ids["admin_category"]: category}), "admin"),
        Page("admin: sent to", with_query(admin, **{ids["admin_organization"]: sent_to}), "admin"),
        Page(ADMIN_DEEP_LABEL, admin, "admin"),  # its page: as deep as the case list's
    ]


def deep_page_url(
    fetch, first: str = "/referrals/", follow_seconds: float = DEEP_FOLLOW_SECONDS
) -> tuple[str, int, str]:
    """The case list's deep page, its number and how it was reached. While the list's "Next" link carries a page number, page DEEP_PAGE
    directly; if it carries anything else (a cursor), that link followed page after page, up to page DEEP_PAGE or
    for DEEP_FOLLOW_SECONDS. `fetch(path)` returns a page's HTML."""
    href = next_link(fetch(first))
    if href is None:
        raise BenchError("the case list has no link to a next page: too few cases for a deep page")
    url = resolve(first, href)
    if re.fullmatch(r"\d+", dict(parse_qsl(urlsplit(url).query)).get("page", "")):
        return with_query(url, page=DEEP_PAGE), DEEP_PAGE, f"page {DEEP_PAGE}"
    started, depth = time.monotonic(), 2
    while depth < DEEP_PAGE and time.monotonic() - started < follow_seconds:
        following = next_link(fetch(url))
        if following is None:
            break
        url, depth = resolve(url, following), depth + 1
    return url, depth, f"page {depth}, by its Next link"


def benchmark_ids(accounts: Accounts) -> dict[str, str]:
    """The filters' values and the case page: Durham, the most frequent need, the partner's organization, and the
    hub's newest case that was routed."""
    from django.db.models import Count

    from directory.models import County, Organization, ServiceCategory
    from referrals.models import Need, Referral

    coordinator, partner = accounts.users["coordinator"], accounts.users["partner"]
    case = (
        Referral.objects.filter(hub=coordinator.organization, needs__routings__isnull=False)
        .order_by("-created_at")
        .values_list("reference", flat=True)
        .first()
    )
    if case is None:
        raise BenchError("The hub has no routed case: seed the database first (manage.py seed_bench).")
    # The need asked for most often: the filter that matches the most cases.
    category = (
        Need.objects.values("category")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("category", flat=True)[0]
    )
    # The admin's filters name the related model's primary key (a county's is its FIPS code).
    admin_lookup = "{}__{}__exact".format
    return {
        "admin_county": admin_lookup("county", County._meta.pk.name),
        "admin_category": admin_lookup("needs__category", ServiceCategory._meta.pk.name),
        "admin_organization": admin_lookup("needs__routings__organization", Organization._meta.pk.name),
        "county": str(County.objects.get(name="Durham").pk),
        "category": str(category),
        "organization": str(partner.organization_id),
        "reference": case,
    }


# ---------------------------------------------------------------------------------------------------------------
# Servers and clients


class Servers:
    """gunicorn, one sync worker pinned to SERVER_CORE: `main`, and `uncached` with PUBLIC_PAGE_CACHE=False."""

    def __init__(self, env: dict[str, str], port: int, pin: bool):
        self.ports = {"main": port, "uncached": port + 1}
        self.processes: list[subprocess.Popen] = []
        for name, server_port in self.ports.items():
            extra = {"PUBLIC_PAGE_CACHE": "False"} if name == "uncached" else {}
            command = [
                str(BASE_DIR / ".venv/bin/gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{server_port}",
            ]
            command += [
                "--workers",
                "1",
                "--worker-class",
                "sync",
                "--log-level",
                "error",
                "--no-control-socket",
            ]
            if pin:
                command = ["taskset", "-c", str(SERVER_CORE), *command]
            self.processes.append(subprocess.Popen(command, cwd=BASE_DIR, env={**env, **extra}))
        for server_port in self.ports.values():
            self._wait(server_port)

    def _wait(self, port: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(port, "GET", "/bench/b1/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer on port {port}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def cookie_header(session_key: str | None) -> dict[str, str]:
    from django.conf import settings

    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"} if session_key else {}


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    timeout=300,
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in response.getheaders()}
        headers["set-cookie"] = "\n".join(response.msg.get_all("Set-Cookie") or [])
        return response.status, headers, content
    finally:
        connection.close()


def check_page(page: Page, port: int, session_key: str | None) -> float:
    """One request: refuses another status than expected, or a signed-in page that does not show the signed-in
    account (a redirect to sign in or to set up a second factor answers 302 and is refused as well). Seconds."""
    started = time.perf_counter()
    status, headers, body = request(port, "GET", page.path, cookie_header(session_key))
    elapsed = time.perf_counter() - started
    if status != 200:
        raise BenchError(
            f"{page.label} ({page.path}) answered {status} {headers.get('location', '')}, not 200"
        )
    signed_in_marker = "/admin/logout/" if page.role == "admin" else "/accounts/logout/"
    if page.role and page.path != "/bench/b1/" and signed_in_marker not in body:
        raise BenchError(f"{page.label} ({page.path}) does not show a signed-in page")
    return elapsed


def run_wrk(page: Page, port: int, session_key: str | None, seconds: float, lua: Path, pin: bool) -> Measure:
    command = [
        "wrk",
        "-t",
        "1",
        "-c",
        str(CONNECTIONS),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "600s",
    ]
    command += ["-s", str(lua)]
    for name, value in cookie_header(session_key).items():
        command += ["-H", f"{name}: {value}"]
    command += [f"http://127.0.0.1:{port}{page.path}", "--", str(page.expected)]
    if pin:
        command = ["taskset", "-c", str(CLIENT_CORE), *command]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BenchError(f"wrk failed on {page.label}: {done.stderr}")
    try:
        return parse_wrk(done.stdout)
    except BenchError as error:
        raise BenchError(f"{page.label} ({page.path}): {error}") from error


INTAKE_FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def intake_fields(ids: dict[str, str], csrf_token: str) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": csrf_token,
        "county": ids["county"],
        "language": ids["language"],
        "urgency": "urgent",
        "categories": ids["category"],
        "contact_name": "Familia Benchmark",
        "contact_phone": "+19195550199",
        "safe_to_call": "on",
        "consent": "on",
        "intake_token": str(uuid.uuid4()),
    }


def run_intake(port: int, session_key: str, ids: dict[str, str], seconds: float) -> Measure:
    """Intake POSTs from CONNECTIONS threads for `seconds`: each thread reads the form once (for its CSRF cookie and
    token), then posts it again and again with a fresh form token, each post creating a case (a 302 to its page)."""
    from django.conf import settings

    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    # Every thread reads its form first; the posts start together once all have (or one failed).
    window: dict[str, float] = {}

    def start() -> None:
        window.update(started=time.perf_counter(), deadline=time.monotonic() + seconds)

    ready = threading.Barrier(CONNECTIONS + 1, action=start)

    def client() -> None:
        try:
            status, headers, body = request(port, "GET", "/referrals/new/", cookie_header(session_key))
            token = INTAKE_FORM_TOKEN.search(body)
            csrf_cookie = re.search(
                rf"{re.escape(settings.CSRF_COOKIE_NAME)}=([^;]+)", headers.get("set-cookie", "")
            )
            if status != 200 or not token or not csrf_cookie:
                raise BenchError(f"the intake form answered {status} without a CSRF token")
            cookies = (
                f"{cookie_header(session_key)['Cookie']}; {settings.CSRF_COOKIE_NAME}={csrf_cookie.group(1)}"
            )
            post_headers = {"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"}
            ready.wait()
            while time.monotonic() < window["deadline"]:
                body = urlencode(intake_fields(ids, token.group(1)))
                started = time.perf_counter()
                status, headers, _ = request(port, "POST", "/referrals/new/", post_headers, body)
                elapsed = time.perf_counter() - started
                if status != 302 or not re.fullmatch(r"/referrals/R-\w+/", headers.get("location", "")):
                    raise BenchError(
                        f"an intake POST answered {status} {headers.get('location', '')}, not a case"
                    )
                with lock:
                    times.append(elapsed)
        except threading.BrokenBarrierError:
            pass  # another thread failed: said below
        except Exception as error:  # noqa: BLE001 - said after the threads end
            with lock:
                failures.append(str(error))
            ready.abort()

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait(timeout=300)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - window.get("started", 0)
    if failures:
        raise BenchError(f"intake POST: {failures[0]}")
    if not times:
        raise BenchError("intake POST: no post completed; raise --duration")
    p50, p95, p99 = percentiles_ms(times)
    return Measure(rps=len(times) / elapsed, p50_ms=p50, p95_ms=p95, p99_ms=p99, requests=len(times))


def count_queries(page: Page, session_key: str | None, ids: dict[str, str]) -> int:
    """Queries of one request through Django's test client in this process (after one warm-up request)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    if page.post:
        form = client.get(page.path)
        token = INTAKE_FORM_TOKEN.search(form.content.decode())
        fields = intake_fields(ids, token.group(1) if token else "")
        with CaptureQueriesContext(connection) as captured:
            response = client.post(page.path, fields)
    else:
        client.get(page.path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
    if response.status_code != page.expected:
        raise BenchError(f"{page.label}: the test client got {response.status_code}, not {page.expected}")
    return len(captured.captured_queries)


# ---------------------------------------------------------------------------------------------------------------
# The machine and the report


def machine_description() -> dict[str, str]:
    from django.conf import settings
    from django.db import connection

    from referrals.models import Need, Referral, Routing

    cpu = platform.processor() or "unknown CPU"
    memory = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        if found := re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE):
            cpu = found.group(1).strip()
        kib = int(re.search(r"^MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text(), re.MULTILINE).group(1))  # type: ignore[union-attr]
        memory = f"{kib / 2**20:.1f} GiB of memory"
    except (OSError, AttributeError):
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            database = f"{connection.vendor} (not PostgreSQL: not comparable)"
    cache = "Redis (cache and sessions)" if os.environ.get("REDIS_URL") else "the database cache"
    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    return {
        "machine": f"{cpu}, {os.cpu_count()} cores, {memory}",
        "database": f"{database}, {cache}; Python {platform.python_version()}",
        "data": f"{Referral.objects.count():,} referrals, {Need.objects.count():,} needs, "
        f"{Routing.objects.count():,} routings",
        "database_name": str(settings.DATABASES["default"]["NAME"]),
        "commit": commit,
    }


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=BASE_DIR, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def report_section(
    table: str, about: dict[str, str], command: str, args: argparse.Namespace, notes: list[str]
) -> str:
    lines = [
        "## Pages at this data size (`make bench`)",
        "",
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `{command}`, commit {about['commit']}.",
        "",
        f"- Machine: {about['machine']}.",
        f"- {about['database']}; database `{about['database_name']}`.",
        f"- Data: {about['data']}.",
        f"- One gunicorn sync worker pinned to core {SERVER_CORE}, wrk (1 thread, {CONNECTIONS} connections) pinned to "
        f"core {CLIENT_CORE} over loopback, PostgreSQL on both cores. Medians of {args.runs} run(s) of "
        f"{args.duration:g} s per page (a slower page runs long enough for {MIN_REQUESTS} requests, up to "
        f"{args.max_duration:g} s); req/s and p50/p95/p99 at {CONNECTIONS} connections; queries of one request "
        "after a warm-up, counted in-process.",
        "- ÷ B2: the page's req/s over B2's (a static 25-row table in the base template), ÷ admin: over the Django "
        "admin changelist's on the same filter and rows.",
        *[f"- {note}" for note in notes],
        "",
        table,
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=float, default=5, help="Seconds of load per page and run (default 5)."
    )
    parser.add_argument(
        "--max-duration", type=float, default=120, help="Longest a slow page is loaded (default 120)."
    )
    parser.add_argument("--runs", type=int, default=3, help="Runs; the table shows medians (default 3).")
    parser.add_argument("--write", metavar="FILE", help="Put the table in FILE between the bench markers.")
    parser.add_argument(
        "--only",
        action="append",
        help="Measure only the pages whose label contains this (repeatable); B2 is always measured.",
    )
    parser.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="Use (creating and seeding it if missing) the database bench_N on DATABASE_URL's server.",
    )
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="Run on SQLite anyway (figures not comparable)."
    )
    parser.add_argument(
        "--deep-seconds",
        type=float,
        default=DEEP_FOLLOW_SECONDS,
        help=f"If the case list pages by cursor: how long to follow its Next link towards page {DEEP_PAGE} "
        f"(default {DEEP_FOLLOW_SECONDS}).",
    )
    parser.add_argument("--port", type=int, default=8091, help="gunicorn's port (and the next one).")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = "scripts/bench.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        raise BenchError(
            "Set DATABASE_URL to a seeded PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/bench_db."
        )
    if database_url.startswith("sqlite") and not args.allow_sqlite:
        raise BenchError(
            "DATABASE_URL is SQLite: the benchmark measures PostgreSQL (--allow-sqlite to run anyway)."
        )
    env = bench_environment(database_url)
    if args.seed:
        env = bench_environment(seed_database(database_url, args.seed, env))
    os.environ.update(env)
    pin = (os.cpu_count() or 1) >= 2 and bool(
        subprocess.run(["which", "taskset"], capture_output=True).stdout
    )
    if pin:
        os.sched_setaffinity(0, {CLIENT_CORE})  # this process (the intake client, the checks) beside wrk
    else:
        print("Fewer than 2 cores or no taskset: server and load generator are not pinned.", file=sys.stderr)
    if not subprocess.run(["which", "wrk"], capture_output=True).stdout:
        raise BenchError("wrk is missing: apt-get install -y wrk")

    import django

    sys.path.insert(0, str(BASE_DIR))
    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from directory.models import Language

    call_command("collectstatic", "--no-input", verbosity=0)
    setup_test_environment()  # the test client, outside a test run; ALLOWED_HOSTS already has testserver
    accounts = prepare_accounts()
    atexit.register(accounts.end_sessions)  # the sessions made for the run go, however it ends
    ids = benchmark_ids(accounts)
    ids["language"] = str(Language.objects.get(code="es").pk)
    about = machine_description()
    print(f"{about['data']} in {about['database_name']}; {about['database']}")

    pages = page_list(ids)
    if args.only:
        wanted = [
            p
            for p in pages
            if p.label.startswith("B2") or any(o.lower() in p.label.lower() for o in args.only)
        ]
        twins = {p.admin_twin for p in wanted}
        pages = [p for p in pages if p in wanted or p.label in twins]
    deep_rows = [page for page in pages if page.label in (DEEP_LABEL, ADMIN_DEEP_LABEL)]
    if deep_rows:
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = accounts.session("coordinator")
        deep_url, depth, how = deep_page_url(
            lambda path: client.get(path).content.decode(), follow_seconds=args.deep_seconds
        )
        for page in deep_rows:
            if page.label == DEEP_LABEL:
                page.path, page.label = deep_url, f"{DEEP_LABEL} ({how})"
            else:  # the admin's page as deep as the case list's
                page.path, page.label = with_query(page.path, p=depth), f"{ADMIN_DEEP_LABEL} (page {depth})"
    for page in pages:
        if page.admin_twin == ADMIN_DEEP_LABEL:
            page.admin_twin = next((p.label for p in pages if p.label.startswith(ADMIN_DEEP_LABEL)), None)

    lua = Path(tempfile.mkdtemp()) / "bench.lua"
    lua.write_text(WRK_LUA)
    servers = Servers(env, args.port, pin)
    results: dict[str, list[Measure]] = {page.label: [] for page in pages}
    queries: dict[str, int] = {}
    try:
        for run in range(1, args.runs + 1):
            sessions = {
                role: accounts.session(role) for role in ("coordinator", "volunteer", "partner", "admin")
            }
            for page in pages:
                port = servers.ports[page.server]
                session = sessions[page.role] if page.role else None
                if page.post:
                    assert session is not None, "intake is posted signed in"
                    results[page.label].append(run_intake(port, session, ids, args.duration))
                else:
                    single = min(check_page(page, port, session), check_page(page, port, session))
                    seconds = min(args.max_duration, max(args.duration, math.ceil(MIN_REQUESTS * single)))
                    results[page.label].append(run_wrk(page, port, session, seconds, lua, pin))
                    check_page(page, port, session)  # still signed in, still the expected page
                if page.label not in queries:
                    queries[page.label] = count_queries(page, session, ids)
                latest = results[page.label][-1]
                print(
                    f"run {run}/{args.runs} {page.label}: {latest.rps:,.1f} req/s, p95 {latest.p95_ms:,.1f} ms",
                    flush=True,
                )
            accounts.end_sessions()
    finally:
        servers.stop()
        accounts.end_sessions()

    medians = {label: median_measure(runs) for label, runs in results.items()}
    b2 = medians["B2 25-row table"].rps
    rows = [
        Row(
            label=page.label,
            measure=medians[page.label],
            queries=queries.get(page.label),
            b2_ratio=medians[page.label].rps / b2,
            admin_ratio=(medians[page.label].rps / medians[page.admin_twin].rps)
            if page.admin_twin in medians
            else None,
        )
        for page in pages
    ]
    table = format_table(rows)
    print()
    print(table)
    notes = [
        "The intake POST is driven by a Python client (8 threads, each reading the form once for its CSRF token, "
        "then posting it with a fresh form token; every post creates a case), not by wrk.",
        "The county page (not cached) is served by a second gunicorn with PUBLIC_PAGE_CACHE=False.",
    ]
    if args.write:
        target = BASE_DIR / args.write if not os.path.isabs(args.write) else Path(args.write)
        document = target.read_text() if target.exists() else ""
        target.write_text(replace_section(document, report_section(table, about, command, args, notes)))
        print(f"\nWrote {target.relative_to(BASE_DIR) if target.is_relative_to(BASE_DIR) else target}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(1)
