"""Import a spreadsheet of services (CSV or XLSX, docs/spreadsheet-import.md), all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.spreadsheet.loader import import_sheet
from opendata.spreadsheet.reader import Unreadable


class Command(BaseCommand):
    help = (
        "Import a spreadsheet (CSV or XLSX): one row per service with its organization and "
        "location, French and English columns (docs/spreadsheet-import.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Check and roll back.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            outcome = import_sheet(path.name, path.read_bytes(), dry_run=options["dry_run"])
        except (OSError, Unreadable) as exc:
            raise CommandError(str(exc)) from exc
        if outcome.problems:
            for problem in outcome.problems:
                self.stderr.write(f"line {problem}")
            message = f"Import refused, nothing changed: {len(outcome.problems)} problem(s)."
            raise CommandError(message)
        for label, created, updated, unchanged in outcome.summary:
            self.stdout.write(
                f"{label}: {len(created)} created, {len(updated)} updated, {unchanged} unchanged"
            )
            for name in created:
                self.stdout.write(f"  + {name}")
            for name in updated:
                self.stdout.write(f"  ~ {name}")
        verdict = "Dry run: nothing saved." if options["dry_run"] else "Import done."
        self.stdout.write(self.style.SUCCESS(f"{outcome.rows} row(s). {verdict}"))
