"""Production server settings, read by gunicorn from the repository root:

    gunicorn -c directory211/gunicorn.conf.py directory211.wsgi

Every value comes from an environment variable, with defaults chosen by measurement on a 2-core
machine (docs/serving.md); any other gunicorn setting can be given in GUNICORN_CMD_ARGS. Run it
behind a reverse proxy (nginx, Caddy) that terminates HTTPS and buffers slow clients: no worker
class alone holds out against connections that send nothing or trickle their request.
"""

import os


def _int(name, default):
    return int(os.environ.get(name) or default)


# Where to listen: GUNICORN_BIND, else 0.0.0.0:$PORT (as gunicorn itself reads PORT), else
# 127.0.0.1:8000 (only a proxy on the same machine reaches it).
bind = os.environ.get("GUNICORN_BIND") or (
    f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
)

# Threaded workers, one process per core and eight threads each. Measured (docs/serving.md):
# against the sync worker, which closes every connection after its response, threads keep the
# proxy's idle keep-alive connections open in the worker's poller, and a cheap request (a static
# file, a health check) is not queued behind every page being rendered: a request spends part of
# its time waiting on the database, time another thread uses.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "gthread"
workers = _int("WEB_CONCURRENCY", os.cpu_count() or 2)
# 4 threads per process: on the quiet 2-core machine, 2 x 4 served more pages than 2 x 8 with a
# shorter tail (docs/serving.md, "Threads on a quiet machine").
threads = _int("GUNICORN_THREADS", 4)

# A worker process silent for this long is killed and replaced. With threads, one slow request
# does not silence its process: the database's own timeouts bound those.
timeout = _int("GUNICORN_TIMEOUT", 30)
# Time given to requests under way on a restart or a stop.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds an idle keep-alive connection is kept open. The proxy's own upstream keep-alive must be
# shorter (nginx: `keepalive_timeout 4s;` in the upstream block), or it may reuse a connection
# this side is closing.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# A worker is replaced after this many requests (0: never), give or take a tenth so that they do
# not all restart together: a safety net against slow memory growth.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = max_requests // 10

# One JSON line per request on stdout, without query string or client address
# (directory211/logs.py); gunicorn's own messages as JSON lines on stderr.
accesslog = "-"
errorlog = "-"
logger_class = "directory211.logs.GunicornLogger"

# No control socket (gunicornc): nothing here uses it, and two servers on one machine would
# contend for its default path.
control_socket_disable = True
