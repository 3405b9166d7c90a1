"""The README's production path, run as an operator would: `manage.py deploy --migrate` into a
fresh static folder and database, then `gunicorn -c directory211/gunicorn.conf.py
directory211.wsgi` on a free port, with DEBUG off. Requests carry `X-Forwarded-Proto: https`, as
the reverse proxy in front of it would."""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.conftest import child_environment

QUERY = "q=food&lat=45.7412&lon=-73.4519"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _fetch(url, method="GET"):
    """(status, headers, body) of a request through the (imagined) HTTPS proxy."""
    request = urllib.request.Request(url, method=method, headers={"X-Forwarded-Proto": "https"})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _run(command, environment, timeout=120):
    """`manage.py command`, which must succeed; returns its standard output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _gunicorn():
    script = Path(sys.executable).with_name("gunicorn")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """A deployed checkout's environment: `deploy --migrate` into a fresh static folder and
    SQLite database, with the demo directory loaded."""
    folder = tmp_path_factory.mktemp("production")
    environment = {
        **child_environment(),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Always a throwaway SQLite database, whatever the suite runs on.
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    _run(["deploy", "--migrate", "--verbosity", "0"], environment)
    _run(["load_demo_data", "--verbosity", "0"], environment)
    return environment


def _start(deployed, **variables):
    """The production command on a free port with `variables` added to the deployed
    environment, once it answers /healthz: (base URL, the server process; its standard
    output and error piped)."""
    port = _free_port()
    environment = {**deployed, "GUNICORN_BIND": f"127.0.0.1:{port}", **variables}
    server = subprocess.Popen(
        [*_gunicorn(), "-c", "directory211/gunicorn.conf.py", "directory211.wsgi"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if _fetch(f"{base}/healthz")[0] == 200:
                return base, server
        except (ConnectionError, urllib.error.URLError):
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("gunicorn did not answer:\n" + "".join(server.communicate()))
        time.sleep(0.2)


@pytest.fixture(scope="module")
def production(deployed):
    """The deployed checkout served by gunicorn: yields (base URL, the server process)."""
    base, server = _start(deployed)
    try:
        yield base, server
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()


@pytest.fixture(scope="module")
def served(production):
    """The pages and log of one visit: the English results page with a position, its
    stylesheet, a health check; then the server stopped and its standard output read."""
    base, server = production
    page = _fetch(f"{base}/en/search/?{QUERY}")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page[2].decode())
    css = _fetch(base + stylesheet[1]) if stylesheet else None
    health = _fetch(f"{base}/healthz")
    missing = _fetch(f"{base}/en/no-such-page/?{QUERY}")
    sitemap = _fetch(f"{base}/sitemap.xml")
    heads = {}
    # One page of each kind the sitemap lists (home, sectors, services, organizations...), in
    # both languages, plus the other public GET pages (results, my list, API, robots, health).
    kinds = {}
    for path in re.findall(r"<loc>https?://[^/<]+(/[^<]*)</loc>", sitemap[2].decode()):
        kinds.setdefault(tuple(path.split("/")[:3]), path)
    others = ["/fr/recherche/?q=aide", "/en/my-list/", "/robots.txt", "/sitemap.xml", "/api/"]
    others += ["/api/services", "/readyz"]
    for path in [*kinds.values(), *others]:
        heads[path] = (_fetch(base + path, "HEAD"), _fetch(base + path))
    server.send_signal(signal.SIGTERM)
    stdout, stderr = server.communicate(timeout=30)
    return {
        "page": page,
        "css": css,
        "health": health,
        "missing": missing,
        "heads": heads,
        "stdout": stdout,
        "stderr": stderr,
    }


def test_english_results_page_in_english(served):
    status, headers, body = served["page"]
    html = body.decode()
    assert status == 200
    assert '<html lang="en"' in html
    # From the compiled catalogue: without it the page would say "Résultats de recherche".
    assert "Search results" in html and "Résultats de recherche" not in html
    assert headers["Strict-Transport-Security"]


def test_hashed_stylesheet_cached_forever(served):
    assert served["css"], "no hashed stylesheet link on the page"
    status, headers, body = served["css"]
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    max_age = int(re.search(r"max-age=(\d+)", headers["Cache-Control"])[1])
    assert max_age >= 365 * 24 * 3600 and "immutable" in headers["Cache-Control"]
    assert b"{" in body


def test_health_check_answers(served):
    status, _, body = served["health"]
    assert status == 200 and json.loads(body) == {"status": "ok"}


def test_public_pages_answer_head_as_get(served):
    assert len(served["heads"]) > 10
    for path, ((head_status, _, head_body), (get_status, _, _)) in served["heads"].items():
        assert head_status == get_status == 200, path
        assert head_body == b"", path


def test_access_log_is_json_without_query_string_or_address(served):
    lines = [json.loads(line) for line in served["stdout"].splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    search = next(line for line in access if line["path"] == "/en/search/")
    assert search["method"] == "GET" and search["status"] == 200
    assert search["size"] > 0 and search["duration_ms"] > 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", search["time"])
    assert all("?" not in line["path"] and "?" not in line["message"] for line in access)
    heads = [line for line in access if line["method"] == "HEAD"]
    assert len(heads) == len(served["heads"])
    # Neither the visitor's position nor words, nor their address, anywhere in the output.
    everything = served["stdout"] + served["stderr"]
    assert "45.74" not in everything and "lat=" not in everything and "q=food" not in everything
    assert "127.0.0.1" not in served["stdout"]
    # Django's own log: the 404's warning, a JSON line on stdout too.
    assert served["missing"][0] == 404
    warning = next(line for line in lines if line["logger"] == "django.request")
    assert warning["level"] == "WARNING" and "/en/no-such-page/" in warning["message"]
    # gunicorn's own messages are JSON lines too.
    assert all(json.loads(line) for line in served["stderr"].splitlines() if line.strip())


def test_deploy_fails_on_check_deploy_warnings_before_writing_anything(tmp_path, settings):
    # The development SECRET_KEY: security.W009.
    settings.SECRET_KEY = "django-insecure-local-development-only"
    settings.STATIC_ROOT = tmp_path / "static"
    with pytest.raises(CommandError, match="W009"):
        call_command("deploy", verbosity=0)
    assert not (tmp_path / "static").exists()


@pytest.mark.skipif(
    not shutil.which("wrk") and not os.environ.get("CI"), reason="wrk is not installed"
)
def test_the_load_test_command_measures_the_production_server(deployed):
    """`manage.py load_test`, briefly: it starts the production server (behind nginx when
    installed), runs every step of both passes and prints their figures, without an error."""
    out = _run(
        ["load_test", "--connections", "4", "--duration", "2", "--kind-duration", "2"]
        + ["--size", "40"],
        deployed,
        timeout=240,
    )
    assert re.search(r"Mix: \d+ distinct addresses", out)
    assert "## Page cache cold" in out and "## Page cache warm" in out
    rows = re.findall(
        r"^\| (alone|mix) \| (\w+) \| \d+ \| [\d.]* \| ([\d.]+) \| .* \| (\d+) \|$", out, re.M
    )
    kinds = {"home", "results", "sector", "municipality", "service", "api"}
    assert {name for step, name, _, _ in rows if step == "mix"} == kinds | {"static"}
    assert {name for step, name, _, _ in rows if step == "alone"} == kinds | {"bare", "static"}
    # Every kind alone served requests, the mix too, and no request failed. (In the 2 s mix a
    # kind has one connection: a page slower than that under the suite's other worker may
    # finish no request in it, which is not a failure.)
    assert all(float(rate) > 0 for step, _, rate, _ in rows if step == "alone"), out
    assert sum(float(rate) for step, name, rate, _ in rows if step == "mix" and name != "static")
    assert all(float(rate) > 0 for step, name, rate, _ in rows if name == "static"), out
    assert all(errors == "0" for *_, errors in rows), out
    assert "Bare view:" in out
    if Path("/proc/self/stat").exists():
        # What a request of each kind alone costs the app servers, the database and the proxy
        # (search/bench/cpu.py): the app's processes are read.
        costs = re.findall(
            r"^\| alone \| results \| .* \| ([\d.]+) / [\d.]+ / [\d.-]+ \|", out, re.M
        )
        assert costs and float(costs[0]) > 0, out
    if os.geteuid() == 0 and Path("/proc/self/autogroup").exists() and shutil.which("nginx"):
        # The app below the proxy, as deployed: each session given its priority (docs/deploy.md,
        # "Priorities between sessions"), where the kernel groups sessions and root may raise
        # a priority.
        assert "## Page cache cold (gunicorn behind nginx; app session +4, proxy session -5)" in out


def test_workers_forked_from_the_loaded_app_replace_each_other_and_keep_answering(deployed):
    """The app is loaded once in the master (preload_app) and each worker forked from it: with
    a worker replaced every three requests, database pages keep answering (no connection is
    shared between processes) and the master process itself holds the app."""
    base, server = _start(deployed, GUNICORN_MAX_REQUESTS="3")
    try:
        maps = Path(f"/proc/{server.pid}/maps")
        # The master itself holds the app: its database driver's module is loaded there.
        master_modules = maps.read_text() if maps.exists() else None
        answers, deadline = [], time.monotonic() + 60
        for _ in range(12):
            while True:  # a request refused while the old worker leaves is asked again
                try:
                    answers.append(_fetch(f"{base}/en/search/?{QUERY}"))
                    break
                except (ConnectionError, urllib.error.URLError):
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        stderr = server.communicate(timeout=30)[1]
    assert [status for status, *_ in answers] == [200] * 12
    assert all(b"Food" in body or b"food" in body for *_, body in answers)
    assert stderr.count("Booting worker") >= 4, stderr
    assert "Autorestarting worker" in stderr
    if master_modules is not None:
        assert "_sqlite3" in master_modules


def test_every_public_template_is_compiled_before_the_first_request():
    """directory211/warm.py compiles each public template (a syntax error shows here, not on a
    visitor's page) and loads both languages' URL patterns, without a database."""
    from directory211 import warm

    names = warm.public_templates()
    assert "search/results.html" in names and "resources/service_detail.html" in names
    assert not any(name.startswith("admin/") for name in names)
    assert warm.warm_up() == len(names)
