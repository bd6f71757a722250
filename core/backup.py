"""Encrypted database backups, their retention, and restoring them (`manage.py backup`, `manage.py restore`).

A backup is the database in its own format, PostgreSQL's `pg_dump --format=custom` or an SQLite database file made
with SQLite's backup API, encrypted with age to the public keys in BACKUP_AGE_RECIPIENTS. The server holds only those
public keys: the identity that decrypts a backup stays offline and is handed to `restore` when it is needed. Nothing
unencrypted reaches the disk: pg_dump's output is piped into the encryptor as it is produced, and the SQLite copy is
made in memory (so an SQLite backup needs about the database's size in free memory; PostgreSQL streams).

Databases are described by Django settings dictionaries (ENGINE, NAME, USER, PASSWORD, HOST, PORT, OPTIONS), so a
restore can target a database other than the configured one (a restore drill into a fresh database).
"""

import io
import json
import os
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pyrage
from cryptography.fernet import InvalidToken
from django.db import models
from pyrage import x25519

from core.crypto import fernet
from core.keys import encrypted_fields

# referrals-20260115T020000Z.pg.age; a second backup in the same second gets "-1", "-2"...; ".partial" while written.
BACKUP_NAME = re.compile(r"^referrals-\d{8}T\d{6}Z(-\d+)?\.(pg|sqlite)\.age(\.partial)?$")
AGE_MAGIC = b"age-encryption.org/v1\n"
PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
# What an operator sees of a failing tool: its last lines (pg_restore may print one line per failed object).
TOOL_ERROR_LINES = 20
# The connection parameters in Django's OPTIONS that libpq knows, and their environment variables (OPTIONS may also
# hold Django's own, such as "pool").
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
}


class BackupError(Exception):
    """A backup or restore that cannot go on, with a message for the operator (never a traceback)."""


def engine(database: dict[str, Any]) -> str:
    """The kind of database: "pg" or "sqlite", the two the app runs on."""
    name = database["ENGINE"]
    if "postgresql" in name:
        return "pg"
    if "sqlite3" in name:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {name}.")


def describe(database: dict[str, Any]) -> str:
    if engine(database) == "pg":
        return f'PostgreSQL database "{database["NAME"]}"'
    return f"SQLite database {database['NAME']}"


# Keys.


def parse_recipients(values: Sequence[str]) -> list[x25519.Recipient]:
    """The age public keys ("age1...") backups are encrypted to. Several: any one of their identities decrypts."""
    if not values:
        raise BackupError(
            "BACKUP_AGE_RECIPIENTS is empty: set it to the age public key (age1...) of the identity kept offline "
            "(docs/operations.md, Backups)."
        )
    recipients = []
    for value in values:
        try:
            recipients.append(x25519.Recipient.from_str(value.strip()))
        except pyrage.RecipientError as error:
            raise BackupError(
                f"BACKUP_AGE_RECIPIENTS holds {value[:12]!r}..., which is not an age public key (age1...): {error}."
            ) from error
    return recipients


def load_identities(path: str | os.PathLike[str]) -> list[x25519.Identity]:
    """The age identities (AGE-SECRET-KEY-1...) in an identity file as age-keygen writes it: one a line, # comments."""
    if not path:
        raise BackupError(
            "No identity to decrypt the backup with: give the age identity file with --identity PATH "
            "(or BACKUP_AGE_IDENTITY_FILE)."
        )
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise BackupError(f"The identity file {path} cannot be read: {error.strerror}.") from error
    identities = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("age1"):
            raise BackupError(
                f"Line {number} of {path} is a public key (age1...), which only encrypts: give the identity file "
                "(AGE-SECRET-KEY-1...) that goes with it."
            )
        try:
            identities.append(x25519.Identity.from_str(line))
        except pyrage.IdentityError as error:
            # The line itself is a secret: never shown.
            raise BackupError(
                f"Line {number} of {path} is not an age identity (AGE-SECRET-KEY-1...): {error}."
            ) from error
    if not identities:
        raise BackupError(f"{path} holds no age identity (AGE-SECRET-KEY-1...).")
    return identities


# Backing up.


