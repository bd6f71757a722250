"""With REDIS_URL set, rate-limit counters and sessions live in Redis, shared by every app process."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]

SCRIPT = """
import django, sys
django.setup()
from django.conf import settings
from django.core.cache import cache
key = "shared-cache-test:" + sys.argv[1]
if sys.argv[2] == "write":
    cache.set(key, "seen", 60)
else:
    print(cache.get(key), settings.SESSION_ENGINE)
"""


def run(token: str, mode: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, token, mode],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_value_written_by_one_app_process_is_read_by_another():
    token = os.urandom(8).hex()
    run(token, "write")
    assert run(token, "read") == "seen django.contrib.sessions.backends.cached_db"
