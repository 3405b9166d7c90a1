"""Settings for the Répertoire 211, driven by environment variables (django-environ).

Environments differ by variables, never by files: see `.env.example` and the README's table.
"""

import datetime
from importlib.util import find_spec
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# 1. Django core --------------------------------------------------------------------------------

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# redis:// (rediss://, rediscache://) is Django's own Redis backend, even where django-redis is
# installed (django-environ would prefer it): `CACHE_URL=redis://127.0.0.1:6379/1`.
CACHE_URL = env.str("CACHE_URL", default="locmemcache://")
CACHES = {
    "default": env.cache_url_config(
        CACHE_URL,
        backend="django.core.cache.backends.redis.RedisCache"
        if CACHE_URL.startswith(("redis", "valkey"))
        else None,
    )
}

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Request size limits (docs/security.md): a body above DATA_UPLOAD_MAX_MEMORY_SIZE bytes or more
# than DATA_UPLOAD_MAX_NUMBER_FIELDS fields (query string or form) is refused with a 400. The
# largest form staff post (a service's change page, every text at its limit) fits in the default.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (docs/deploy.md): no server-side cursors, and no startup
# options (it refuses them): the two below are then set on the role (ALTER ROLE ... SET).
DATABASE_TRANSACTION_POOLING = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_TRANSACTION_POOLING
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # A database that is down, closed or hung must not hold a page: every page answers within
    # 3 s with the outage page (docs/outage-and-backups.md). Client-side, as a frozen server
    # answers nothing: libpq's connect timeout (seconds, 2 at least), TCP keepalives on idle
    # connections and tcp_user_timeout (ms) for unacknowledged data; their values in
    # DATABASE_URL's query string win. The server ends a runaway query at statement_timeout
    # (none for manage.py's commands, whose migrations and imports may run long: manage.py).
    options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2))
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 10)
    options.setdefault("keepalives_interval", 2)
    options.setdefault("keepalives_count", 3)
    options.setdefault("tcp_user_timeout", 2000)
    statement_timeout = env.float("DATABASE_STATEMENT_TIMEOUT", default=10)
    if not DATABASE_TRANSACTION_POOLING:
        # No JIT compilation and no parallel workers: on this site's short queries they cost
        # more than they save, and parallel plans do not hold up under load on 2 cores (docs/
        # engineering-notes.md). Options given in DATABASE_URL come first. Behind PgBouncer
        # these are set on the role instead (docs/deploy.md).
        options["options"] = " ".join(
            filter(
                None,
                [
                    "-c jit=off -c max_parallel_workers_per_gather=0",
                    f"-c statement_timeout={int(statement_timeout * 1000)}",
                    options.get("options"),
                ],
            )
        )
    # Django's backend plus a deadline on every wait for an answer (directory211/postgresql/):
    # a frozen server process still acknowledges TCP, so only the client's clock can tell.
    # HEALTH_CHECK_WAIT bounds the check a kept connection (CONN_MAX_AGE) gets per request.
    DATABASES["default"]["ENGINE"] = "directory211.postgresql"
    DATABASES["default"]["QUERY_WAIT"] = statement_timeout + 2 if statement_timeout > 0 else None
    DATABASES["default"]["HEALTH_CHECK_WAIT"] = env.float(
        "DATABASE_HEALTH_CHECK_TIMEOUT", default=0.5
    )


def replica_database(url):
    """A read replica (docs/deploy.md): its address, credentials and own options from its URL;
    everything else, the options above included, is the primary's (same engine expected)."""
    primary, own = DATABASES["default"], env.db_url_config(url)
    primary_options, own_options = primary.get("OPTIONS", {}), own.pop("OPTIONS", {})
    options = {**primary_options, **own_options}
    startup = list(filter(None, [primary_options.get("options"), own_options.get("options")]))
    if startup:
        options["options"] = " ".join(startup)
    return {**primary, **own, "ENGINE": primary["ENGINE"], "OPTIONS": options}


