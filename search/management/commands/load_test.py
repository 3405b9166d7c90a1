"""`manage.py load_test`: the production server under a crisis-day load, measured with wrk.

Starts the production server (the README's command: gunicorn with directory211/gunicorn.conf.py)
on a free local port against this database, or measures `--url` if one is given, and runs:

1. each page kind alone, one request at a time: the single-request time;
2. the ceiling: a bare Django view (`/healthz`: no database, no template) and the stylesheet,
   each alone at the full number of connections;
3. each page kind alone at the full number of connections (hundreds of its own addresses);
4. the mix: every kind at once, connections shared by their weight, with the stylesheet fetched
   beside them, for `--duration` seconds.

Every measured step starts on an idle server (`_drain`): when wrk stops, the requests its
connections had sent are still queued at the app, and the app answers them after wrk has gone;
without the wait, the next step's first requests queued behind them and its p99 showed the
previous step's work (the API alone after the service pages: p99 1.6 s, against 0.9 s drained).

In step 3 each kind's CPU time per request is read from /proc for the app servers' processes,
PostgreSQL's (when it runs on this machine) and nginx's: what a request costs, which holds from
one machine to the next better than requests a second (search/bench/cpu.py).

Steps 3 and 4 run twice: page cache off (every page rendered: "cold") and page cache on ("warm":
each kind alone right after its addresses were asked once, within the cache's minute; the mix
after an unmeasured run of the same length, the steady state of a 60 s cache under this
traffic, which cannot hold every address). In step 3 a kind has ALONE_ADDRESSES addresses
(warm: those of them asked within WARM_SECONDS). Every request says `Accept-Encoding: gzip`.
wrk (Debian package `wrk`) makes the requests; it and the server share the machine, so compare
figures within one run. Errors are socket errors, time-outs (10 s) and answers other than
2xx/3xx. Rate limits are turned off for the server it starts (one client address would
otherwise be throttled, as it should be).
"""

import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from resources.catalogues import compile_catalogues
from search.bench import cpu, machine
from search.bench.load import KINDS, build_mix

LUA = Path(__file__).resolve().parents[2] / "bench" / "mix.lua"
# Connections the stylesheet gets beside the mix, and alone to compare with.
STATIC_CONNECTIONS = 4
# Distinct addresses of a kind when it runs alone (the mix has them all).
ALONE_ADDRESSES = 500
# A bare request answered within this many seconds: the server has no queue left (`_drain`).
IDLE_SECONDS = 0.05
# Seconds `_drain` waits at most for it.
DRAIN_SECONDS = 60
# Seconds the warm pass asks a kind's addresses before measuring it (the cache keeps a page 60 s
# and renders it again in its last 10).
WARM_SECONDS = 35
# nginx's workers' priority (deploy/nginx.conf): ahead of the app's processes for the CPU.
PROXY_PRIORITY = -5
# The app servers' priority, as deployed (compose.yaml's cpu_shares 420 against the proxy's
# 3072; systemd's CPUWeight= 40 against 300): below the proxy, so that static files and the
# proxying never wait behind a surge of pages (docs/deploy.md, "The app below the proxy").
APP_PRIORITY = 4


def _session_priority(process, nice):
    """Give `process`'s session the priority `nice`; False where the system does not allow it.

    Linux schedules each session as one group when `kernel.sched_autogroup_enabled` is 1 (the
    default of Debian's kernels): the groups share the CPU equally, and a nice value ranks a
    process only against those of its own session. nginx's `worker_priority` and the app's nice
    rank them against nothing else here (each runs in its own session, as a service does), so
    the group takes the same value (docs/deploy.md, "Priorities between sessions")."""
    try:
        Path(f"/proc/{process.pid}/autogroup").write_text(str(nice))
    except OSError:  # no autogroup (not Linux, or turned off), or not allowed to raise it
        return False
    return True


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url, timeout=30):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (local)
        response.read()
        return response.status


NGINX_CONF = """
{user}worker_processes auto;
{priority}pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {folder}/nginx-body;
    proxy_temp_path {folder}/nginx-proxy;
    fastcgi_temp_path {folder}/nginx-fastcgi;
    uwsgi_temp_path {folder}/nginx-uwsgi;
    scgi_temp_path {folder}/nginx-scgi;
    upstream app {{ server 127.0.0.1:{app_port}; }}
    server {{
        listen 127.0.0.1:{port};
        proxy_set_header Host $http_host;
        location /static/ {{
            alias {folder}/static/;
            gzip_static on;
            expires max;
            add_header Cache-Control "public, immutable";
            open_file_cache max=1000 inactive=1h;
            open_file_cache_valid 1h;
        }}
        location / {{ proxy_pass http://app; proxy_buffering on; proxy_read_timeout 30s; }}
    }}
}}
"""


