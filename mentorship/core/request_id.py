"""A request id, from the web request into every log line it causes and into
the Celery tasks it queues, so one id finds a request and its emails.

The id is the proxy's ``X-Request-Id`` (nginx's ``$request_id``, see
config/deploy/nginx/scaffold.conf) when it looks like one, else a new one;
the response carries it back. ``before_task_publish`` copies it into each
task's message headers, and ``task_prerun`` makes it the worker's current
id for that task (a task queued outside a request gets one of its own).
Log records get it as ``request_id`` (``RequestIdFilter``)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-Id"
# Letters, digits and dashes, 8 to 64 of them: anything else a client sends
# is not written into logs.
_WELL_FORMED = re.compile(r"[A-Za-z0-9-]{8,64}")

_current: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_middleware(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    def middleware(request: HttpRequest) -> HttpResponseBase:
        given = request.headers.get(HEADER, "")
        request_id = given if _WELL_FORMED.fullmatch(given) else new_request_id()
        token = _current.set(request_id)
        try:
            response = get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response

    return middleware


class RequestIdFilter(logging.Filter):
    """Gives every record ``request_id``: the current request's or task's,
    or "-" outside both."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or "-"
        return True


@before_task_publish.connect
def _carry_into_the_task(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None and _current.get():
        headers["request_id"] = _current.get()


@task_prerun.connect
def _adopt_in_the_worker(task: Any = None, **_: Any) -> None:
    given = getattr(task.request, "request_id", None) if task is not None else None
    _current.set(given if isinstance(given, str) and given else new_request_id())


@task_postrun.connect
def _forget_after_the_task(**_: Any) -> None:
    _current.set("")