# Public reads go to the replicas, aliases replica1, replica2... (directory211/db_router.py).
for number, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    DATABASES[f"replica{number}"] = replica_database(url)
DATABASE_ROUTERS = ["directory211.db_router.PrimaryReplicaRouter"] if len(DATABASES) > 1 else []

DEBUG = env.bool("DEBUG", default=False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "simple_history",
    "csp",
    # Failed sign-ins counted per account and address, lockout and its reset (docs/staff.md).
    "axes",
    # The three apps, each importing only from those above it here: listings, search, open data.
    "resources",
    "search",
    "opendata",
]

LANGUAGE_CODE = "fr"

LANGUAGES = [("fr", _("Français")), ("en", _("English"))]

LOCALE_PATHS = [BASE_DIR / "locale"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (docs/security.md).
    "directory211.security.ContentSecurityPolicyMiddleware",
    "directory211.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed for slow phone connections; Django masks CSRF tokens per response,
    # which is its mitigation of BREACH (docs: "GZip middleware").
    "django.middleware.gzip.GZipMiddleware",
    # Counts each search, also one served by the page cache below (search/unmet_needs.py).
    "search.unmet_needs.SearchCountMiddleware",
    # Whole public pages for anonymous visitors, before the session and the rest are read.
    "directory211.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this request's reads may go to a read replica (none unless configured).
    "directory211.db_router.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The query string's size, and per-client rate limits on search, the API and every POST
    # (after the locale, before the view: it answers 400 and 429 in the visitor's language).
    "directory211.security.RequestLimitsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database outage in a view or its template answers the 503 outage page (outage.py).
    "directory211.outage.OutageMiddleware",
    # Answers a locked-out sign-in with its page (django-axes; docs/staff.md).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "directory211.urls"

# The default is only good for a local machine: `check --deploy` flags it (security.W009).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only")

# Where `manage.py deploy` (collectstatic) writes the static files that WhiteNoise serves.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATIC_URL = "static/"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Leaflet, as django-leaflet ships it (leaflet/leaflet.js, leaflet.css, images/): the map's
    # library, which static/js/map.js loads when a visitor opens a map. Its static folder only:
    # as an installed app, django-leaflet's admin module would need GDAL. (find_spec locates the
    # package without importing it; it reads the settings when imported.)
    ("leaflet", Path(find_spec("leaflet").origin).parent / "static" / "leaflet"),
]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, content-hashed names cached forever once collected; plain names before, so the
    # tests and serve_demo need no collectstatic (directory211/storage.py).
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="directory211.storage.StaticFilesStorage")
    },
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "resources.context_processors.helpline",
            ],
        },
    },
]

TIME_ZONE = "America/Toronto"

USE_I18N = True

USE_TZ = True

WSGI_APPLICATION = "directory211.wsgi.application"

# Production hardening: on unless DEBUG (`manage.py check --deploy` is clean with DEBUG=false).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Asking browsers to hard-code HTTPS for the domain (hstspreload.org) is hard to undo: opt-in.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # check --deploy asks for preload: a choice
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)

# 2. Contrib and third party ---------------------------------------------------------------------

# Content Security Policy (django-csp 4; docs/security.md): our own files only, no inline script
# or style anywhere (JSON-LD data blocks are data, not scripts). directory211.security's
# middleware adds the map tile server's origin to img-src when MAP_TILE_URL is set.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The admin's translation tabs need jQuery UI; modeltranslation would fetch it from a CDN.
JQUERY_UI_URL = "js/vendor/jquery-ui/jquery-ui.min.js"

MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
# French is the source of truth: an English field left blank shows the French text.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)
MODELTRANSLATION_LANGUAGES = ("fr", "en")

WHITENOISE_USE_FINDERS = DEBUG

# 3. Ours ----------------------------------------------------------------------------------------

