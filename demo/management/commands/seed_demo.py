from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.data import DemoDirectoryError, demo_password, seed_demo
from demo.incidents import seed_demo_incident


class Command(BaseCommand):
    help = (
        "Load the demo directory (demo/fixtures/directory.json, through the HSDS importer), its resources and one "
        "account per role (password from DEMO_PASSWORD), and an open demo incident. Safe to run again. Refuses to run with DEBUG off unless "
        "--force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Seed even though DEBUG is off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo accounts have a known password: refusing to seed with DEBUG off (use --force)."
            )
        password = demo_password()
        try:
            users = seed_demo(password=password)
        except DemoDirectoryError as error:
            raise CommandError(
                f"The demo directory did not load, nothing was written:\n{error}\n"
                "A database seeded by an older version holds the same organizations under other ids: "
                "start from a fresh database."
            ) from error
        # An open incident for the coordinator's war room (and the cases logged later can be linked to it).
        seed_demo_incident()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at /accounts/login/ with:"))
        for user in users:
            self.stdout.write(f"  {user.email:<28} {user.get_role_display():<16} password: {password}")