def _new_backup_file(directory: Path, kind: str, now: datetime) -> tuple[Path, int]:
    """A new file in `directory` that only this user can read, opened for writing: (its final path, descriptor).
    Written as "<name>.partial" and renamed when complete, so a half-written backup never looks like one."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(100):
        suffix = f"-{attempt}" if attempt else ""
        final = directory / f"referrals-{stamp}{suffix}.{kind}.age"
        if final.exists():
            continue
        try:
            fd = os.open(f"{final}.partial", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.fchmod(fd, 0o600)  # whatever the umask
        return final, fd
    raise BackupError(f"Could not find a free file name in {directory}.")


def prepare_directory(directory: str | os.PathLike[str]) -> Path:
    if not directory:
        raise BackupError("BACKUP_DIR is not set: set it to the directory backups are written to.")
    path = Path(directory)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"The backup directory {path} cannot be created: {error.strerror}.") from error
    return path


def create_backup(
    *,
    database: dict[str, Any],
    directory: str | os.PathLike[str],
    recipients: Sequence[x25519.Recipient],
    now: datetime | None = None,
) -> Path:
    """Write an encrypted backup of `database` into `directory`; returns its path. The file is 0600."""
    kind = engine(database)
    target_dir = prepare_directory(directory)
    final, fd = _new_backup_file(target_dir, kind, now or datetime.now(UTC))
    partial = Path(f"{final}.partial")
    try:
        with os.fdopen(fd, "wb") as out:
            if kind == "pg":
                _dump_postgres(database, out, recipients)
            else:
                _dump_sqlite(database, out, recipients)
            out.flush()
            os.fsync(out.fileno())
        partial.rename(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final


def _tool_error(tool: str, errors: bytes) -> str:
    lines = errors.decode(errors="replace").strip().splitlines()[-TOOL_ERROR_LINES:]
    return f"{tool} failed:\n" + "\n".join(lines)


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    """The environment pg_dump and pg_restore connect with: the password never appears on a command line."""
    # Only the settings say where to connect: not a PGHOST or PGSERVICE left in the environment.
    ignored = {"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGSERVICE", "PGDATABASE"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    options = database.get("OPTIONS") or {}
    for key, variable in LIBPQ_OPTIONS.items():
        if options.get(key):
            env[variable] = str(options[key])
    return env


def _major_version(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    if match is None:
        raise BackupError(f"Cannot read a version number in {text!r}.")
    return int(match.group(1))


def _check_client_version(tool: str, database: dict[str, Any]) -> None:
    """pg_dump and pg_restore must be at least the server's major version (pg_dump refuses a newer server; an older
    pg_restore cannot read a newer dump)."""
    try:
        output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    except FileNotFoundError as error:
        raise BackupError(f"{tool} is not installed: install the postgresql-client package.") from error
    with connect(database) as connection:
        server = int(connection.execute("SHOW server_version_num").fetchone()[0]) // 10000
    client = _major_version(output.split(")", 1)[-1])
    if client < server:
        raise BackupError(
            f"{tool} is version {client} but the server runs PostgreSQL {server}: install postgresql-client-{server} "
            f"({tool} must be at least the server's version)."
        )


def _dump_postgres(
    database: dict[str, Any], out: io.BufferedWriter, recipients: Sequence[x25519.Recipient]
) -> None:
    _check_client_version("pg_dump", database)
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            ["pg_dump", "--format=custom", "--no-password", f"--dbname={database['NAME']}"],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_pg_env(database),
        )
        assert process.stdout is not None
        try:
            # Streams: age encrypts pg_dump's output chunk by chunk as it arrives.
            pyrage.encrypt_io(process.stdout, out, recipients)  # type: ignore[arg-type]  # a pipe is a reader
        finally:
            process.stdout.close()
            status = process.wait()
        if status != 0:
            errors.seek(0)
            raise BackupError(_tool_error("pg_dump", errors.read()))


def _dump_sqlite(
    database: dict[str, Any], out: io.BufferedWriter, recipients: Sequence[x25519.Recipient]
) -> None:
    path = Path(database["NAME"])
    if not path.is_file():
        raise BackupError(f"There is no SQLite database at {path}.")
    source = sqlite3.connect(path)
    memory = sqlite3.connect(":memory:")
    try:
        # A consistent copy even while the app writes (the backup API restarts if the source changes mid-way).
        source.backup(memory)
        data = memory.serialize()
    finally:
        memory.close()
        source.close()
    pyrage.encrypt_io(io.BytesIO(data), out, recipients)


def prune_backups(
    *,
    directory: str | os.PathLike[str],
    retention_days: int,
    keep: Path | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Delete the backups (and abandoned partial files) in `directory` older than `retention_days` days, by their
    modification time. Files that are not backups are never touched. Returns the deleted paths."""
    if retention_days < 0:
        raise BackupError("BACKUP_RETENTION_DAYS cannot be negative.")
    if not directory or not Path(directory).is_dir():
        return []
    cutoff = (now or datetime.now(UTC)).timestamp() - timedelta(days=retention_days).total_seconds()
    deleted = []
    for path in sorted(Path(directory).iterdir()):
        if not BACKUP_NAME.match(path.name) or not path.is_file() or path == keep:
            continue
        if path.stat().st_mtime < cutoff:
            path.unlink()
            deleted.append(path)
    return deleted


