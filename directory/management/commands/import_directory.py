from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.hsds import import_file


class Command(BaseCommand):
    help = (
        "Create or update directory entries from FILE: an HSDS 3.0 JSON document as export_directory writes it "
        "(organizations, services, phones, text alerts), or a CSV of services (columns in docs/hsds.md). Run it "
        "to restore or move a directory, or to load a spreadsheet of services. Records are matched by id (a CSV "
        "row without one by organization, category and name), so running it twice changes nothing. If any "
        "record is wrong, it lists every problem and imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="A .json file from export_directory, or a .csv of services."
        )

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        report = import_file(file)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            count = len(report.problems)
            message = ngettext(
                "%(count)d problem in %(file)s: nothing was imported.",
                "%(count)d problems in %(file)s: nothing was imported.",
                count,
            )
            raise CommandError(message % {"count": count, "file": file})
        for line in report.summary_lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {report.changed} row(s) created or updated."))
