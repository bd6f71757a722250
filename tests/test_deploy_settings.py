"""Production settings: the deployment checklist passes, and a missing secret stops the app from starting."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
            # The checklist does not depend on the database, but on PostgreSQL Django's check of a generated column
            # asks the server its version: the suite's DATABASE_URL names a database only its test copy exists of.
            "DATABASE_URL",
            "REDIS_URL",
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


# Secrets from files (systemd credentials, compose secrets) and strict switches.

SECRETS = [
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_HASH_KEY",
    "EMAIL_HOST_PASSWORD",
    "DATABASE_URL",
    "REDIS_URL",
]


def settings_value(expression: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Evaluates `expression` on config.settings loaded in a fresh process with this environment (and no `.env`
    values for the production secrets), printing it as JSON."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    code = f"import json, config.settings as s; print(json.dumps({expression}, default=str))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_with_secret_files(tmp_path: Path) -> dict[str, str]:
    """The production environment with every required secret moved into a file, as systemd's LoadCredential= or
    compose's `secrets:` deliver them (a trailing newline, as `echo` writes)."""
    env = dict(PRODUCTION_ENV)
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"):
        path = tmp_path / name.lower()
        path.write_text(env.pop(name) + "\n")
        path.chmod(0o600)
        env[f"{name}_FILE"] = str(path)
        env[name] = ""  # set, so that a development checkout's .env does not fill it in
    return env


def test_production_starts_with_every_secret_in_a_file(tmp_path):
    env = production_with_secret_files(tmp_path)
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    values = settings_value("[s.SECRET_KEY, s.FIELD_ENCRYPTION_KEYS, s.FIELD_HASH_KEY]", env)
    assert json.loads(values.stdout) == [
        PRODUCTION_ENV["SECRET_KEY"],
        [PRODUCTION_ENV["FIELD_ENCRYPTION_KEYS"]],
        PRODUCTION_ENV["FIELD_HASH_KEY"],
    ]


@pytest.mark.parametrize(
    ("name", "secret", "expression", "expected"),
    [
        (
            "EMAIL_HOST_PASSWORD",
            "smtp pass word",
            "s.MAILERS['default']['OPTIONS']['password']",
            "smtp pass word",
        ),
        (
            "DATABASE_URL",
            "postgres://referrals:s3cret@db.internal:5432/referrals",
            "[s.DATABASES['default']['PASSWORD'], s.DATABASES['default']['HOST']]",
            ["s3cret", "db.internal"],
        ),
        ("REDIS_URL", "redis://:s3cret@cache.internal:6379/0", "s.CACHES['default']['LOCATION']", None),
    ],
)
def test_the_other_secrets_can_be_files_too(tmp_path, name, secret, expression, expected):
    env = production_with_secret_files(tmp_path)
    (tmp_path / "other").write_text(secret + "\n")
    result = settings_value(expression, {**env, f"{name}_FILE": str(tmp_path / "other")})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == (secret if expected is None else expected)


@pytest.mark.parametrize("name", SECRETS)
def test_a_secret_set_twice_stops_the_app(tmp_path, name):
    """Both NAME and NAME_FILE: one would be ignored without anyone noticing (a rotated key that never took)."""
    env = production_with_secret_files(tmp_path)
    (tmp_path / "twice").write_text("from-the-file\n")
    env.pop(f"{name}_FILE", None)
    result = settings_value(
        "s.SECRET_KEY",
        {**env, name: env.get(name) or "from-the-environment", f"{name}_FILE": str(tmp_path / "twice")},
    )
    assert result.returncode != 0
    assert f"Set {name} or {name}_FILE, not both." in result.stderr


def test_an_unreadable_secret_file_stops_the_app_without_showing_the_secret(tmp_path):
    env = production_with_secret_files(tmp_path)
    env["FIELD_HASH_KEY_FILE"] = str(tmp_path / "missing")
    result = settings_value("s.FIELD_HASH_KEY", env)
    assert result.returncode != 0
    assert "FIELD_HASH_KEY_FILE names a file that cannot be read: No such file or directory." in result.stderr


def test_a_secret_file_keeps_everything_but_the_trailing_newline(monkeypatch, tmp_path):
    from config.settings import env_secret

    (tmp_path / "key").write_text("  spaces are part of it \r\n\n")
    monkeypatch.delenv("SOME_SECRET", raising=False)
    monkeypatch.setenv("SOME_SECRET_FILE", str(tmp_path / "key"))
    assert env_secret("SOME_SECRET") == "  spaces are part of it "
    monkeypatch.setenv("SOME_SECRET_FILE", "")
    assert env_secret("SOME_SECRET", "fallback") == "fallback"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("True", True),
        ("1", True),
        ("YES", True),
        ("on", True),
        (" yes ", True),
        ("false", False),
        ("False", False),
        ("0", False),
        ("no", False),
        ("OFF", False),
    ],
)
def test_a_switch_reads_the_usual_spellings(monkeypatch, value, expected):
    from config.settings import env_bool

    monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH", not expected) is expected


def test_an_empty_switch_is_its_default(monkeypatch):
    from config.settings import env_bool

    monkeypatch.setenv("SOME_SWITCH", "")
    assert env_bool("SOME_SWITCH", True) is True
    monkeypatch.delenv("SOME_SWITCH")
    assert env_bool("SOME_SWITCH", False) is False


@pytest.mark.parametrize("value", ["Flase", "ture", "2", "enabled", "y"])
def test_a_misspelt_switch_stops_the_app_naming_the_variable(value):
    """`SECURE_SSL_REDIRECT=ture` used to mean off; now the app refuses to start and says which variable."""
    result = manage("check", env={**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": value})
    assert result.returncode != 0
    assert (
        f"SECURE_SSL_REDIRECT must be true or false (or 1/0, yes/no, on/off), not {value!r}." in result.stderr
    )


# Every variable the settings read is documented in .env.example.

ENV_READERS = {"env_bool", "env_list", "env_secret", "getenv"}


def variables_read(path: Path) -> set[str]:
    """Names of environment variables a module reads: os.environ.get("X"), os.environ["X"], os.getenv("X") and
    env_bool / env_list / env_secret("X")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        argument = None
        if isinstance(node, ast.Call) and node.args:
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            is_environ_get = (
                name == "get"
                and isinstance(function, ast.Attribute)
                and ast.unparse(function.value) == "os.environ"
            )
            if name in ENV_READERS or is_environ_get:
                argument = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            argument = node.slice
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            names.add(argument.value)
    return names


def documented_variables() -> set[str]:
    """NAME=... lines of .env.example, commented out or not."""
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    return {match[1] for line in lines if (match := re.match(r"^#?\s?([A-Z][A-Z0-9_]*)=", line))}


def test_every_variable_the_app_reads_is_in_env_example():
    modules = [BASE_DIR / "config" / "settings.py", *sorted((BASE_DIR / "demo").rglob("*.py"))]
    read = set().union(*(variables_read(path) for path in modules))
    assert {
        "SECRET_KEY",
        "DEBUG",
        "RETENTION_DAYS",
        "ALLAUTH_TRUSTED_PROXY_COUNT",
    } <= read  # the parser works
    assert sorted(read - documented_variables()) == []


def test_env_example_says_which_secrets_may_come_from_files():
    documented = documented_variables()
    secrets = {
        name for name in variables_read(BASE_DIR / "config" / "settings.py") if f"{name}_FILE" in documented
    }
    assert secrets >= set(SECRETS)