# Restoring.


class _Sink:
    """A writer that keeps only the first bytes: a first decryption pass checks the identity and the whole file's
    integrity, and tells the format, before anything touches the target database."""

    def __init__(self) -> None:
        self.head = b""
        self.size = 0

    def write(self, data: bytes) -> int:
        if len(self.head) < 16:
            self.head += bytes(data[: 16 - len(self.head)])
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def _decrypt(path: Path, out: Any, identities: Sequence[x25519.Identity]) -> None:
    with path.open("rb") as source:
        if source.read(len(AGE_MAGIC)) != AGE_MAGIC:
            raise BackupError(f"{path} is not an age-encrypted backup.")
        source.seek(0)
        try:
            pyrage.decrypt_io(source, out, identities)
        except pyrage.DecryptError as error:
            if "no matching keys" in str(error).lower():
                raise BackupError(
                    f"{path.name} was not encrypted to the identity given: use the identity whose public key was in "
                    "BACKUP_AGE_RECIPIENTS when the backup was made."
                ) from error
            raise BackupError(f"{path.name} cannot be decrypted: {error}.") from error


def verify_backup(path: str | os.PathLike[str], identities: Sequence[x25519.Identity]) -> str:
    """Decrypt the whole backup without keeping it: "pg" or "sqlite" when it is intact and the identity fits."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    sink = _Sink()
    try:
        _decrypt(path, sink, identities)
    except OSError as error:
        raise BackupError(f"{path.name} is damaged (it fails age's integrity check): {error}.") from error
    if sink.head.startswith(PG_MAGIC):
        return "pg"
    if sink.head.startswith(SQLITE_MAGIC):
        return "sqlite"
    raise BackupError(f"{path.name} decrypts, but holds neither a PostgreSQL dump nor an SQLite database.")


def table_count(database: dict[str, Any]) -> int:
    """How many tables the database has: a restore goes into an empty one."""
    if engine(database) == "sqlite":
        if not Path(database["NAME"]).exists():
            return 0
        with connect(database) as connection:
            query = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            return int(connection.execute(query).fetchone()[0])
    with connect(database) as connection:
        query = "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        return int(connection.execute(query).fetchone()[0])


def restore_backup(
    *,
    path: str | os.PathLike[str],
    identities: Sequence[x25519.Identity],
    database: dict[str, Any],
    force: bool = False,
) -> None:
    """Restore an encrypted backup into `database`, which must be empty unless `force` (then what it holds is
    replaced). The backup is decrypted twice: once to check the identity and its integrity, then into the database."""
    path = Path(path)
    kind = verify_backup(path, identities)
    target = engine(database)
    if kind != target:
        names = {"pg": "PostgreSQL", "sqlite": "SQLite"}
        raise BackupError(f"{path.name} is a {names[kind]} backup; the target is a {names[target]} database.")
    if not force and (tables := table_count(database)):
        raise BackupError(
            f"The {describe(database)} is not empty ({tables} tables): a backup is restored into an empty database. "
            "Create a new database (or pass --force to replace everything in this one)."
        )
    if kind == "pg":
        _restore_postgres(path, identities, database, force=force)
    else:
        _restore_sqlite(path, identities, database)


def _restore_postgres(
    path: Path, identities: Sequence[x25519.Identity], database: dict[str, Any], *, force: bool
) -> None:
    _check_client_version("pg_restore", database)
    command = [
        "pg_restore",
        "--no-password",
        # The restoring role owns what it restores: the database may live on another server, under another role.
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={database['NAME']}",
    ]
    if force:
        command[1:1] = ["--clean", "--if-exists"]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors, env=_pg_env(database))
        assert process.stdin is not None
        broken: OSError | None = None
        try:
            # Streams: pg_restore reads the dump from its standard input as it is decrypted.
            _decrypt(path, process.stdin, identities)
        except OSError as error:
            # pg_restore stopped reading (its own message says why), or the file failed mid-way.
            broken = error
        finally:
            with suppress(OSError):
                process.stdin.close()
            status = process.wait()
        if status != 0:
            errors.seek(0)
            raise BackupError(_tool_error("pg_restore", errors.read()))
        if broken is not None:
            raise BackupError(f"{path.name} could not be read to the end: {broken}.")


def _restore_sqlite(path: Path, identities: Sequence[x25519.Identity], database: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    _decrypt(path, buffer, identities)
    data = buffer.getbuffer()
    # A copy of a WAL database says "WAL" in its header (bytes 18 and 19 are 2), which an in-memory database cannot
    # open: say "rollback journal" (1) instead. The app turns WAL on again when it connects to the restored file.
    data[18:20] = b"\x01\x01"
    memory = sqlite3.connect(":memory:")
    try:
        memory.deserialize(data)
        data.release()
        del buffer
        # The check below evaluates the tables' CHECK constraints, some of which use the REGEXP function that Django
        # gives its SQLite connections.
        memory.create_function("REGEXP", 2, _regexp, deterministic=True)
        if memory.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path.name} decrypts, but the SQLite database in it is damaged.")
        target_path = Path(database["NAME"])
        # Only the app's user may read the restored database (Django may have created the empty file already).
        os.close(os.open(target_path, os.O_WRONLY | os.O_CREAT, 0o600))
        target_path.chmod(0o600)
        target = sqlite3.connect(target_path)
        try:
            memory.backup(target)
        finally:
            target.close()
    finally:
        memory.close()


def _regexp(pattern: str, value: object) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


# Reading the restored data back.


@contextmanager
def connect(database: dict[str, Any]) -> Iterator[Any]:
    """A plain DB-API connection to `database` (not Django's: the database may be one the app is not configured
    for)."""
    connection: Any
    if engine(database) == "sqlite":
        connection = sqlite3.connect(database["NAME"])
    else:
        options = database.get("OPTIONS") or {}
        params = {
            "dbname": database["NAME"],
            "user": database.get("USER"),
            "password": database.get("PASSWORD"),
            "host": database.get("HOST"),
            "port": database.get("PORT"),
            **{key: value for key, value in options.items() if key in LIBPQ_OPTIONS},
        }
        try:
            connection = psycopg.connect(**{k: v for k, v in params.items() if v not in (None, "")})
        except psycopg.OperationalError as error:
            raise BackupError(f"Cannot connect to the {describe(database)}: {error}".strip()) from error
    try:
        yield connection
    finally:
        connection.close()


@dataclass
class FieldCheck:
    """What reading one table's encrypted columns with FIELD_ENCRYPTION_KEYS found."""

    label: str
    rows: int = 0
    values: int = 0
    unreadable: int = 0
    # The primary keys of rows with a value that did not decrypt (the first few).
    unreadable_rows: list[str] = field(default_factory=list)

    def failed(self, pk: object) -> None:
        self.unreadable += 1
        if len(self.unreadable_rows) < 10 and str(pk) not in self.unreadable_rows:
            self.unreadable_rows.append(str(pk))


