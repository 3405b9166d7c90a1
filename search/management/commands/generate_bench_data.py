"""`manage.py generate_bench_data --services 100000 --seed 1 [--clear]`: synthetic services for
measuring search at scale (see search/bench/data.py). Bench records are the organizations whose slug
starts with `bench-` and what hangs off them; nothing else is ever written or deleted."""

import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import translation

from resources import generation
from resources.models import Organization
from search import indexing
from search.bench.data import BENCH_PREFIX, BenchGenerator, delete_bench_records, insert_batch
from search.bench.vocabulary import DEMO_DIR, load_vocabulary


class StageClock:
    """Wall-clock seconds spent per named stage, summed over repeated stages."""

    def __init__(self):
        self.seconds = {}

    @contextmanager
    def stage(self, name):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


class Command(BaseCommand):
    help = (
        "Génère des services fictifs (préfixe de slug « bench- ») répartis sur le sud du Québec "
        "pour mesurer la recherche à grande échelle. Sans historique (COPY sur PostgreSQL, "
        "bulk_create ailleurs)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--services", type=int, default=100_000, help="Nombre de services (0 avec --clear)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Graine : mêmes données.")
        parser.add_argument(
            "--clear", action="store_true", help="Supprimer d'abord les données « bench- »."
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="Ne pas reconstruire l'index de recherche à la fin.",
        )
        parser.add_argument(
            "--demo-dir", default=str(DEMO_DIR), help="Fichiers de démonstration à réutiliser."
        )

    def handle(self, *args, services, seed, clear, no_index, demo_dir, **options):
        if services < 0:
            raise CommandError("--services doit être un nombre positif ou nul.")
        clock, started = StageClock(), time.perf_counter()
        # The untranslated columns (name, description...) take the French text, as in the admin.
        with translation.override("fr"):
            if clear:
                with clock.stage("clear"), transaction.atomic():
                    deleted = delete_bench_records()
                self.stdout.write(f"Supprimé : {_summary(deleted) or 'rien'}.")
            elif Organization.objects.filter(slug__startswith=BENCH_PREFIX).exists():
                raise CommandError(
                    "Des données « bench- » existent déjà : ajoutez --clear pour les remplacer."
                )
            counts = self._generate(services, seed, demo_dir, clock) if services else {}
        if counts and not no_index:
            with clock.stage("search index"):
                indexed = indexing.refresh(clock=clock, offline=True)
            self.stdout.write(f"{indexed} services indexed.")
        if counts and connection.vendor == "postgresql":
            # Measurements start from the state a live directory is in: visibility map set (the
            # index-only scans need it) and statistics fresh. VACUUM cannot run inside a
            # transaction (a test's): ANALYZE alone there.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with clock.stage(command.lower()), connection.cursor() as cursor:
                cursor.execute(command)
        # Bulk writes send no model signal: the cached pages are dropped here.
        generation.bump()
        for name, seconds in clock.seconds.items():
            self.stdout.write(f"  {name:<30} {seconds:8.1f} s")
        total = time.perf_counter() - started
        self.stdout.write(f"  {'total':<30} {total:8.1f} s")
        if counts:
            self.stdout.write(self.style.SUCCESS(f"Créé : {_summary(counts)}."))

    def _generate(self, services, seed, demo_dir, clock):
        with clock.stage("vocabulary"):
            topics, organization_names, unreadable = load_vocabulary(demo_dir)
            generator = BenchGenerator(seed, topics, organization_names)
        if not generator.topics:
            raise CommandError("Aucun secteur de référence : lancez d'abord « migrate ».")
        for name in unreadable:
            self.stderr.write(f"Fichier de démonstration illisible, ignoré : {name}")
        self.stdout.write(
            f"{len(generator.topics)} sujets de service "
            f"({len(topics) - len(generator.topics)} hors des secteurs connus, ignorés)."
        )
        counts = {}
        with transaction.atomic():
            batches = generator.batches(services)
            path = None
            while batch := _timed_next(batches, clock):
                path = insert_batch(batch, clock, counts)
        self.stdout.write(f"Écriture : {path}.")
        if connection.vendor == "postgresql":
            # Statistics for the new rows: without them the index rebuild and the benchmark's
            # first queries are planned as if the tables were still nearly empty.
            with clock.stage("analyze"), connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return counts


def _timed_next(batches, clock):
    with clock.stage("compose (Python)"):
        return next(batches, None)


def _summary(counts):
    return ", ".join(f"{count} {name}" for name, count in counts.items())
