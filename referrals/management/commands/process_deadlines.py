from django.core.management.base import BaseCommand

from referrals.jobs import process_deadlines, process_deadlines_task


class Command(BaseCommand):
    help = (
        "Expire referrals whose partner did not answer by the deadline (they go to the coordinators' escalations) "
        "and email the notice digests that are due. Run it every 5 minutes (a timer, cron or run_schedule); "
        "running it again does nothing more. --enqueue hands the work to the tasks worker instead of doing it here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the work as a task.")

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = process_deadlines_task.enqueue()
            self.stdout.write(f"Queued as task {result.id}.")
            return
        counts = process_deadlines()
        self.stdout.write(f"Expired {counts['expired']} routing(s); sent {counts['digests']} digest(s).")
