"""Timing whole public pages as a server answers them (the `bench_pages` command).

Each page is asked through Django's WSGI handler with an environ as a WSGI server builds it (no
network, no test client): every middleware, the page cache when it is on, the view, the
template, the 2-1-1 banner and the compression. What is measured per request: the wall-clock
time, the process's CPU time (the Python side: PostgreSQL runs in its own processes), the
queries and their time, and the time spent rendering the template and, within it, the listing's
result cards.

The requests come over HTTPS (as behind the production proxy: otherwise SECURE_SSL_REDIRECT
answers a redirect), accept gzip as browsers do, and each from its own client address so that
the rate limits count every request, as in production, without refusing any.
"""

import io
import ipaddress
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.template.backends import django as django_backend
from django.urls import reverse
from django.utils import translation

from resources import card_html, my_list
from resources.models import Municipality, Sector, Service

from .timing import REPENTIGNY


@dataclass(frozen=True)
class Page:
    name: str
    language: str
    view: str  # URL name
    slug: str = ""  # the reference (Refs attribute) the URL takes, if any
    query: str = ""
    listing: bool = False  # shows result cards


PAGES = [
    Page("home", "fr", "resources:home"),
    Page("results, text", "fr", "search:results", query="q=aide alimentaire", listing=True),
    Page(
        "results, text + position",
        "fr",
        "search:results",
        query=f"q=dépannage&{REPENTIGNY}",
        listing=True,
    ),
    Page(
        "results, sector + municipality",
        "fr",
        "search:results",
        query="sector={sector}&municipality={municipality}",
        listing=True,
    ),
    Page("results, English", "en", "search:results", query="q=food bank", listing=True),
    Page("sector", "fr", "resources:sector-detail", slug="sector", listing=True),
    Page("municipality", "fr", "resources:municipality-detail", slug="municipality", listing=True),
    Page("organization", "fr", "resources:organization-detail", slug="organization"),
    Page("service", "fr", "resources:service-detail", slug="service"),
    Page("my list (5 services)", "fr", "resources:my-list", query="ids={listed}"),
    Page("API search", "fr", "api:services", query="search=aide alimentaire"),
]


LISTED = 5  # services on the "Ma liste" page timed


@dataclass
class Refs:
    """The records the pages name: the benchmark's usual ones when they exist."""

    sector: str
    municipality: str
    service: str
    organization: str
    listed: str  # "Ma liste": the uuids of five services, as its address carries them


