"""Browser tests drive Debian's Chromium through Playwright (no browser download: the machine has no internet)."""

import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from demo.data import seed_demo

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# Test runs keep their screenshots under test-results/ so `make test` leaves the tree clean; `make screenshots`
# points this at docs/screenshots/ to refresh the ones the docs show, on purpose.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "test-results" / "screenshots")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/browser/ is a browser journey: `make test-fast` leaves them out with -m "not browser"."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(params=["phone", "desktop"])
def viewport(request) -> dict:
    return PHONE if request.param == "phone" else DESKTOP


@pytest.fixture
def browser_context_args(browser_context_args, viewport):
    return {**browser_context_args, "viewport": viewport, "locale": "en-US"}


@pytest.fixture
def blocked_requests(page, live_server):
    """Every request the page makes to another host: there must be none (no CDN, fonts or trackers)."""
    outside: list[str] = []

    def watch(request):
        if not request.url.startswith((live_server.url, "data:", "blob:")):
            outside.append(request.url)

    page.on("request", watch)
    return outside


@pytest.fixture
def check_accessibility(request, record_property):
    """axe on a page the journey visits (and the page's reflow at its width); see journeys.AccessibilityChecker."""
    from tests.browser.journeys import AccessibilityChecker

    return AccessibilityChecker(request.node.name, record_property)


# The counties, languages and categories come from a data migration, and every browser test ends by emptying
# the database. serialized_rollback does not bring them back reliably: when other tests set the database up
# first, the copy Django saved is not on the connection these tests see. The migration's own loader puts them
# back instead (it updates or creates, never duplicates).
reference_data = import_module("directory.migrations.0004_reference_data")


@pytest.fixture
def demo(transactional_db):
    """The demo directory and accounts (the public pages' journeys)."""
    reference_data.load(django_apps, None)
    seed_demo(password="x" * 20)
