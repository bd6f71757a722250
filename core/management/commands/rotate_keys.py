from django.core.management.base import BaseCommand

from core.keys import rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the first key of FIELD_ENCRYPTION_KEYS. Procedure: put a new key "
        "first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), restart, run this command, then remove the "
        "old keys and restart again. See SECURITY.md."
    )

    def handle(self, *args, **options):
        count = rotate_keys()
        self.stdout.write(f"Re-encrypted {count} row(s) under the newest key.")
