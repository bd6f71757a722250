from django.core.management.base import BaseCommand

from referrals.jobs import send_reminders


class Command(BaseCommand):
    help = (
        "Email each volunteer and coordinator the references of their follow-ups due today or overdue. Run it once "
        "each morning (08:00 by run_schedule and the timer); a second run the same day sends nothing more."
    )

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"Reminded {count} person(s).")
