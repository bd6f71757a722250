"""The hub report's server time and query count, and the peak memory of streaming the coordinator's case export, on
whatever database DATABASE_URL names (seed it first: `manage.py seed_demo --force && manage.py seed_bench
--referrals N`). Requests go through Django's test client as the demo coordinator (signed in, with an authenticator,
as production requires), so the figures are server time without the network. Figures for docs/benchmarks.md.

    .venv/bin/python scripts/bench_reports.py [--rows 100000] [--runs 5] [--explain]
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import StreamingHttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from demo.data import demo_password  # noqa: E402
from directory.models import User  # noqa: E402
from referrals.models import Need, Referral, Routing  # noqa: E402


def signed_in_client() -> Client:
    coordinator = User.objects.get(email="coordinator@demo.example")
    if not Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(coordinator, "JBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(coordinator)
    return client


def reauthenticate(client: Client) -> None:
    """Exports ask for the password again."""
    response = client.post("/accounts/reauthenticate/", {"password": demo_password()})
    assert response.status_code == 302, "re-authentication failed"


def get(client: Client, url: str) -> int:
    """One request, its body read to the end (a streamed response too); the status code."""
    response = client.get(url)
    if isinstance(response, StreamingHttpResponse):
        for _ in response.streaming_content:
            pass
    return response.status_code


def time_page(client: Client, url: str, runs: int) -> tuple[list[float], int, list]:
    """Seconds per request (after one warm-up request), the query count of one more, and its queries."""
    assert get(client, url) == 200, url
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        status = get(client, url)
        seconds.append(time.perf_counter() - started)
        assert status == 200
    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return seconds, len(captured.captured_queries), captured.captured_queries


def stream_export(client: Client, rows: int, *, trace: bool) -> tuple[float, int, list[tuple[int, int]]]:
    """Seconds to stream the first `rows` data rows of /referrals/export.csv, and (traced) the peak of Python memory
    allocated meanwhile, with the running peak every tenth of the way."""
    reauthenticate(client)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/referrals/export.csv")
    assert isinstance(response, StreamingHttpResponse) and response.status_code == 200
    seen, marks = -1, []  # the header line is not a row
    for chunk in response.streaming_content:
        seen += bytes(chunk).count(b"\n")
        if trace and seen and seen % (rows // 10) == 0:
            marks.append((seen, tracemalloc.get_traced_memory()[1]))
        if seen >= rows:
            break
    elapsed = time.perf_counter() - started
    response.close()
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert seen >= rows, f"the export has only {seen} rows"
    return elapsed, peak, marks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the hub report's slowest query."
    )
    args = parser.parse_args()

    print(f"database: {connection.vendor}, {Referral.objects.count():,} referrals, {Need.objects.count():,} needs, "
          f"{Routing.objects.count():,} routings")  # fmt: skip
    client = signed_in_client()
    today = timezone.localdate()
    year_ago = today - timedelta(days=365)
    slowest = None
    for label, url in [
        ("hub report, default period (12 weeks)", "/reports/hub/"),
        ("hub report, one year", f"/reports/hub/?start={year_ago.isoformat()}&end={today.isoformat()}"),
        (
            "hub report CSV, one year",
            f"/reports/hub.csv?start={year_ago.isoformat()}&end={today.isoformat()}",
        ),
    ]:
        reauthenticate(client)
        seconds, count, queries = time_page(client, url, args.runs)
        runs = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"{label}: median {statistics.median(seconds):.2f} s ({runs}); {count} queries")
        top = max(queries, key=lambda q: float(q["time"]))
        print(f"  slowest query {float(top['time']):.2f} s: {top['sql'][:300]}")
        if slowest is None or float(top["time"]) > float(slowest["time"]):
            slowest = top

    elapsed, _, _ = stream_export(client, args.rows, trace=False)
    print(f"case export, first {args.rows:,} rows: {elapsed:.1f} s untraced")
    elapsed, peak, marks = stream_export(client, args.rows, trace=True)
    print(f"case export, first {args.rows:,} rows: peak {peak / 2**20:.1f} MiB of Python allocations (traced, "
          f"{elapsed:.1f} s)")  # fmt: skip
    print("  running peak: " + ", ".join(f"{n:,} rows {p / 2**20:.1f} MiB" for n, p in marks))

    if args.explain and slowest is not None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            print("EXPLAIN ANALYZE of the slowest query:")
            print(slowest["sql"])
            for (line,) in cursor.fetchall():
                print("  " + line)


if __name__ == "__main__":
    main()
