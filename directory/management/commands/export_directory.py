from pathlib import Path

from django.core.management.base import BaseCommand

from directory.hsds import export_json


class Command(BaseCommand):
    help = (
        "Write the whole public directory (organizations with their services, phones and text alerts, and the "
        "service categories) as one HSDS 3.0 JSON document, to a file or to standard output. Run it to back up "
        "the directory, to move it to another installation (read it there with import_directory), or to share "
        "it with a 211 line or any other HSDS consumer. It holds no accounts, referrals or intake emails."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", type=Path, help="Write to this file instead of standard output."
        )

    def handle(self, *args, output: Path | None = None, **options):
        text = export_json()
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote the directory to {output}.")