class Server:
    """The production command in a child process, on a port of its own; with `proxy`, behind
    nginx as deploy/nginx.conf puts it (buffered clients; static files read by nginx from the
    collected folder, its workers at a higher priority than the app's when run as root)."""

    def __init__(self, page_cache, workers, folder, proxy, nice=0):
        self.processes = []
        self.sessions = {}  # {session id: "app" or "proxy"}: whose CPU time is whose
        app_port = _free_port()
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "RATELIMIT_ENABLE": "false",
            "PAGE_CACHE_SECONDS": "60" if page_cache else "0",
            "GUNICORN_BIND": f"127.0.0.1:{app_port}",
            "STATIC_ROOT": str(folder / "static"),
        }
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        app = self._start(
            ["nice", "-n", str(nice)] * bool(nice)
            + [str(gunicorn), "-c", "directory211/gunicorn.conf.py", "directory211.wsgi"],
            env,
            folder / "gunicorn.log",
        )
        self.sessions[app.pid] = "app"  # started in a session of its own
        self.priorities = []
        if nice and _session_priority(app, nice):
            self.priorities.append(f"app session {nice:+d}")
        self.url = f"http://127.0.0.1:{app_port}"
        self._wait()
        if proxy:
            port = _free_port()
            conf = folder / "nginx.conf"
            root = os.geteuid() == 0
            conf.write_text(
                NGINX_CONF.format(
                    user="user root;\n" if root else "",
                    # Only root may raise a priority (deploy/nginx.conf, docs/deploy.md).
                    priority=f"worker_priority {PROXY_PRIORITY};\n" if root else "",
                    folder=folder,
                    app_port=app_port,
                    port=port,
                )
            )
            nginx = self._start(
                ["nginx", "-c", str(conf), "-g", "daemon off;"], os.environ, folder / "nginx.log"
            )
            self.sessions[nginx.pid] = "proxy"
            if root and _session_priority(nginx, PROXY_PRIORITY):
                self.priorities.append(f"proxy session {PROXY_PRIORITY:+d}")
            self.url = f"http://127.0.0.1:{port}"
            self._wait()

    def _start(self, command, env, log):
        with open(log, "ab") as output:
            process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=output,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def _wait(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(f"{self.url}/healthz", timeout=2) == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise CommandError(f"{self.url} did not start (see the logs in the run's folder)")

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


class Command(BaseCommand):
    help = "Mesure le serveur de production sous charge (wrk) : pages seules, mélange, plafond."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="Mesurer ce serveur au lieu d'en lancer un.")
        parser.add_argument("--connections", type=int, default=64)
        parser.add_argument("--duration", type=int, default=60, help="Secondes du mélange.")
        parser.add_argument(
            "--kind-duration", type=int, default=15, help="Secondes de chaque page seule."
        )
        parser.add_argument("--workers", type=int, default=0, help="WEB_CONCURRENCY du serveur.")
        parser.add_argument(
            "--app-nice",
            type=int,
            default=APP_PRIORITY,
            help="Priorité (nice) du serveur d'application, sous celle du proxy (docs/deploy.md).",
        )
        parser.add_argument("--size", type=int, default=1500, help="Adresses par type de page.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--only", choices=["cold", "warm"], help="Une seule des deux passes.")
        parser.add_argument(
            "--no-proxy",
            action="store_true",
            help="Sans nginx devant le serveur (par défaut, nginx s'il est installé).",
        )

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk est introuvable : apt-get install wrk")
        self.options = options
        self.folder = Path(tempfile.mkdtemp(prefix="load-test-"))
        try:
            if not options["url"]:
                self._deploy()
            # After the catalogues are compiled: English addresses have English path words.
            mix = build_mix(options["seed"], options["size"])
            self.files = {}
            for name, paths in mix.items():
                self.files[name] = self.folder / f"{name}.txt"
                self.files[name].write_text("\n".join(paths) + "\n")
            engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
            cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
            counts = ", ".join(f"{name} {len(paths)}" for name, paths in mix.items())
            self.stdout.write(
                f"Mix: {sum(len(paths) for paths in mix.values())} distinct addresses "
                f"({counts}); {options['connections']} connections; database {engine}; "
                f"cache {cache}"
            )
            self.stdout.write(machine.reference().line())
            for cache in ("cold", "warm"):
                if options["only"] in (None, cache):
                    self._pass(cache, mix)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _deploy(self):
        """What `manage.py deploy` does for the server, into this run's folder: the catalogues
        compiled and the static files collected under their hashed names."""
        compile_catalogues()
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "STATIC_ROOT": str(self.folder / "static")},
            check=True,
        )

    # One pass: a server, then every step against it.
    def _pass(self, cache, mix):
        if self.options["url"]:
            base, server, proxy = self.options["url"].rstrip("/"), None, False
        else:
            proxy = not self.options["no_proxy"] and shutil.which("nginx") is not None
            server = Server(
                cache == "warm",
                self.options["workers"],
                self.folder,
                proxy,
                self.options["app_nice"],
            )
            base = server.url
        try:
            stylesheet = self._stylesheet(base, mix["home"][0])
            self.files["static"] = self.folder / "static.txt"
            self.files["static"].write_text(stylesheet + "\n")
            self.files["bare"] = self.folder / "bare.txt"
            self.files["bare"].write_text("/healthz\n")
            where = "gunicorn behind nginx" if proxy else "gunicorn"
            if server and server.priorities:
                where += "; " + ", ".join(server.priorities)
            self.stdout.write(f"\n## Page cache {cache} ({where})\n")
            warm = cache == "warm"
            self.sessions = server.sessions if server else {}
            single = self._single(base, mix)
            rows = self._alone(base, single, mix, warm)
            rows += self._mix(base, single, warm)
            self._print(rows)
        finally:
            if server:
                server.stop()

    def _stylesheet(self, base, home):
        with urllib.request.urlopen(base + home, timeout=30) as response:  # noqa: S310
            page = response.read().decode()
        start = page.index('rel="stylesheet" href="') + len('rel="stylesheet" href="')
        return page[start : page.index('"', start)]

    def _warm(self, base, paths):
        """Addresses of `paths` asked once each, for WARM_SECONDS at most: those asked, kept by
        the page cache for its minute and out of its refresh window (its last 10 s) for the
        step that follows (on a busy machine, 500 service pages took up to 100 s to render,
        and the first ones were rendered again during the step)."""
        started = time.monotonic()
        asked = []

        def ask(path):
            if time.monotonic() - started > WARM_SECONDS:
                return None
            status = _safe_get(base + path)
            asked.append(path)
            return status

        with ThreadPoolExecutor(8) as pool:
            statuses = [s for s in pool.map(ask, paths) if s is not None]
        self.stdout.write(
            f"Warmed {len(asked)} of {len(paths)} addresses in {time.monotonic() - started:.0f} s "
            f"({sum(1 for s in statuses if s != 200)} not 200)"
        )
        return asked or paths[:1]

    @staticmethod
    def _drain(base):
        """Wait until the server has answered whatever earlier steps left queued (the bare view
        answered within IDLE_SECONDS twice in a row: it queues behind them), so that each step
        measures its own requests. Returns the seconds waited."""
        started = now = time.monotonic()
        idle = 0
        while idle < 2 and now - started < DRAIN_SECONDS:
            asked = now
            _safe_get(f"{base}/healthz")
            now = time.monotonic()
            idle = idle + 1 if now - asked < IDLE_SECONDS else 0
        return now - started

    def _single(self, base, mix):
        """Median time of one request at a time, per kind: 30 requests over its addresses (a
        kind with few, such as the home page, repeats them), after one unmeasured request that
        fills what a process keeps (reference data, the home page's counts)."""
        single = {}
        for name in [kind.name for kind in KINDS] + ["bare", "static"]:
            paths = mix.get(name) or self.files[name].read_text().split()
            sample = [paths[(n * 7) % len(paths)] for n in range(31)]
            _safe_get(base + sample.pop())
            times = []
            for path in sample:
                started = time.perf_counter()
                _safe_get(base + path)
                times.append((time.perf_counter() - started) * 1000)
            single[name] = statistics.median(times)
        return single

    def _wrk(self, base, name, connections, duration):
        command = [
            "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
            "-s", str(LUA), base, "--", str(self.files[name]), str(self.options["seed"]),
        ]  # fmt: skip
        return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)

    @staticmethod
    def _result(process):
        output = process.communicate()[0]
        return json.loads(output.strip().splitlines()[-1])

    def _alone(self, base, single, mix, warm):
        """Each kind alone at full connections, over ALONE_ADDRESSES of its addresses (warm:
        each asked once right before, within the page cache's minute)."""
        connections, duration = self.options["connections"], self.options["kind_duration"]
        rows = []
        steps = [("bare", connections), ("static", connections), ("static", STATIC_CONNECTIONS)]
        steps += [(kind.name, connections) for kind in KINDS]
        for name, count in steps:
            alone = name
            if name in mix:
                alone = f"{name}-alone"
                paths = random.Random(self.options["seed"]).sample(
                    mix[name], min(ALONE_ADDRESSES, len(mix[name]))
                )
                if warm:
                    paths = self._warm(base, paths)
                self.files[alone] = self.folder / f"{alone}.txt"
                self.files[alone].write_text("\n".join(paths) + "\n")
            self._drain(base)
            before = cpu.snapshot(self.sessions)
            figures = self._result(self._wrk(base, alone, count, duration))
            figures["cpu"] = cpu.per_request(
                before, cpu.snapshot(self.sessions), figures["requests"]
            )
            rows.append(("alone", name, count, single.get(name), figures))
        return rows

    def _mix(self, base, single, warm):
        """Every kind at once, connections shared by weight, the stylesheet beside them
        (warm: after an unmeasured run of the same length, the cache's steady state)."""
        total, duration = self.options["connections"], self.options["duration"]
        processes = [(kind.name, max(1, round(total * kind.connections))) for kind in KINDS] + [
            ("static", STATIC_CONNECTIONS)
        ]
        for _ in range(2 if warm else 1):
            self._drain(base)
            running = [
                (name, count, self._wrk(base, name, count, duration)) for name, count in processes
            ]
            rows = [
                ("mix", name, count, single.get(name), self._result(process))
                for name, count, process in running
            ]
        return rows

    def _print(self, rows):
        out = self.stdout.write
        cores = os.cpu_count() or 1
        out(
            "| step | page | connections | single ms | req/s | p50 ms | p99 ms "
            "| CPU ms a request: app / database / proxy | errors |"
        )
        out("|---|---|---|---|---|---|---|---|---|")
        for step, name, connections, one, figures in rows:
            seconds = figures["duration_us"] / 1e6
            kinds = ("connect", "read", "write", "status", "timeout")
            errors = sum(figures[key] for key in kinds)
            if errors:  # which ones: "status" is an answer other than 2xx/3xx
                detail = ", ".join(f"{key} {figures[key]}" for key in kinds if figures[key])
                errors = f"{errors} ({detail})"
            out(
                f"| {step} | {name} | {connections} | "
                f"{'' if one is None else f'{one:.1f}'} | {figures['requests'] / seconds:.1f} | "
                f"{figures['p50_us'] / 1000:.1f} | {figures['p99_us'] / 1000:.1f} | "
                f"{_cpu_cell(figures.get('cpu'))} | {errors} |"
            )
        rate = {(s, n, c): f["requests"] / (f["duration_us"] / 1e6) for s, n, c, _, f in rows}
        bare = rate[("alone", "bare", self.options["connections"])]
        out(f"\nBare view: {bare:.0f} req/s. Cores: {cores}.")
        for kind in KINDS:
            alone = rate[("alone", kind.name, self.options["connections"])]
            _, _, _, one, figures = next(r for r in rows if r[:2] == ("alone", kind.name))
            fair = 0.8 * cores / (one / 1000)
            used = sum(figures.get("cpu", {}).values())
            out(
                f"- {kind.name}: alone {alone:.0f} req/s = {alone / bare:.2f} × bare view; "
                f"0.8 × cores / single time = {fair:.0f} req/s ({alone / fair:.2f} of it)"
                + (f"; {used:.1f} ms of CPU a request" if used else "")
            )
        static_alone = rate[("alone", "static", STATIC_CONNECTIONS)]
        static_mix = rate[("mix", "static", STATIC_CONNECTIONS)]
        out(
            f"- stylesheet at {STATIC_CONNECTIONS} connections: alone {static_alone:.0f} req/s, "
            f"beside the mix {static_mix:.0f} req/s ({static_mix / static_alone:.2f} of it)"
        )


def _cpu_cell(costs):
    """'app / database / proxy' CPU milliseconds a request, '-' for a family not measured."""
    if not costs:
        return ""
    return " / ".join(
        f"{costs[name]:.1f}" if name in costs else "-" for name in ("app", "database", "proxy")
    )


def _safe_get(url):
    try:
        return _get(url)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0
