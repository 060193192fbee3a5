"""``manage.py dev``: the whole stack in one terminal.

Runs the web server, a Celery worker and Celery beat under one process
manager (honcho), plus the embedded Redis when ``REDIS_URL`` is not set.
Ctrl-C stops them all.
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorship.core import embedded_redis
from mentorship.demo.content import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Run web, Celery worker and beat (and the embedded Redis) together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from honcho.manager import Manager  # a development dependency
        except ImportError:
            raise CommandError("honcho is not installed: run `make install`.") from None

        python = sys.executable
        host, port = options["host"], options["port"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Links in emails and the calendar point at this server, whatever
        # its port, unless SITE_URL says otherwise.
        env.setdefault("SITE_URL", f"http://{host}:{port}")
        manager = Manager()

        if not os.environ.get("REDIS_URL"):
            socket_path = settings.EMBEDDED_REDIS_SOCKET
            if embedded_redis.is_listening(socket_path):
                self.stdout.write(f"Using the embedded Redis already running at {socket_path}")
            else:
                embedded_redis.prepare(socket_path)
                manager.add_process(
                    "redis", shlex.join(embedded_redis.server_command(socket_path)), env=env
                )

        celery = [python, "-m", "celery", "-A", "config"]
        manager.add_process(
            "web",
            shlex.join([python, "manage.py", "runserver", f"{host}:{port}"]),
            env=env,
        )
        manager.add_process(
            "worker",
            shlex.join([*celery, "worker", "--loglevel=INFO", "--concurrency=2"]),
            env=env,
        )
        manager.add_process(
            "beat",
            shlex.join(
                [
                    *celery,
                    "beat",
                    "--loglevel=INFO",
                    f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
                ]
            ),
            env=env,
        )

        self._banner(host, port)
        manager.loop()
        sys.exit(manager.returncode)

    def _banner(self, host: str, port: int) -> None:
        url = f"http://{host}:{port}/"
        lines = [
            "",
            f"Scaffold is starting at {url}",
            "",
            f"Demo sign-ins (password {DEMO_PASSWORD}):",
            *(f"  {email:<22} {role}" for email, role in DEMO_LOGINS),
            "",
            (
                f"Mail is kept at {url}mail/outbox/ and printed here."
                if settings.EMAIL_BACKEND_NAME == "outbox"
                else f"Mail goes out through the {settings.EMAIL_BACKEND_NAME} backend."
            ),
            f"API docs: {url}api/docs/   Health: {url}health/   Ctrl-C stops everything.",
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
