"""gunicorn's settings for Scaffold (``gunicorn --config config/deploy/gunicorn.conf.py
config.wsgi``). Each can be overridden by the environment variable named
beside it."""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

# Behind the reverse proxy, on loopback; the proxy terminates TLS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
# A request that takes longer than this is stuck; its worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Keep-alive with the proxy only.
keepalive = 5
# A worker is replaced after this many requests (with jitter), so a slow
# leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200

# One access-log line per request on stdout (the journal, under systemd):
# client as the proxy saw it, request line, status, bytes, time in
# microseconds, and the request id the proxy set.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(D)sus "%(f)s" "%(a)s" id=%({x-request-id}i)s'
)

# The proxy on this host is trusted to say the scheme (X-Forwarded-Proto);
# Django trusts it too only with TRUST_X_FORWARDED_PROTO=true.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# /metrics counts the requests of every worker process (mentorship/core/metrics.py):
# each writes its figures into this directory, emptied when gunicorn starts.
# Set before any worker imports the app, which reads it once.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    str(Path(os.environ.get("RUNTIME_DIRECTORY", tempfile.gettempdir())) / "scaffold-metrics"),
)


def on_starting(server):
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(path, ignore_errors=True)
    Path(path).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
