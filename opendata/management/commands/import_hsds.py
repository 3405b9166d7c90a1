"""Import HSDS 3.0 data (JSON or CSV package, ours or anyone's), all or nothing."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from opendata.hsds.importer import ImportFailed, import_path, read_sector_map
from opendata.hsds.mapping import MappingError, read_mapping


class Command(BaseCommand):
    help = "Import Open Referral HSDS 3.0 data from PATH (a JSON file, a folder or a CSV package)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Check and roll back.")
        parser.add_argument(
            "--language",
            choices=["fr", "en"],
            help="Language of the standard fields (default: the file's x211_language, or fr).",
        )
        parser.add_argument(
            "--mapping",
            help="JSON file: the feed's own property names onto ours, table by table "
            '({"locations": {"confidential": "x211_confidential"}}; docs/hsds-profile.md).',
        )
        parser.add_argument(
            "--sector-map",
            help="CSV with columns term,sector: HSDS term id or code → our sector slug.",
        )

    def handle(self, *args, **options):
        bars = []

        def progress(total):
            # tqdm hides itself when stderr is not a terminal (cron, CI).
            bar = tqdm(total=total, file=self.stderr, unit="record", disable=None)
            bars.append(bar)
            return bar.update

        try:
            sector_map = read_sector_map(options["sector_map"])
            try:
                mapping = read_mapping(options["mapping"])
            except MappingError as exc:
                raise CommandError(f"Mapping refused, nothing changed: {exc}") from None
            loader = import_path(
                options["path"],
                dry_run=options["dry_run"],
                language=options["language"],
                sector_map=sector_map,
                mapping=mapping,
                progress=progress,
            )
        except ImportFailed as exc:
            for bar in bars:
                bar.close()
            for error in exc.errors:
                self.stderr.write(error)
            message = f"Import refused, nothing changed: {len(exc.errors)} error(s)."
            raise CommandError(message) from None
        except (OSError, KeyError) as exc:
            raise CommandError(f"Cannot read the mapping file: {exc}") from exc
        for bar in bars:
            bar.close()
        for warning in loader.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if loader.cleared:
            heading = "Would clear" if options["dry_run"] else "Cleared"
            self.stdout.write(self.style.WARNING(f"{heading} ({len(loader.cleared)}):"))
            for item in loader.cleared:
                self.stdout.write(self.style.WARNING(f"  {item}"))
        for key, count in sorted(loader.counts.items()):
            self.stdout.write(f"{key}: {count}")
        verdict = "Dry run: nothing saved." if options["dry_run"] else "Import done."
        self.stdout.write(self.style.SUCCESS(verdict))
