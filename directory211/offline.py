"""Offline on a phone (progressive enhancement; every page works without it).

- `manifest`: a web app manifest per language (`/fr/manifest.webmanifest`,
  `/en/manifest.webmanifest`), linked from templates/base.html.
- `service_worker`: our own small worker at `/sw.js` (templates/offline/sw.js; scope `/`), which
  static/js/near-exit.js registers where the browser supports it. It keeps the pages a person
  viewed (network first, the kept copy when offline; at most `MAX_PAGES`), and shows the offline
  page for a page never viewed. It never keeps a page marked by resources.safety (the violence
  sectors' pages), the admin, the API, or anything but a successful GET of this site.
- `offline_page`: that page, in both languages, rendered like the error pages (no database, no
  context processor).
See docs/public-pages.md, "Offline".
"""

import functools
import hashlib
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from resources.my_list import MAX_SERVICES
from resources.safety import NOT_KEPT, OFFLINE_CACHE_HEADER

# The pages kept offline, the most recent first; as many as a list holds services.
MAX_PAGES = MAX_SERVICES
THEME_COLOR = "#0a3a66"  # static/css/site.css, --brand (the header band)
BACKGROUND_COLOR = "#ffffff"
# Never answered by the worker (the browser goes to the network as if it were not there).
NEVER_KEPT = ["/api/", "/i18n/", "/healthz", "/readyz", "/sitemap.xml", "/robots.txt"]
# Kept when the worker installs, beside the offline pages: what they need to look right.
PRECACHED_STATIC = ["css/site.css", "js/near-exit.js", "js/my-list.js", "img/favicon.svg"]


def _languages():
    return [code for code, _name in settings.LANGUAGES]


def _in_each_language(name):
    urls = {}
    for code in _languages():
        with translation.override(code):
            urls[code] = reverse(name)
    return urls


@require_safe
def offline_page(request):
    return HttpResponse(loader.get_template("offline/offline.html").render({}))


@require_safe
def manifest(request):
    icons = [
        {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("img/icon-maskable.svg"),
            "sizes": "any",
            "type": "image/svg+xml",
            "purpose": "maskable",
        },
        {
            "src": static("img/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    data = {
        "id": "/",
        "name": gettext("Répertoire 211 — MRC de L'Assomption"),
        "short_name": gettext("Répertoire 211"),
        "description": gettext(
            "Répertoire des ressources communautaires, publiques et parapubliques de la MRC de "
            "L'Assomption."
        ),
        "lang": translation.get_language(),
        "dir": "ltr",
        "start_url": reverse("resources:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": icons,
    }
    return JsonResponse(
        data,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


def worker_config():
    """What the worker needs to know of this site (its addresses come from the URL conf)."""
    offline = _in_each_language("offline")
    return {
        "offline": offline,
        "lists": list(_in_each_language("resources:my-list").values()),
        "precache": [*offline.values(), *(static(path) for path in PRECACHED_STATIC)],
        "staticPrefix": settings.STATIC_URL,
        "never": ["/" + settings.ADMIN_URL, *NEVER_KEPT, reverse("service-worker")],
        "header": OFFLINE_CACHE_HEADER,
        "notKept": NOT_KEPT,
        "maxPages": MAX_PAGES,
        # A page whose address holds a position is never kept (resources/positions.py).
        "positionParams": ["lat", "lon"],
    }


@functools.lru_cache(maxsize=8)
def _version(config):
    """Changes when the worker, its settings (`config`, as JSON) or the offline pages change, so
    that the browser installs the new worker, which keeps the new offline pages. Computed once
    per process and configuration: the browser asks for the worker on every visit, and the
    templates change only with a deployment."""
    digest = hashlib.sha256(config.encode())
    digest.update(loader.get_template("offline/sw.js").template.source.encode())
    for code in _languages():
        with translation.override(code):
            digest.update(loader.get_template("offline/offline.html").render({}).encode())
    return digest.hexdigest()[:12]


@require_safe
def service_worker(request):
    config = worker_config()
    config["version"] = _version(json.dumps(config, sort_keys=True))
    body = loader.get_template("offline/sw.js").render({"config": json.dumps(config)})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on each visit; never a stale copy from a cache.
    response["Cache-Control"] = "no-cache, max-age=0"
    response["Service-Worker-Allowed"] = "/"
    return response
