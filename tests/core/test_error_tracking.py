"""Error tracking through sentry-sdk, against a local HTTP endpoint that
records what the SDK sends: an unhandled error arrives with its request id,
and nothing a person typed or a cookie travels with it."""

from __future__ import annotations

import gzip
import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sentry_sdk
from django.test import Client

from mentorship.core.error_tracking import error_tracking_start
from mentorship.people import services as people_services


class _Recorder(BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[list[bytes]]:
    received: list[bytes] = []
    handler = type("Recorder", (_Recorder,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    error_tracking_start(
        f"http://publickey@127.0.0.1:{server.server_address[1]}/1", environment="test"
    )
    try:
        yield received
    finally:
        sentry_sdk.init()  # no DSN: off again for the rest of the run
        server.shutdown()


def events(received: list[bytes]) -> list[dict[str, Any]]:
    """The events inside the envelopes (each a header line, then items)."""
    found = []
    for envelope in received:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


@pytest.mark.django_db
def test_an_unhandled_error_is_reported_without_what_the_person_typed(
    collector: list[bytes], monkeypatch: Any
) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("the reset service broke")

    monkeypatch.setattr(people_services, "password_reset_request", broken)
    # Made at run time: the event's source context shows this file's lines.
    typed, cookie, query = (secrets.token_hex(8) for _ in range(3))
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = cookie

    response = client.post(
        "/account/password-reset/",
        {"email": f"{typed}@scaffold.test"},
        headers={"X-Request-Id": "7e57ab1e0000cafe"},
        QUERY_STRING=f"note={query}",
    )
    sentry_sdk.flush(timeout=10)

    assert response.status_code == 500
    reported = events(collector)
    assert len(reported) == 1
    event = reported[0]
    (exception,) = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("RuntimeError", "the reset service broke")
    assert event["tags"]["request_id"] == "7e57ab1e0000cafe"
    assert event["transaction"] == "/account/password-reset/"
    raw = b"".join(collector)
    for secret in (typed, cookie, query):
        assert secret.encode() not in raw
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
