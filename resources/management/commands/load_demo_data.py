"""`manage.py load_demo_data [--path DIR]`: load the fictional demo directory."""

from django.core.management.base import BaseCommand, CommandError

from resources.demo import DEMO_DIR, DemoDataError, load_demo_directory
from resources.signals import directory_loaded


class Command(BaseCommand):
    help = (
        "Charge (ou met à jour) le répertoire de démonstration fictif à partir de "
        "fixtures/demo/*.json. Rien n'est écrit si un fichier contient une erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", default=str(DEMO_DIR), help="Dossier des fichiers JSON (fixtures/demo)."
        )

    def handle(self, *args, path, **options):
        try:
            counts = load_demo_directory(path)
        except DemoDataError as error:
            raise CommandError(
                f"Données de démonstration refusées, rien n'a été écrit :\n{error}"
            ) from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Répertoire de démonstration chargé : {summary}."))
        # The load writes in bulk, which model signals do not announce: what derives from the
        # directory (the search index) rebuilds itself on this signal.
        directory_loaded.send(sender=self.__class__, stdout=self.stdout)
