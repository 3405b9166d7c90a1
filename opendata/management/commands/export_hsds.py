"""Export the directory as HSDS 3.0: JSON files or the CSV tabular data package."""

from django.core.management.base import BaseCommand, CommandError

from opendata.hsds.export import export_directory


class Command(BaseCommand):
    help = "Export the directory as Open Referral HSDS 3.0 (JSON or CSV data package) in PATH."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Folder to write into (created if needed).")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--language",
            choices=["fr", "en"],
            default="fr",
            help="Language of the standard fields; the other one goes in x211_ extras.",
        )

    def handle(self, *args, **options):
        try:
            written = export_directory(options["path"], options["format"], options["language"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"{len(written)} file(s) written."))