def _readable(token: str) -> bool:
    try:
        fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def check_encrypted_fields(database: dict[str, Any]) -> list[FieldCheck]:
    """Decrypt every encrypted value in `database` (every EncryptedTextField of every model, and the two-factor
    secrets) with the current FIELD_ENCRYPTION_KEYS, without keeping what it reads; count what fails."""
    results = []
    with connect(database) as connection:
        for model, names in encrypted_fields():
            results.append(_check_table(connection, model, names))
        results.append(_check_authenticators(connection))
    return results


def _check_table(connection: Any, model: type[models.Model], names: list[str]) -> FieldCheck:
    meta = model._meta
    columns = [meta.pk.column, *(f.column for f in meta.concrete_fields if f.name in names)]
    select = ", ".join(f'"{column}"' for column in columns)
    check = FieldCheck(label=meta.label)
    cursor = connection.cursor()
    cursor.execute(f'SELECT {select} FROM "{meta.db_table}"')
    while rows := cursor.fetchmany(500):
        for pk, *values in rows:
            check.rows += 1
            for value in values:
                if value:
                    check.values += 1
                    if not _readable(value):
                        check.failed(pk)
    return check


def _check_authenticators(connection: Any) -> FieldCheck:
    check = FieldCheck(label="two-factor authenticators")
    cursor = connection.cursor()
    cursor.execute('SELECT "id", "data" FROM "mfa_authenticator"')
    for pk, data in cursor.fetchall():
        check.rows += 1
        data = json.loads(data) if isinstance(data, str | bytes) else data
        for key in ("secret", "seed"):
            if data.get(key):
                check.values += 1
                if not _readable(data[key]):
                    check.failed(pk)
    return check
