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

# Threaded workers, one process per core and two threads each. Measured (docs/serving.md):
# against the sync worker, a cheap request (a static file, a health check) is not queued behind
# every page being rendered: a request spends part of its time waiting on the database, time
# another thread uses.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "gthread"
workers = _int("WEB_CONCURRENCY", os.cpu_count() or 2)
# 2 threads per process: on a steady 2-core machine, 2 x 2 served 4 to 5 % more results pages
# and API searches than 2 x 4, with a p99 60 to 100 ms shorter (less contention for each
# process's interpreter lock); 2 x 4 had served more than 2 x 8 (docs/serving.md, "Threads").
threads = _int("GUNICORN_THREADS", 2)

# A worker process silent for this long is killed and replaced. With threads, one slow request
# does not silence its process: the database's own timeouts bound those.
timeout = _int("GUNICORN_TIMEOUT", 30)
# Time given to requests under way on a restart or a stop.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# A process takes no more connections than it has threads: the others wait in the listening
# socket's queue, which the processes share, and are taken in arrival order by whichever
# process frees a thread first. With gunicorn's default (1,000), each process took what the
# proxy sent it and queued it behind its own threads, however busy: at 64 connections one
# process's queue grew while the other's emptied, and results pages waited 2.6 s at p99
# against 1.2 s with this (docs/serving.md, "One queue for every process").
worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", threads)
# Seconds an idle keep-alive connection is kept open; 0: none, the proxy opens a connection per
# request (on the same host or network, a fraction of a millisecond), since an idle one kept
# open here would hold a thread's place. With a keep-alive, the proxy's own must be shorter
# (nginx: `keepalive_timeout` in the upstream block), and GUNICORN_WORKER_CONNECTIONS above
# the threads.
keepalive = _int("GUNICORN_KEEPALIVE", 0)

# A worker is replaced after this many requests (0: never), give or take a tenth so that they do
# not all restart together: a safety net against slow memory growth.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = max_requests // 10

# The app is loaded once, in the master process (directory211/wsgi.py builds what each first
# request would: directory211/warm.py), and each worker is forked from it: a worker replacing
# one (max_requests) answers at once, instead of importing Django and warming up while its
# share of the requests queues. A code change needs a restart, not a HUP. GUNICORN_PRELOAD=false
# loads the app in each worker instead.
preload_app = (os.environ.get("GUNICORN_PRELOAD") or "true").lower() not in ("0", "false", "no")


def pre_fork(server, worker):
    """No database connection opened in the master is inherited by a worker (two processes
    on one connection corrupt it): loading touches none, this makes sure."""
    from django.conf import settings

    if settings.configured:  # only when the app was loaded here (preload_app)
        from django.db import connections

        connections.close_all()


# One JSON line per request on stdout, without query string or client address
# (directory211/logs.py); gunicorn's own messages as JSON lines on stderr.
accesslog = "-"
errorlog = "-"
logger_class = "directory211.logs.GunicornLogger"

# No control socket (gunicornc): nothing here uses it, and two servers on one machine would
# contend for its default path.
control_socket_disable = True
