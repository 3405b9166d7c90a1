"""The production deploy step: what a checkout needs before `gunicorn` serves it."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from resources.catalogues import compile_catalogues


class Command(BaseCommand):
    help = (
        "Prepare a production checkout: compile the translations, collect the static files "
        "(compressed, hashed names), run `check --deploy` (any warning fails) and, with "
        "--migrate, apply the migrations."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--migrate", action="store_true", help="Apply the database migrations too."
        )

    def handle(self, *args, migrate, **options):
        verbosity = options["verbosity"]
        # First, so that nothing is written for a configuration that must not go live: warnings
        # fail too (DEBUG on, the default SECRET_KEY, HTTPS settings turned off...).
        call_command("check", deploy=True, fail_level="WARNING", verbosity=verbosity)
        # Without the .mo files every page shows French, /en/ included.
        compile_catalogues()
        self.stdout.write("Translations compiled.")
        call_command("collectstatic", interactive=False, verbosity=verbosity)
        if migrate:
            call_command("migrate", interactive=False, verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("Ready to serve."))
