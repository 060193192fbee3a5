"""PostgreSQL really unreachable (a closed port, nothing mocked), in a real
server process: pages answer a styled 503 and the API its error shape, both
with Retry-After; never a bare 500."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from django.conf import settings

from tests.core.test_outages import closed_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Answer:
    status: int
    headers: Message
    body: str


@dataclass
class Site:
    base: str
    opener: urllib.request.OpenerDirector

    def ask(
        self,
        path: str,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        *,
        as_json: bool = False,
    ) -> Answer:
        headers = dict(headers or {})
        body = None
        if data is not None and as_json:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback only)
            self.base + path, data=body, headers=headers
        )
        try:
            with self.opener.open(request, timeout=20) as response:
                return Answer(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read().decode())


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture(scope="module")
def site_without_database() -> Iterator[Site]:
    port = closed_port()
    env = {
        **os.environ,
        "SCAFFOLD_ENV": "development",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/scaffold",
        "REDIS_URL": settings.REDIS_URL,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    jar = http.cookiejar.CookieJar()
    site = Site(
        f"http://127.0.0.1:{port}",
        urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirects),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                site.ask("/account/sign-in/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    pytest.fail(f"The server did not start:\n{output}")
                time.sleep(0.2)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_signing_in_answers_a_styled_503_with_retry_after(site_without_database: Site) -> None:
    form = site_without_database.ask("/account/sign-in/")
    assert form.status == 200  # the form itself needs no database
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    assert token is not None

    answer = site_without_database.ask(
        "/account/sign-in/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "username": "someone@scaffold.test",
            "password": "a password",
        },
        headers={"Referer": site_without_database.base + "/account/sign-in/"},
    )

    assert answer.status == 503
    assert answer.headers["Retry-After"] == "30"
    assert "text/html" in answer.headers["Content-Type"]
    assert "Scaffold is briefly unavailable" in answer.body
    assert "scaffold/app.css" in answer.body  # the site's own layout, not a bare error


def test_a_signed_in_page_answers_503_not_500(site_without_database: Site) -> None:
    answer = site_without_database.ask("/", headers={"Cookie": "sessionid=" + "a" * 32})

    assert answer.status == 503
    assert answer.headers["Retry-After"] == "30"
    assert "Scaffold is briefly unavailable" in answer.body


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/api/v1/pairings/", None),
        ("/api/v1/auth/token/", {"email": "someone@scaffold.test", "password": "a password"}),
    ],
)
def test_the_api_answers_its_error_shape_with_retry_after(
    site_without_database: Site, path: str, data: dict[str, str] | None
) -> None:
    answer = site_without_database.ask(
        path, data, headers={"Authorization": "Token sc_" + "b" * 40}, as_json=True
    )

    assert answer.status == 503
    assert answer.headers["Retry-After"] == "30"
    body = json.loads(answer.body)
    assert body["error"]["code"] == "unavailable"
    assert "Try again in a minute" in body["error"]["message"]


def test_health_says_which_part_is_down(site_without_database: Site) -> None:
    answer = site_without_database.ask("/health/", headers={"Host": "10.0.0.7"})

    assert answer.status == 503
    checks = json.loads(answer.body)["checks"]
    assert checks["database"]["ok"] is False
    assert checks["broker"]["ok"] is True
