"""scripts/bench.py (`make bench`): the parts that decide what the table says, without timing anything.

wrk really runs here, against a small HTTP server of the test's own, so that the Lua report the script reads and its
refusal of unexpected statuses are what wrk produces."""

import importlib.util
import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]


def load_script():
    spec = importlib.util.spec_from_file_location("bench_script", BASE_DIR / "scripts" / "bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = load_script()


class Answer(BaseHTTPRequestHandler):
    """200 on /ok, 302 on /moved, 404 elsewhere."""

    def do_GET(self):
        status = {"/ok": 200, "/moved": 302}.get(self.path, 404)
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def wrk(port: int, path: str, expected: int, tmp_path: Path) -> str:
    import subprocess

    assert shutil.which("wrk"), "wrk is needed: apt-get install -y wrk"
    lua = tmp_path / "bench.lua"
    lua.write_text(bench.WRK_LUA)
    done = subprocess.run(
        [
            "wrk",
            "-t",
            "1",
            "-c",
            "2",
            "-d",
            "1s",
            "-s",
            str(lua),
            f"http://127.0.0.1:{port}{path}",
            "--",
            str(expected),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


def test_it_reads_requests_per_second_and_percentiles_from_wrk(server, tmp_path):
    measure = bench.parse_wrk(wrk(server, "/ok", 200, tmp_path))
    assert measure.requests > 10
    assert measure.rps > 10
    assert 0 < measure.p50_ms <= measure.p95_ms <= measure.p99_ms


def test_it_times_a_redirect_when_a_redirect_is_expected(server, tmp_path):
    assert bench.parse_wrk(wrk(server, "/moved", 302, tmp_path)).requests > 10


def test_it_refuses_to_time_responses_of_another_status(server, tmp_path):
    with pytest.raises(bench.BenchError, match="responses had another status"):
        bench.parse_wrk(wrk(server, "/missing", 200, tmp_path))
    # A sign-in redirect is not the page either.
    with pytest.raises(bench.BenchError, match="responses had another status"):
        bench.parse_wrk(wrk(server, "/moved", 200, tmp_path))


def test_it_converts_wrk_microseconds_to_milliseconds():
    line = (
        "BENCH requests=500 duration_us=5000000 p50_us=12000 p95_us=30500 p99_us=41000 wrong_status=0 "
        "errors_connect=0 errors_read=0 errors_write=0 errors_timeout=0\n"
    )
    measure = bench.parse_wrk("Running 5s test\n" + line)
    assert (measure.rps, measure.p50_ms, measure.p95_ms, measure.p99_ms) == (100, 12, 30.5, 41)


def test_it_refuses_a_run_with_timeouts_or_no_request():
    base = "BENCH requests={} duration_us=1000000 p50_us=1 p95_us=1 p99_us=1 wrong_status=0 errors_connect=0 "
    with pytest.raises(bench.BenchError, match="timed out"):
        bench.parse_wrk(base.format(5) + "errors_read=0 errors_write=0 errors_timeout=2")
    with pytest.raises(bench.BenchError, match="no request completed"):
        bench.parse_wrk(base.format(0) + "errors_read=0 errors_write=0 errors_timeout=0")


def test_the_table_shows_medians_of_the_runs():
    runs = [
        bench.Measure(100, 10, 20, 30, 500),
        bench.Measure(300, 5, 50, 90, 1500),
        bench.Measure(200, 7, 40, 60, 1000),
    ]
    median = bench.median_measure(runs)
    assert (median.rps, median.p50_ms, median.p95_ms, median.p99_ms) == (200, 7, 40, 60)


def test_percentiles_of_the_intake_posts():
    seconds = [i / 1000 for i in range(1, 101)]  # 1 ms … 100 ms
    assert bench.percentiles_ms(seconds) == (50, 95, 99)


def test_the_table_has_one_row_per_page_with_its_ratios():
    table = bench.format_table(
        [
            bench.Row("B2 25-row table", bench.Measure(1000, 7, 9, 12, 5000), None, 1.0, None),
            bench.Row("case list", bench.Measure(650, 11, 14.25, 20, 3000), 6, 0.65, 12.5),
        ]
    )
    lines = table.splitlines()
    assert lines[0] == "| page | req/s | ÷ B2 | ÷ admin | p50 ms | p95 ms | p99 ms | queries |"
    assert lines[3] == "| case list | 650 | 0.65 | 12.50 | 11.0 | 14.2 | 20.0 | 6 |"
    assert lines[2].startswith("| B2 25-row table | 1,000 | 1.00 |  |")


DOCUMENT = """# Benchmarks

The hub report section, kept.

<!-- bench:start -->
old table
<!-- bench:end -->

## Limits

Kept too.
"""


def test_writing_the_file_replaces_only_the_section_between_the_markers():
    written = bench.replace_section(DOCUMENT, "new table\n")
    assert written == DOCUMENT.replace("old table", "new table")
    # Twice gives the same file.
    assert bench.replace_section(written, "new table") == written


def test_a_file_without_markers_gets_them_at_its_end():
    written = bench.replace_section("# Benchmarks\n", "table")
    assert written == "# Benchmarks\n\n<!-- bench:start -->\ntable\n<!-- bench:end -->\n"


def test_markers_out_of_order_are_refused_rather_than_overwriting_the_file():
    with pytest.raises(bench.BenchError):
        bench.replace_section("<!-- bench:end -->\ntext\n<!-- bench:start -->\n", "table")


def test_the_docs_have_the_markers():
    document = (BASE_DIR / "docs" / "benchmarks.md").read_text()
    assert document.count(bench.START_MARKER) == 1
    assert document.index(bench.START_MARKER) < document.index(bench.END_MARKER)


PAGE_NUMBERS = """<ul class="pagination">
<li class="page-item"><a class="page-link" href="?status=open&amp;page=1">Previous</a></li>
<li class="page-item"><a class="page-link" href="?status=open&amp;page=3" hx-get="?status=open&amp;page=3">Next</a></li>
</ul>"""
CURSOR = """<a class="page-link" href="?after=WyIyMDI2Il0" hx-get="?after=WyIyMDI2Il0">Older</a>"""


def test_the_deep_page_jumps_to_its_number_while_the_list_pages_by_number():
    def fetch(path):
        assert path == "/referrals/"
        return PAGE_NUMBERS

    url, depth, how = bench.deep_page_url(fetch)
    assert url == f"/referrals/?status=open&page={bench.DEEP_PAGE}"
    assert depth == bench.DEEP_PAGE


def test_the_deep_page_follows_the_older_link_when_the_list_pages_by_cursor():
    fetched = []

    def fetch(path):
        fetched.append(path)
        depth = len(fetched)
        return "" if depth == 5 else f'<a class="page-link" href="?after=c{depth}">Older</a>'

    url, depth, how = bench.deep_page_url(fetch)
    # Pages 1 to 5 read; page 5 has no further link.
    assert fetched == [
        "/referrals/",
        "/referrals/?after=c1",
        "/referrals/?after=c2",
        "/referrals/?after=c3",
        "/referrals/?after=c4",
    ]
    assert (url, depth) == ("/referrals/?after=c4", 5)
    assert "Next link" in how


def test_the_next_link_is_found_by_rel_or_by_its_words():
    assert bench.next_link(CURSOR) == "?after=WyIyMDI2Il0"
    assert bench.next_link('<a href="/x?c=1" rel="next">›</a>') == "/x?c=1"
    assert bench.next_link('<a href="?page=1">Previous</a>') is None


def test_seeding_makes_a_database_of_its_own_beside_the_one_named():
    assert bench.seed_database_name(100000) == "bench_100000"
    assert (
        bench.with_database("postgres://postgres@127.0.0.1:5432/postgres", "bench_100000")
        == "postgres://postgres@127.0.0.1:5432/bench_100000"
    )


def test_it_refuses_sqlite_without_being_told(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.sqlite3")
    with pytest.raises(bench.BenchError, match="SQLite"):
        bench.main([])
