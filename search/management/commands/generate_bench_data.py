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
from search import copying, indexing
from search.bench import machine
from search.bench.data import (
    BENCH_PREFIX,
    Batch,
    BenchGenerator,
    ParallelComposer,
    delete_bench_records,
    insert_batch,
    truncate_bench_tables,
)
from search.bench.vocabulary import DEMO_DIR, load_vocabulary
from search.models import ServiceCount


class StageClock:
    """Seconds spent per named stage, summed over repeated stages: wall clock, the CPU of the
    thread that ran it and, on PostgreSQL on the same machine, the CPU of the server processes
    serving the load (this connection's, and those in `backends`: the pids of the others) over
    the stage's time, whichever thread asked for it."""

    def __init__(self):
        self.seconds, self.cpu, self.server_cpu, self.backends = {}, {}, {}, set()
        self.last = {}  # pid: CPU seconds last read (kept once the connection is closed)

    def _server_cpu(self):
        pids = set(self.backends)
        if connection.vendor == "postgresql" and connection.connection is not None:
            pids.add(connection.connection.info.backend_pid)
        for pid in pids:
            used = copying.backend_cpu(pid)
            if used is not None:
                self.last[pid] = used
        return dict(self.last)

    @contextmanager
    def stage(self, name):
        start, cpu, server = time.perf_counter(), time.thread_time(), self._server_cpu()
        try:
            yield
        finally:
            add = lambda totals, value: totals.__setitem__(name, totals.get(name, 0.0) + value)  # noqa: E731
            add(self.seconds, time.perf_counter() - start)
            add(self.cpu, time.thread_time() - cpu)
            after = self._server_cpu()
            add(self.server_cpu, sum(after[pid] - server.get(pid, 0.0) for pid in after))

    def report(self, total):
        yield f"  {'stage':<34} {'wall':>8} {'CPU':>8} {'server':>8}"
        for name, seconds in self.seconds.items():
            yield (
                f"  {name:<34} {seconds:8.1f} {self.cpu[name]:8.1f} {self.server_cpu[name]:8.1f}"
            )
        yield f"  {'total':<34} {total:8.1f} {time.process_time():8.1f}"


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
        # The bulk path (PostgreSQL, not inside a caller's transaction such as a test's): the
        # session's bulk settings; the tables emptied with TRUNCATE when they hold only bench
        # records, so that COPY FREEZE leaves the rows visible to all (no VACUUM needed).
        bulk = copying.available() and not connection.in_atomic_block
        if bulk:
            unchecked = copying.bulk_settings()
            clock.backends.add(connection.connection.info.backend_pid)  # read from any thread
            self.stdout.write(
                "Clés étrangères : " + ("non vérifiées (composées)." if unchecked else "vérifiées.")
            )
        try:
            self._run(services, seed, clear, no_index, demo_dir, clock, bulk)
        finally:
            if bulk:
                copying.reset_bulk_settings()
        for line in clock.report(time.perf_counter() - started):
            self.stdout.write(line)
        self.stdout.write(machine.reference().line())

    def _run(self, services, seed, clear, no_index, demo_dir, clock, bulk):
        # The untranslated columns (name, description...) take the French text, as in the admin.
        with translation.override("fr"), transaction.atomic():
            frozen = False
            if not clear and Organization.objects.filter(slug__startswith=BENCH_PREFIX).exists():
                raise CommandError(
                    "Des données « bench- » existent déjà : ajoutez --clear pour les remplacer."
                )
            if bulk:
                with clock.stage("clear"):
                    frozen = truncate_bench_tables()
                if clear and frozen:
                    self.stdout.write("Supprimé : toutes les données « bench- » (TRUNCATE).")
            if clear and not frozen:
                with clock.stage("clear"):
                    deleted = delete_bench_records()
                self.stdout.write(f"Supprimé : {_summary(deleted) or 'rien'}.")
            counts = {}
            if services:
                counts = self._generate(services, seed, demo_dir, clock, bulk, frozen)
        if counts and not no_index:
            with clock.stage("search index"):
                indexed = indexing.refresh(clock=clock, offline=True)
            self.stdout.write(f"{indexed} services indexed.")
        if counts and connection.vendor == "postgresql" and not frozen:
            # Measurements start from the state a live directory is in: visibility map set (the
            # index-only scans need it) and statistics fresh. VACUUM cannot run inside a
            # transaction (a test's): ANALYZE alone there. Rows written with COPY FREEZE need
            # neither: frozen as written, and their tables analyzed by each stage.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with clock.stage(command.lower()), connection.cursor() as cursor:
                cursor.execute(command)
        elif counts and frozen and not no_index:
            # The one index table the ORM wrote (a few dozen rows): its page visible to all too.
            with clock.stage("vacuum counts"), connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {ServiceCount._meta.db_table}")
        # Bulk writes send no model signal: the cached pages are dropped here.
        generation.bump()
        if counts:
            self.stdout.write(self.style.SUCCESS(f"Créé : {_summary(counts)}."))

    def _generate(self, services, seed, demo_dir, clock, bulk, frozen):
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
        tables = [model._meta.db_table for model in Batch.models()]
        dropped = copying.secondary_indexes_dropped if bulk else _kept
        with dropped(tables, clock.stage):
            if bulk:  # composed in worker processes, written here as they come
                path = "COPY"
                ParallelComposer(generator, services, clock, counts, frozen).run()
            else:
                path = None
                batches = generator.batches(services)
                while batch := _timed_next(batches, clock):
                    path = insert_batch(batch, clock, counts, freeze=frozen)
        self.stdout.write(f"Écriture : {path}{' FREEZE' if frozen else ''}.")
        if connection.vendor == "postgresql":
            # Statistics for the new rows: without them the index rebuild and the benchmark's
            # first queries are planned as if the tables were still nearly empty.
            with clock.stage("analyze"), connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(tables)}")
        return counts


@contextmanager
def _kept(tables, stage):
    yield


def _timed_next(batches, clock):
    with clock.stage("compose (Python)"):
        return next(batches, None)


def _summary(counts):
    return ", ".join(f"{count} {name}" for name, count in counts.items())