def references():
    sector = Sector.objects.filter(slug="food").first() or Sector.objects.order_by("pk").first()
    place = (
        Municipality.objects.filter(slug="repentigny").first()
        or Municipality.objects.order_by("pk").first()
    )
    # A service from the middle of the directory, and its organization.
    services = Service.objects.active().order_by("pk")
    count = services.count()
    service = services.select_related("organization")[count // 2] if count else None
    listed = services.values_list("uuid", flat=True)[count // 2 : count // 2 + LISTED]
    return Refs(
        sector=sector.slug if sector else "",
        municipality=place.slug if place else "",
        service=service.slug if service else "",
        organization=service.organization.slug if service else "",
        listed=my_list.SEPARATOR.join(str(uuid) for uuid in listed),
    )


def address(page, refs):
    """(path, query string) of `page`."""
    with translation.override(page.language):
        args = [getattr(refs, page.slug)] if page.slug else []
        path = reverse(page.view, args=args)
    query = page.query.format(**vars(refs))
    return path, query


class Meter:
    """Counts queries and their time, the template's rendering time and the cards' share of it,
    for the request under way. The rendering is timed in CPU time of the thread (what it costs,
    whatever else the machine runs meanwhile); the queries in wall-clock time (they wait for
    PostgreSQL)."""

    def __init__(self):
        self.reset()
        self._depth = 0

    def reset(self):
        self.queries, self.sql, self.template, self.cards = 0, 0.0, 0.0, 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.sql += time.perf_counter() - start

    def installed(self):
        """A context manager that times every template rendering and card while it is open."""
        return _Patched(self)


class _Patched:
    def __init__(self, meter):
        self.meter = meter

    def __enter__(self):
        meter = self.meter
        self.render = render = django_backend.Template.render
        self.render_cards = render_cards = card_html.render_cards

        def timed_render(template, context=None, request=None):
            meter._depth += 1
            start = time.thread_time()
            try:
                return render(template, context, request)
            finally:
                meter._depth -= 1
                if meter._depth == 0:  # the page's template, not its includes
                    meter.template += time.thread_time() - start

        def timed_card(*args, **kwargs):
            start = time.thread_time()
            try:
                return render_cards(*args, **kwargs)
            finally:
                meter.cards += time.thread_time() - start

        django_backend.Template.render = timed_render
        card_html.render_cards = timed_card
        self.wrapper = connection.execute_wrapper(meter)
        self.wrapper.__enter__()
        return meter

    def __exit__(self, *exc):
        self.wrapper.__exit__(*exc)
        django_backend.Template.render = self.render
        card_html.render_cards = self.render_cards


def _host():
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".") or "127.0.0.1"
    return "127.0.0.1"


class Client:
    """GET requests through the WSGI handler, each from its own address."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.host = _host()
        self.sent = 0

    def get(self, path, query, language, encoded=False):
        """(status, body) of GET `path`?`query`; `encoded`: the query is already URL-encoded
        (an address as a browser sends it), else its values are encoded here."""
        self.sent += 1
        environ = {
            "REQUEST_METHOD": "GET",
            # WSGI carries the path as bytes in a latin-1 str.
            "PATH_INFO": path.encode().decode("latin-1"),
            "QUERY_STRING": query if encoded else _quoted(query),
            "SCRIPT_NAME": "",
            "SERVER_NAME": self.host,
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": self.host,
            "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
            "HTTP_ACCEPT_LANGUAGE": language,
            "HTTP_USER_AGENT": "bench_pages",
            "REMOTE_ADDR": str(ipaddress.IPv4Address(0x0A000000 + self.sent % 0x1000000)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = []
        answer = self.handler(environ, lambda line, headers, exc_info=None: status.append(line))
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        return int(status[0].split()[0]), body


def _quoted(query):
    return "&".join(
        "=".join(quote(part, safe="") for part in pair.split("=", 1))
        for pair in query.split("&")
        if pair
    )


@dataclass
class Timed:
    """One page's measurements, one value per request (milliseconds)."""

    name: str
    path: str
    status: int = 0
    size: int = 0
    wall: list = field(default_factory=list)
    cpu: list = field(default_factory=list)
    sql: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    template: list = field(default_factory=list)
    cards: list = field(default_factory=list)


def time_pages(runs, pages=PAGES, refs=None, warm_up=2):
    """[Timed] of `pages`, each asked `warm_up` times and then `runs` times."""
    refs = refs or references()
    client, meter, rows = Client(), Meter(), []
    with meter.installed():
        for page in pages:
            path, query = address(page, refs)
            shown = f"{path}?{query}" if query else path
            row = Timed(page.name, shown)
            for _ in range(warm_up):
                client.get(path, query, page.language)
            for _ in range(runs):
                meter.reset()
                start, cpu = time.perf_counter(), time.process_time()
                row.status, body = client.get(path, query, page.language)
                row.wall.append((time.perf_counter() - start) * 1000)
                row.cpu.append((time.process_time() - cpu) * 1000)
                row.sql.append(meter.sql * 1000)
                row.queries.append(meter.queries)
                row.template.append(meter.template * 1000)
                row.cards.append(meter.cards * 1000)
                row.size = len(body)
            rows.append(row)
    return rows


@dataclass
class Asked:
    """One address asked once (milliseconds)."""

    address: str
    status: int
    wall: float
    sql: float
    queries: int


def time_addresses(addresses, warm=True):
    """[Asked] of each of `addresses` (paths with their URL-encoded query, as the load test's
    mix holds them) asked once, in order. `warm`: after an unmeasured pass over all of them,
    which fills PostgreSQL's buffers with their rows' pages and what a process keeps (the
    reference data, the catalogues), so that each figure is the address's own cost, not its
    being first; else after one unmeasured request. A page in English is asked in English."""
    client, meter, found = Client(), Meter(), []

    def ask(address):
        path, _, query = address.partition("?")
        language = "en" if path.startswith("/en/") else "fr"
        return client.get(path, query, language, encoded=True)

    with meter.installed():
        for address in addresses if warm else addresses[:1]:
            ask(address)
        for address in addresses:
            meter.reset()
            start = time.perf_counter()
            status, _body = ask(address)
            wall = (time.perf_counter() - start) * 1000
            found.append(Asked(address, status, wall, meter.sql * 1000, meter.queries))
    return found
