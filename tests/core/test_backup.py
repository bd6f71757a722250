"""The restore drill: a backup holds nothing readable without the offline identity, is private to the app's user,
leaves after BACKUP_RETENTION_DAYS, and restores into a fresh database where every family's details read back with
the keys. Runs on the suite's database: SQLite, or PostgreSQL (pg_dump / pg_restore) when DATABASE_URL is set."""

import base64
import os
import sqlite3
import stat
import time
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from pyrage import x25519

from core.crypto import decrypt
from directory.models import County, Language
from referrals import services
from referrals.models import JobRun
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db(transaction=True)

FAMILIES = [
    ("Rosa Martínez", "+19195550143", "Two kids, ages 6 and 9; call after 6pm"),
    ("Juan Pérez Hernández", "+19195550178", "Works nights at the poultry plant"),
    ("Guadalupe Ortiz", "+19195550112", "Her brother was detained on Tuesday"),
]
OTHER_FIELD_KEY = base64.urlsafe_b64encode(b"a-key-that-never-encrypted-these").decode()
ON_POSTGRES = connections["default"].vendor == "postgresql"


@pytest.fixture
def identity() -> x25519.Identity:
    return x25519.Identity.generate()


def write_identity(path: Path, identity: x25519.Identity) -> Path:
    """An identity file as age-keygen writes it."""
    path.write_text(f"# public key: {identity.to_public()}\n{identity}\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def identity_file(tmp_path, identity) -> Path:
    return write_identity(tmp_path / "backup-identity.txt", identity)


@pytest.fixture
def backup_dir(settings, tmp_path, identity) -> Path:
    settings.BACKUP_DIR = str(tmp_path / "backups")
    settings.BACKUP_AGE_RECIPIENTS = [str(identity.to_public())]
    settings.BACKUP_RETENTION_DAYS = 14
    return tmp_path / "backups"


def database_url(settings_dict: dict, name: str) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


@pytest.fixture
def fresh_database(tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of the suite's kind, dropped afterwards."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    source = connections["default"].settings_dict
    name = f"restore_drill_{uuid.uuid4().hex[:12]}"
    server = {
        k: v
        for k, v in {
            "user": source.get("USER"),
            "password": source.get("PASSWORD"),
            "host": source.get("HOST"),
            "port": source.get("PORT"),
        }.items()
        if v
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(source, name)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored_rows(url: str, query: str) -> list[tuple]:
    """Rows read straight from the restored database, as the app would find them there."""
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute(query).fetchall()
    with psycopg.connect(url) as connection:
        return connection.execute(query).fetchall()


def table_count(url: str) -> int:
    if url.startswith("sqlite:"):
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    else:
        query = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    return restored_rows(url, query)[0][0]


@pytest.fixture
def cases(volunteer) -> dict[str, tuple[str, str, str]]:
    """Three families logged through intake, one with a note: reference -> (name, phone, notes)."""
    durham, spanish = County.objects.get(name="Durham"), Language.objects.get(code="es")
    logged = {}
    for name, phone, notes in FAMILIES:
        referral = log_case(volunteer, durham, spanish, contact_name=name, contact_phone=phone, notes=notes)
        logged[referral.reference] = (name, phone, notes)
    services.note_add(user=volunteer, referral=referral, body="Lawyer appointment on Friday at 10")
    return logged


def backup() -> Path:
    out = StringIO()
    call_command("backup", stdout=out)
    written = Path(out.getvalue().split("Wrote ", 1)[1].split(" (", 1)[0])
    assert written.is_file()
    return written


def restore(path: Path, identity_file: Path, url: str, *, force: bool = False) -> str:
    out = StringIO()
    try:
        call_command(
            "restore", str(path), identity=str(identity_file), database_url=url, force=force, stdout=out
        )
    except CommandError as error:
        raise CommandError(f"{error}\n--- output ---\n{out.getvalue()}") from error
    return out.getvalue()


def test_a_backup_restores_into_a_fresh_database_and_every_family_reads_back(
    cases, backup_dir, identity_file, fresh_database
):
    path = backup()

    # Only the app's user can read the backup, and nothing in it is readable without the identity: no name, phone
    # or note, and not even the database's structure.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    assert path.name.endswith(".pg.age" if ON_POSTGRES else ".sqlite.age")
    content = path.read_bytes()
    assert content.startswith(b"age-encryption.org/v1\n")
    for name, phone, notes in cases.values():
        for secret in (name, phone, phone.removeprefix("+1"), notes):
            assert secret.encode() not in content
    assert b"referrals_referral" not in content
    assert b"Lawyer appointment" not in content
    assert [p.name for p in backup_dir.iterdir()] == [path.name]  # no plaintext left beside it
    assert JobRun.objects.filter(name="backup").exists()

    report = restore(path, identity_file, fresh_database)

    assert "referrals.Referral: 3 row(s), 9 value(s), all readable" in report
    assert "referrals.Note: 1 row(s), 1 value(s), all readable" in report
    assert "referrals with a phone: 3 row(s), 3 value(s), all readable" in report
    assert "Every encrypted value and phone digest reads back with the keys." in report
    rows = restored_rows(
        fresh_database, "SELECT reference, contact_name, contact_phone, notes FROM referrals_referral"
    )
    assert {reference: (decrypt(n), decrypt(p), decrypt(x)) for reference, n, p, x in rows} == cases
    [(body,)] = restored_rows(fresh_database, "SELECT body FROM referrals_note")
    assert decrypt(body) == "Lawyer appointment on Friday at 10"
    if not ON_POSTGRES:
        assert stat.S_IMODE(os.stat(fresh_database.removeprefix("sqlite:///")).st_mode) == 0o600

    # A second restore would mix two copies: refused, unless asked to replace everything.
    with pytest.raises(CommandError, match=r"is not empty \(\d+ tables\).*--force"):
        restore(path, identity_file, fresh_database)
    assert "all readable" in restore(path, identity_file, fresh_database, force=True)
    assert len(restored_rows(fresh_database, "SELECT id FROM referrals_referral")) == 3


def test_a_wrong_identity_or_a_damaged_file_is_refused_with_a_clear_message_and_restores_nothing(
    cases, backup_dir, identity_file, tmp_path, fresh_database
):
    path = backup()
    stranger = write_identity(tmp_path / "someone-else.txt", x25519.Identity.generate())

    with pytest.raises(CommandError, match="was not encrypted to the identity given"):
        restore(path, stranger, fresh_database)
    assert table_count(fresh_database) == 0

    damaged = tmp_path / path.name
    content = bytearray(path.read_bytes())
    content[-100] ^= 1
    damaged.write_bytes(content)
    with pytest.raises(CommandError, match="is damaged"):
        restore(damaged, identity_file, fresh_database)
    assert table_count(fresh_database) == 0

    public_key = tmp_path / "recipient.txt"
    public_key.write_text(f"{x25519.Identity.generate().to_public()}\n")
    with pytest.raises(CommandError, match=r"is a public key \(age1...\), which only encrypts"):
        restore(path, public_key, fresh_database)

    not_an_identity = tmp_path / "notes.txt"
    not_an_identity.write_text("AGE-SECRET-KEY-1 typed from memory\n")
    with pytest.raises(CommandError, match=r"Line 1 of .* is not an age identity"):
        restore(path, not_an_identity, fresh_database)


def test_a_restore_with_other_field_keys_reports_the_values_it_cannot_read(
    cases, backup_dir, identity_file, fresh_database, settings
):
    path = backup()
    settings.FIELD_ENCRYPTION_KEYS = [OTHER_FIELD_KEY]

    with pytest.raises(CommandError) as refused:
        restore(path, identity_file, fresh_database)

    message = str(refused.value)
    assert message.startswith("The data was restored, but: 11 encrypted value(s) cannot be decrypted")
    assert "referrals.Referral: 3 row(s), 9 value(s), 9 UNREADABLE (rows with id" in message
    assert "referrals.Note: 1 row(s), 1 value(s), 1 UNREADABLE" in message
    # The personas' authenticator secrets are encrypted with the field keys too: nobody could sign in.
    assert "two-factor authenticators: 1 row(s), 1 value(s), 1 UNREADABLE" in message
    assert "Traceback" not in message


def test_a_restore_with_another_hash_key_reports_the_phone_digests_that_no_longer_match(
    cases, backup_dir, identity_file, fresh_database, settings
):
    path = backup()
    settings.FIELD_HASH_KEY = "another-hash-key-of-32-characters-or-more"

    with pytest.raises(CommandError, match=r"3 phone digest\(s\) do not match FIELD_HASH_KEY") as refused:
        restore(path, identity_file, fresh_database)
    assert "referrals.Referral: 3 row(s), 9 value(s), all readable" in str(refused.value)


# Retention needs no committed data: these two run in a rolled-back transaction, which is quicker.
@pytest.mark.django_db
def test_each_backup_deletes_the_backups_older_than_the_retention_period(backup_dir):
    backup_dir.mkdir(mode=0o700)
    day = 24 * 3600
    ages = {
        "referrals-20250101T020000Z.pg.age": 15 * day,  # past 14 days: deleted
        "referrals-20250102T020000Z-1.sqlite.age": 14 * day + 60,
        "referrals-20250103T020000Z.pg.age.partial": 20 * day,  # a run that died half-way
        "referrals-20250110T020000Z.pg.age": 13 * day,  # within 14 days: kept
        "referrals-20250111T020000Z.sqlite.age": 1 * day,
        "family-photos.tar": 400 * day,  # not a backup: never touched
    }
    for name, age in ages.items():
        (backup_dir / name).write_bytes(b"age-encryption.org/v1\n")
        os.utime(backup_dir / name, (time.time() - age, time.time() - age))

    out = StringIO()
    call_command("backup", stdout=out)

    left = sorted(p.name for p in backup_dir.iterdir())
    new = [name for name in left if name not in ages]
    assert len(new) == 1 and new[0].startswith("referrals-")
    assert sorted(set(left) - set(new)) == [
        "family-photos.tar",
        "referrals-20250110T020000Z.pg.age",
        "referrals-20250111T020000Z.sqlite.age",
    ]
    assert "Deleted 3 backup(s) older than 14 days." in out.getvalue()


@pytest.mark.django_db
def test_without_a_recipient_no_backup_is_written(backup_dir, settings):
    settings.BACKUP_AGE_RECIPIENTS = []

    with pytest.raises(CommandError, match="BACKUP_AGE_RECIPIENTS is empty"):
        call_command("backup", stdout=StringIO())

    assert list(backup_dir.iterdir()) == []
    assert not JobRun.objects.filter(name="backup").exists()