# The directory's name, as open data signs the versions staff made (never a sign-in name).
DIRECTORY_NAME = env.str("DIRECTORY_NAME", default="Répertoire 211 — MRC de L'Assomption")
# The MRC and region this directory covers (Québec geographic codes, see docs/engineering-notes.md).
DIRECTORY_MRC_CODE = env.str("DIRECTORY_MRC_CODE", default="600")
DIRECTORY_REGION_CODE = env.str("DIRECTORY_REGION_CODE", default="14")

# Seconds a public page is kept in the cache for anonymous visitors (0: not kept), at most 60 so
# that the 2-1-1 banner's open/closed state is never more than a minute old (docs/caching.md).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 60)
if not 0 <= PAGE_CACHE_SECONDS <= 60:
    raise ImproperlyConfigured("PAGE_CACHE_SECONDS must be between 0 and 60.")

# The service record that stands for the 2-1-1 line: its hours are data staff edit.
HELPLINE_SERVICE_SLUG = env.str("HELPLINE_SERVICE_SLUG", default="ligne-211")

# "Itinéraire" links on service pages, opened by the visitor's choice (no request by default):
# to a point ({lat}, {lon}), or, for a place without one, a search for its address ({address}).
# Never for a confidential location. Values are URL-encoded before they are put in.
DIRECTIONS_URL = env.str(
    "DIRECTIONS_URL", default="https://www.openstreetmap.org/directions?to={lat},{lon}"
)
DIRECTIONS_SEARCH_URL = env.str(
    "DIRECTIONS_SEARCH_URL", default="https://www.openstreetmap.org/search?query={address}"
)

# The map of the results and service pages (resources/maps.py, static/js/map.js): drawn only
# when the visitor opens it, with tiles from this server ({z}/{x}/{y}: Leaflet's tile URL
# template) and this attribution (HTML, shown on the map). Nothing is fetched before the tap.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

# Where the "Quitter rapidement" button of the violence pages leads (resources/safety.py): a
# neutral page, only linked to (the site makes no request to it).
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://meteo.gc.ca/")

# Security (docs/security.md) ------------------------------------------------------------------

# The site's address in links sent by email (staff invitations): "https://repertoire.example.org";
# empty: https:// and the first ALLOWED_HOSTS name (resources/invitations.py).
SITE_URL = env.str("SITE_URL", default="")

# Where the staff admin lives, e.g. "gestion-7f3a/" (a path, with its trailing slash).
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# Browser features: geolocation ("Près de moi") for our own pages only, everything else off.
PERMISSIONS_POLICY = {
    "geolocation": "(self)",
    **dict.fromkeys(
        [
            "camera",
            "microphone",
            "payment",
            "usb",
            "serial",
            "bluetooth",
            "midi",
            "magnetometer",
            "gyroscope",
            "accelerometer",
            "display-capture",
            "browsing-topics",
        ],
        "()",
    ),
}

# The longest query string a request may carry (bytes): a longer one is refused with a 414. Room
# for a full "Ma liste" (30 ids) and the longest search, URL-encoded.
QUERY_STRING_MAX_LENGTH = env.int("QUERY_STRING_MAX_LENGTH", default=4096)

# Rate limits per client (django-ratelimit, counted in the default cache: Redis in production so
# every worker shares them). A client is its address, REMOTE_ADDR; behind N reverse proxies of
# ours (TRUSTED_PROXY_COUNT=N), the address the outermost one saw in X-Forwarded-For. The rates
# leave room for a whole office or school behind one address. RATELIMIT_ENABLE=false turns them
# off (a load test from one machine).
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_SEARCH = env.str("RATELIMIT_SEARCH", default="300/m")
RATELIMIT_API = env.str("RATELIMIT_API", default="300/m")
RATELIMIT_POST = env.str("RATELIMIT_POST", default="60/m")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The public's correction requests ("Signaler une erreur", resources/corrections.py): sent forms
# per client, room for an office or a library's public computers behind one address.
RATELIMIT_CORRECTIONS = env.str("RATELIMIT_CORRECTIONS", default="20/h")
# A counter the cache cannot give back lets the request through (never a site closed by Redis).
RATELIMIT_FAIL_OPEN = True

