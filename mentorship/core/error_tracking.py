"""Error tracking: with ``SENTRY_DSN`` set, unhandled errors in requests and
Celery tasks are reported through sentry-sdk (to Sentry, or anything that
speaks its protocol, such as GlitchTip).

What people wrote never leaves with them: no request bodies, cookies,
query strings, identifying headers, local variables or SQL parameters, and
no breadcrumbs of queries. An event carries the error, its traceback
(code, not values), the path, and the request id that finds the same
request in the logs."""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

from mentorship.core.request_id import current_request_id

# The request headers an event keeps: none of them can carry a secret.
KEPT_HEADERS = {"user-agent", "x-request-id", "content-type", "accept"}


def error_tracking_start(dsn: str, *, environment: str, release: str | None = None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEPT_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        traces_sample_rate=0.0,
        before_send=_without_what_people_wrote,
        before_breadcrumb=_no_queries,
    )


def _without_what_people_wrote(event: Event, hint: Hint) -> Event:
    request: Any = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
            }
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def _no_queries(crumb: Breadcrumb, hint: BreadcrumbHint) -> Breadcrumb | None:
    # A query's text can hold what someone wrote (a search, a note).
    return None if crumb.get("category") in {"query", "redis"} else crumb
