from typing import Any

import dj_database_url
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.backup import (
    BackupError,
    FieldCheck,
    check_encrypted_fields,
    connect,
    describe,
    load_identities,
    restore_backup,
)
from core.crypto import decrypt, phone_digest
from referrals.models import Referral


class Command(BaseCommand):
    help = (
        "Restore an encrypted backup (made by `manage.py backup`) into an empty database, then read every "
        "encrypted value back with FIELD_ENCRYPTION_KEYS and every phone digest with FIELD_HASH_KEY, and report "
        "what cannot be read. Needs the age identity (--identity or BACKUP_AGE_IDENTITY_FILE). "
        "See docs/operations.md, Restore drill."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup file (referrals-....age).")
        parser.add_argument(
            "--identity",
            default=None,
            help="The age identity file that decrypts it (default: BACKUP_AGE_IDENTITY_FILE).",
        )
        parser.add_argument(
            "--database-url",
            default=None,
            help="Restore into this database instead of the configured one (e.g. a fresh one for a restore drill).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database has tables: everything in it is replaced.",
        )

    def handle(self, *args, **options):
        database: dict[str, Any] = (
            dict(dj_database_url.parse(options["database_url"]))
            if options["database_url"]
            else connections["default"].settings_dict
        )
        try:
            identities = load_identities(options["identity"] or settings.BACKUP_AGE_IDENTITY_FILE)
            restore_backup(
                path=options["backup"], identities=identities, database=database, force=options["force"]
            )
            self.stdout.write(f"Restored {options['backup']} into the {describe(database)}.")
            checks = check_encrypted_fields(database)
            digests = check_phone_digests(database)
        except BackupError as error:
            raise CommandError(str(error)) from error

        self.stdout.write("Encrypted values read back with FIELD_ENCRYPTION_KEYS:")
        for check in checks:
            self.stdout.write(f"  {describe_check(check)}")
        self.stdout.write(f"Phone digests checked with FIELD_HASH_KEY: {describe_check(digests)}")
        problems = []
        if unreadable := sum(check.unreadable for check in checks):
            problems.append(
                f"{unreadable} encrypted value(s) cannot be decrypted with FIELD_ENCRYPTION_KEYS: are these the keys "
                "that were in use when the backup was made (docs/operations.md, Keys)?"
            )
        if digests.unreadable:
            problems.append(
                f"{digests.unreadable} phone digest(s) do not match FIELD_HASH_KEY: is it the key that was in use "
                "when the backup was made? Without it, duplicate checks and searches by phone miss these families."
            )
        if problems:
            raise CommandError("The data was restored, but: " + " ".join(problems))
        self.stdout.write(
            self.style.SUCCESS("Every encrypted value and phone digest reads back with the keys.")
        )


def describe_check(check: FieldCheck) -> str:
    if not check.unreadable:
        return f"{check.label}: {check.rows} row(s), {check.values} value(s), all readable"
    return (
        f"{check.label}: {check.rows} row(s), {check.values} value(s), {check.unreadable} UNREADABLE "
        f"(rows with id {', '.join(check.unreadable_rows)}{', ...' if check.unreadable > len(check.unreadable_rows) else ''})"
    )


def check_phone_digests(database: dict[str, Any]) -> FieldCheck:
    """Recompute each referral's phone digest from its decrypted phone with FIELD_HASH_KEY: a different hash key
    restores without an error but silently breaks duplicate checks and searches by phone."""
    meta = Referral._meta
    column = {field.name: field.column for field in meta.concrete_fields}
    columns = [column["id"], column["contact_phone"], column["phone_digest"]]
    check = FieldCheck(label="referrals with a phone")
    with connect(database) as connection:
        cursor = connection.cursor()
        select = ", ".join(f'"{column}"' for column in columns)
        cursor.execute(f'SELECT {select} FROM "{meta.db_table}"')
        while rows := cursor.fetchmany(500):
            for pk, token, digest in rows:
                if not token or not digest:
                    continue
                try:
                    phone = decrypt(token)
                except InvalidToken:
                    continue  # counted with the encrypted values that cannot be read
                check.rows += 1
                check.values += 1
                try:
                    matches = phone_digest(phone) == digest
                except ValidationError:
                    matches = False
                if not matches:
                    check.failed(pk)
    return check
