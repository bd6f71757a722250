"""Production settings: the deployment checklist passes, and a missing secret stops the app from starting."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]

PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "p" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "referrals.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://referrals.example.org",
    "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1maWVsZC1rZXktZm9yLXRlc3RzLTA=",
    "FIELD_HASH_KEY": "production-hash-key-for-the-deploy-check-0123",
    # Set, because a development checkout's .env turns it off for the demo accounts.
    "MFA_REQUIRED": "True",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "FIELD_ENCRYPTION_KEYS",
            "FIELD_HASH_KEY",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checklist_passes_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_field_encryption_keys():
    result = manage("check", env={**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEYS": ""})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_production_cannot_turn_off_two_factor_authentication():
    result = manage("check", env={**PRODUCTION_ENV, "MFA_REQUIRED": "False"})
    assert result.returncode != 0
    assert "MFA_REQUIRED cannot be turned off" in result.stderr


def test_production_refuses_the_development_secret_key():
    from config.settings import DEVELOPMENT_SECRET_KEY

    result = manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
