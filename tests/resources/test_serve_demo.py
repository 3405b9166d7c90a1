"""`manage.py serve_demo`, the README's first command: from an empty database to a site that
answers in both languages, and again on the same database."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from resources.demo import read_documents
from tests.conftest import child_environment


def test_serve_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("serve_demo")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _serve_and_fetch(database_url, paths):
    port = _free_port()
    environment = {**child_environment(), "DEBUG": "true", "DATABASE_URL": database_url}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve_demo", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while server.poll() is None and time.monotonic() < deadline:
            try:
                return {path: _status(f"http://127.0.0.1:{port}{path}") for path in paths}
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.5)
        server.terminate()
        pytest.fail(f"serve_demo did not answer:\n{server.communicate(timeout=10)[0]}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_demo_migrates_loads_the_demo_and_serves_both_languages_twice(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    _, first_document = read_documents()[0]
    demo_organization = first_document["organizations"][0]["slug"]
    paths = [
        "/fr/",
        "/en/",
        f"/fr/organismes/{demo_organization}/",  # 404 unless the demo data was loaded
        "/fr/recherche/?q=banque+alimentaire",
        "/static/css/site.css",
    ]
    expected = dict.fromkeys(paths, 200)
    assert _serve_and_fetch(database_url, paths) == expected
    # Started again on the same database (the usual second day): still fine.
    assert _serve_and_fetch(database_url, paths) == expected
