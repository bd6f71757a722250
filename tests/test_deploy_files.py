"""The files in deploy/, the Dockerfile and compose.yaml, checked with the tools their users run.

Container images cannot be pulled here, so the Dockerfiles are linted (hadolint, from PyPI) and compose.yaml is
validated against the Compose Specification's JSON schema (the copy check-jsonschema ships); the systemd units are
verified by systemd-analyze in a throwaway root, the Caddyfile by Debian's caddy, the nginx site by nginx -t. The
production smoke test (test_production_smoke.py) runs the nginx site and Gunicorn for real.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML  # check-jsonschema's YAML parser

from tests.deploy_support import BASE_DIR, free_port, nginx_config

DEPLOY = BASE_DIR / "deploy"
UNITS = DEPLOY / "systemd"
TOOLS = Path(sys.executable).parent


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=120, **kwargs
    )


def management_commands() -> set[str]:
    result = run(
        sys.executable,
        "manage.py",
        "help",
        "--commands",
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "True", "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


# Dockerfiles and compose.yaml


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "deploy/caddy/Dockerfile"])
def test_the_dockerfiles_pass_hadolint(dockerfile):
    result = run(TOOLS / "hadolint", "--no-color", BASE_DIR / dockerfile)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_app_image_runs_as_a_numbered_non_root_user():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users == ["10001:10001"]
    assert "uv sync --frozen --no-dev" in dockerfile
    assert 'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "config.wsgi"]' in dockerfile


def test_nothing_secret_goes_into_the_image():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    for path in (".env", "secrets/", "db.sqlite3", ".git", ".venv/"):
        assert path in ignored


def validate_compose(path: Path) -> subprocess.CompletedProcess:
    return run(TOOLS / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", path)


def test_compose_yaml_follows_the_compose_specification(tmp_path):
    result = validate_compose(BASE_DIR / "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    # The check would catch a mistake: a misspelt service key.
    broken = tmp_path / "compose.yaml"
    broken.write_text(
        (BASE_DIR / "compose.yaml").read_text().replace("    healthcheck:\n", "    helthcheck:\n", 1)
    )
    assert validate_compose(broken).returncode != 0


def compose() -> dict:
    return YAML(typ="safe").load((BASE_DIR / "compose.yaml").read_text())


def test_compose_runs_the_process_layout_of_the_systemd_units():
    services = compose()["services"]
    assert {"web", "worker", "scheduler", "db", "redis", "caddy", "migrate"} <= set(services)
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    assert services["scheduler"]["command"] == ["python", "manage.py", "run_schedule"]
    # Only Caddy is reachable from outside.
    assert [name for name, service in services.items() if "ports" in service] == ["caddy"]
    for name in ("web", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name


def test_compose_hands_every_secret_over_as_a_file():
    config = compose()
    declared = set(config["secrets"])
    for name, service in config["services"].items():
        environment = service.get("environment", {})
        for variable, value in environment.items():
            if variable.endswith("_FILE"):
                secret = str(value).removeprefix("/run/secrets/")
                assert secret in declared and secret in service.get("secrets", []), (name, variable)
        # The keys themselves are never written into compose.yaml or the environment.
        assert not {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY", "DATABASE_URL"} & set(
            environment
        ), name
    assert all(secret["file"].startswith("./secrets/") for secret in config["secrets"].values())


def test_every_management_command_deploy_runs_exists():
    """The units, timers and containers name commands by hand; a renamed command must not leave a timer failing
    every night."""
    named = set()
    for path in [*UNITS.glob("*.service"), BASE_DIR / "compose.yaml"]:
        named |= set(re.findall(r"manage\.py[\"', ]+(\w+)", path.read_text()))
    assert {
        "db_worker",
        "run_schedule",
        "process_deadlines",
        "send_reminders",
        "purge_expired",
        "backup",
    } <= named
    assert named - management_commands() == set()


# systemd


@pytest.fixture
def system_root(tmp_path) -> Path:
    """A root directory holding the units as docs/install.md installs them, systemd's own units, and stand-ins for
    the executables they start (verify checks that each exists)."""
    root = tmp_path / "root"
    shutil.copytree(UNITS, root / "etc/systemd/system")
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    for executable in ("opt/referrals/.venv/bin/gunicorn", "opt/referrals/.venv/bin/python", "bin/kill"):
        path = root / executable
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    return root


def unit_names() -> list[str]:
    return sorted(path.name for path in UNITS.iterdir() if path.suffix in {".service", ".timer"})


def test_the_systemd_units_pass_systemd_analyze_verify(system_root):
    result = run("systemd-analyze", "verify", f"--root={system_root}", *unit_names())
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


def test_systemd_analyze_verify_reads_the_shared_drop_in(system_root):
    """The sandbox and secrets are in referrals-.service.d/: a mistake there must show too."""
    drop_in = system_root / "etc/systemd/system/referrals-.service.d/10-referrals.conf"
    drop_in.write_text(drop_in.read_text() + "ProtectSytem=strict\n")
    result = run("systemd-analyze", "verify", f"--root={system_root}", "referrals-web.service")
    assert "Unknown key 'ProtectSytem'" in result.stderr


@pytest.mark.parametrize("unit", [name for name in unit_names() if name.endswith(".service")])
def test_every_service_is_sandboxed(system_root, unit):
    """systemd's own exposure score, offline: 0 is a fully locked-down service, 10 an unprotected one; below 2 is
    what systemd calls OK. The app's needs (network for the database and SMTP, its own user) leave about 1.4."""
    result = run("systemd-analyze", "security", "--offline=yes", f"--root={system_root}", "--no-pager", unit)
    score = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert score, result.stdout + result.stderr
    assert float(score[1]) < 2.0, result.stdout


