"""The scheduler for installations without systemd timers or cron (containers: the compose file's `scheduler`
service). It is a plain loop, written here because the jobs are few and their schedule is ours (referrals.jobs.JOBS):
every 30 seconds it reads the jobs' last successes and runs, one after another, the commands that are due.

Several schedulers at once do no harm (every job is idempotent and safe to run twice at once); a job that fails is
logged and tried again 5 minutes later; stopping the loop in the middle of a job is safe (the job is redone at the next
look, since its success was not recorded)."""

import logging
import time
from datetime import datetime, timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from referrals.jobs import JOBS, last_successes

logger = logging.getLogger(__name__)

RETRY_AFTER_FAILURE = timedelta(minutes=5)


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs at their times, for as long as it runs: process_deadlines every 5 minutes, "
        "send_reminders at 08:00, purge_expired at 03:30 and backup at 02:15 (local time), each also at once if it "
        "has never run. For containers; with systemd or cron, call the commands themselves instead. --once runs "
        "what is due now and exits (non-zero if a job failed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs that are due now, then exit.")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between looks at the schedule (default 30)."
        )
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            choices=[job.name for job in JOBS],
            help="A job this scheduler leaves to something else (repeatable), e.g. --skip backup.",
        )

    def handle(
        self, *args, once: bool = False, interval: float = 30.0, skip: list[str] | None = None, **options
    ):
        failed_at: dict[str, datetime] = {}
        while True:
            failures = self.run_due(skip=set(skip or []), failed_at=failed_at)
            if once:
                if failures:
                    raise CommandError(f"Failed: {', '.join(failures)} (see the log).")
                return
            close_old_connections()
            time.sleep(interval)

    def run_due(self, *, skip: set[str], failed_at: dict[str, datetime]) -> list[str]:
        """Run each job that is due (and did not fail in the last 5 minutes). Returns the names of those that failed."""
        now = timezone.now()
        try:
            last = last_successes()
        except DatabaseError:
            logger.exception("The schedule could not be read; trying again at the next look")
            return ["schedule"]
        failures = []
        for job in JOBS:
            if job.name in skip or not job.is_due(last.get(job.name), now):
                continue
            if job.name in failed_at and now - failed_at[job.name] < RETRY_AFTER_FAILURE:
                continue
            self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} running {job.name}")
            try:
                call_command(job.name, stdout=self.stdout, stderr=self.stderr)
            except Exception:
                logger.exception("The %s job failed; it is tried again in 5 minutes", job.name)
                self.stderr.write(f"{job.name} failed")
                failed_at[job.name] = now
                failures.append(job.name)
            else:
                failed_at.pop(job.name, None)
        return failures
