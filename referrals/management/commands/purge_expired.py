from django.core.management.base import BaseCommand

from referrals.jobs import purge_expired


class Command(BaseCommand):
    help = (
        "Delete the names, phones, notes and consent records of cases closed more than RETENTION_DAYS days ago "
        "(90 by default), keeping a de-identified stub for statistics. Run it each night (03:30 by run_schedule and the timer); safe to run again."
    )

    def handle(self, *args, **options):
        count = purge_expired()
        self.stdout.write(f"Deleted the personal data of {count} closed case(s).")
