"""One command from a fresh clone to a browsable site: database, translations, demo data, server."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from resources.catalogues import compile_catalogues


class Command(BaseCommand):
    help = (
        "Migrate, compile translations, load the fictional demo data and run the development "
        "server (local use only, with DEBUG=true)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="Where to listen (host:port)."
        )

    def handle(self, *args, addrport, **options):
        # Production settings redirect to HTTPS and do not serve static files, so the local
        # server would show nothing useful.
        if not settings.DEBUG:
            raise CommandError("serve_demo is for a local machine: run it with DEBUG=true.")
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity)
        compile_catalogues()
        call_command("load_demo_data", verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS(f"Demo site ready: http://{addrport}/fr/"))
        # Without the reloader: it would re-run this whole command in a child process.
        call_command("runserver", addrport, use_reloader=False)