# Who is told by email of a new correction request (comma-separated); MANAGERS when empty.
CORRECTIONS_NOTIFY_EMAILS = env.list("CORRECTIONS_NOTIFY_EMAILS", default=[])
MANAGERS = [("", address) for address in env.list("MANAGERS", default=[])]

# Sign-in throttling (django-axes; docs/staff.md): after AXES_FAILURE_LIMIT wrong passwords for
# one account from one client address, that account is locked from that address for
# AXES_COOLOFF_MINUTES (0: until an administrator resets it: admin "Tentatives de connexion" or
# `manage.py axes_reset`). The address is the rate limits' (directory211.security.client_address:
# X-Forwarded-For only behind TRUSTED_PROXY_COUNT proxies), so an office behind one address is
# not locked out by one person's typos. Attempts are kept in the database (what the admin lists).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = (
    datetime.timedelta(minutes=AXES_COOLOFF_MINUTES) if AXES_COOLOFF_MINUTES > 0 else None
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "directory211.security.sign_in_address"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "resources.sign_in.locked_out"

# The admin's imports (opendata/uploads.py, docs/spreadsheet-import.md): the largest file staff
# may send, the most an HSDS ZIP may unpack to, how long an upload waits for its confirmation
# (seconds), and the most spreadsheet rows or HSDS records the admin imports within a request;
# a larger file goes through the import_spreadsheet / import_hsds commands, as the page says.
IMPORT_UPLOAD_MAX_BYTES = env.int("IMPORT_UPLOAD_MAX_BYTES", default=10_000_000)
IMPORT_UNPACKED_MAX_BYTES = env.int("IMPORT_UNPACKED_MAX_BYTES", default=100_000_000)
IMPORT_UPLOAD_MAX_AGE = env.int("IMPORT_UPLOAD_MAX_AGE", default=86_400)
IMPORT_ADMIN_MAX_ROWS = env.int("IMPORT_ADMIN_MAX_ROWS", default=300)
IMPORT_ADMIN_MAX_RECORDS = env.int("IMPORT_ADMIN_MAX_RECORDS", default=3_000)

# Geocoding staff addresses (resources/geocoding.py, docs/geocoding.md): with GEOCODER_ENABLED,
# the admin asks GEOCODER_CLASS (a geopy geocoder, built with the user agent, domain, scheme and
# timeout below) at most once every GEOCODER_MIN_DELAY seconds per process; when it cannot be
# reached, or is off, the offline gazetteer (postal prefix, then municipality) places the point.
# A confidential location's address is never sent.
GEOCODER_ENABLED = env.bool("GEOCODER_ENABLED", default=False)
GEOCODER_CLASS = env.str("GEOCODER_CLASS", default="geopy.geocoders.Nominatim")
GEOCODER_USER_AGENT = env.str("GEOCODER_USER_AGENT", default="repertoire-211-assomption")
GEOCODER_DOMAIN = env.str("GEOCODER_DOMAIN", default="nominatim.openstreetmap.org")
GEOCODER_SCHEME = env.str("GEOCODER_SCHEME", default="https")
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT", default=3.0)
GEOCODER_MIN_DELAY = env.float("GEOCODER_MIN_DELAY", default=1.0)

# Outgoing mail (verification requests): one django-environ email URL, the console by default
# (smtp+tls://user:password@smtp.example.org:587 in production; docs/verification.md).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="repertoire@example.org")
# Days a verification request's link stays valid (resources/verification.py).
VERIFICATION_LINK_DAYS = env.int("VERIFICATION_LINK_DAYS", default=30)

# One JSON line per event on stdout, as gunicorn's access log (directory211/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "directory211.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
