"""The Spanish catalogue is complete, up to date with the code, and compiled."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
PO = BASE_DIR / "locale/es/LC_MESSAGES/django.po"
MO = BASE_DIR / "locale/es/LC_MESSAGES/django.mo"
SOURCES = [
    "config",
    "core",
    "directory",
    "referrals",
    "accounts",
    "reports",
    "demo",
    "templates",
    "locale",
    "manage.py",
]


def statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def untranslated(po: Path) -> str:
    result = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_every_spanish_entry_is_translated_and_none_is_fuzzy():
    stats = statistics(PO)
    assert "untranslated" not in stats and "fuzzy" not in stats, stats + untranslated(PO)


def test_the_compiled_catalogue_matches_the_po_file(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(PO)], check=True)
    with fresh.open("rb") as expected, MO.open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(expected)._catalog, (
            "locale/es/LC_MESSAGES/django.mo is stale: run `make messages`"
        )


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    # Extract the strings again from a copy of the sources: anything new shows up untranslated.
    for name in SOURCES:
        source = BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "es", "--no-obsolete", "--verbosity", "0"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "True"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    po = tmp_path / "locale/es/LC_MESSAGES/django.po"
    stats = statistics(po)
    assert "untranslated" not in stats and "fuzzy" not in stats, (
        "strings missing from the Spanish catalogue (run `make messages` and translate):\n" + untranslated(po)
    )


def test_strings_are_marked_with_names_makemessages_knows():
    # makemessages finds gettext, gettext_lazy, _ and friends by name: `gettext_lazy as _lazy` would hide every string
    # marked with it from the catalogue, and they would show in English on Spanish pages.
    known = {
        "_",
        "gettext",
        "gettext_lazy",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "gettext_noop",
    }
    aliased = []
    for name in SOURCES:
        for path in (BASE_DIR / name).rglob("*.py") if (BASE_DIR / name).is_dir() else []:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.startswith("from django.utils.translation import") and " as " in line:
                    alias = line.rsplit(" as ", 1)[1].strip()
                    if alias not in known:
                        aliased.append(f"{path.relative_to(BASE_DIR)}: {line}")
    assert aliased == []