def test_every_timer_starts_its_service_on_the_documented_schedule():
    schedules = {
        "referrals-deadlines.timer": "*:0/5",
        "referrals-reminders.timer": "*-*-* 08:00:00",
        "referrals-purge.timer": "*-*-* 03:30:00",
        "referrals-backup.timer": "*-*-* 02:15:00",
    }
    for timer, calendar in schedules.items():
        text = (UNITS / timer).read_text()
        assert f"OnCalendar={calendar}\n" in text
        assert (UNITS / timer.replace(".timer", ".service")).exists()


def test_the_units_read_the_keys_as_credentials_not_environment():
    drop_in = (UNITS / "referrals-.service.d/10-referrals.conf").read_text()
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"):
        assert f"LoadCredential={name.lower()}:/etc/referrals/credentials/{name.lower()}" in drop_in
        assert f"Environment={name}_FILE=%d/{name.lower()}" in drop_in
    assert "ProtectSystem=strict" in drop_in and "NoNewPrivileges=yes" in drop_in


# The proxies and Gunicorn


def test_the_caddyfile_is_valid_and_formatted(tmp_path):
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    caddyfile = DEPLOY / "Caddyfile"
    result = run("caddy", "validate", "--adapter", "caddyfile", "--config", caddyfile, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stderr + result.stdout
    assert run("caddy", "fmt", caddyfile, env=env).stdout == caddyfile.read_text()


def test_the_nginx_site_passes_nginx_t(tmp_path):
    config = nginx_config(
        tmp_path, http_port=free_port(), https_port=free_port(), app_port=free_port(), static_root=tmp_path
    )
    result = run("nginx", "-t", "-p", tmp_path, "-c", config)
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def test_gunicorn_threads_on_loopback_without_an_access_log():
    result = run(
        TOOLS / "gunicorn",
        "--print-config",
        "--config",
        DEPLOY / "gunicorn.conf.py",
        "config.wsgi",
        cwd=BASE_DIR,
    )
    settings = dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.MULTILINE))
    assert settings["worker_class"] == "gthread"
    assert settings["bind"] == "['127.0.0.1:8000']"
    assert settings["accesslog"] == "None"
    assert settings["control_socket_disable"] == "True"
    assert int(settings["max_requests"]) > 0 and int(settings["max_requests_jitter"]) > 0
