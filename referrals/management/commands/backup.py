from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.backup import BackupError, create_backup, parse_recipients, prepare_directory, prune_backups
from referrals.jobs import BACKUP_JOB, record_success


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database into BACKUP_DIR (pg_dump's custom format, or an SQLite copy), "
        "encrypted with age to BACKUP_AGE_RECIPIENTS, then delete backups older than BACKUP_RETENTION_DAYS days. "
        "Run it nightly (the backup timer). See docs/operations.md, Backups."
    )

    def handle(self, *args, **options):
        retention_days = settings.BACKUP_RETENTION_DAYS
        try:
            if retention_days < 0:
                raise BackupError("BACKUP_RETENTION_DAYS cannot be negative.")
            directory = prepare_directory(settings.BACKUP_DIR)
            path = None
            try:
                path = create_backup(
                    database=connections["default"].settings_dict,
                    directory=directory,
                    recipients=parse_recipients(settings.BACKUP_AGE_RECIPIENTS),
                )
            finally:
                # Even when this backup failed: purged families must leave the backups in the documented time.
                deleted = prune_backups(directory=directory, retention_days=retention_days, keep=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # Recorded last, so that a failed run does not count: /healthz tells when backups stopped.
        record_success(BACKUP_JOB)
        self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes, encrypted).")
        self.stdout.write(f"Deleted {len(deleted)} backup(s) older than {retention_days} days.")
