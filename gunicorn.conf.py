"""gunicorn's configuration: `gunicorn -c gunicorn.conf.py ihl.wsgi` (the Dockerfile's command).

Sized from the machine: WEB_CONCURRENCY processes (default 2 x cores + 1, gunicorn's own
advice for sync workers, whose requests also wait on the database), each with
GUNICORN_THREADS threads (default 1) and a database pool of as many connections, so
processes x threads is also the most connections the site opens (keep it under
PostgreSQL's max_connections, less what the worker and psql need). Measured on 2 cores in
docs/operations.md ("Load benchmark").

Logs go to stderr as JSON lines (ihl.observability.JsonFormatter): the application writes
one per request, so gunicorn's own access log is off.
"""

import os
import shutil
import tempfile

cores = os.cpu_count() or 1

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * cores + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
# One connection per thread: a request never waits on another's connection.
os.environ.setdefault("IHL_DB_POOL_MAX_SIZE", str(threads))
os.environ.setdefault("IHL_DB_POOL_MIN_SIZE", "1")

# The API's statement timeout (10 s) answers long before a worker is killed.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter, not all at once): memory
# that grows slowly never reaches the limit of the container.
max_requests = 2000
max_requests_jitter = 200
# A heartbeat file per worker in memory rather than on the container's disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# gunicorn 24+ opens a control socket in $HOME by default: one path for every instance on
# the host, and nothing here uses it.
control_socket_disable = True

accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ihl.observability.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
    },
}

# Prometheus: each worker writes its metrics to files here and /metrics adds them up, so
# a scrape sees every worker, not only the one that answered it. A fresh directory per
# start; set PROMETHEUS_MULTIPROC_DIR to choose it (it is emptied at start).
metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="ihl-prometheus-")
)


def on_starting(server):
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
