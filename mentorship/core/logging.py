"""Logging filters, and the JSON format production logs in."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.urls import reverse


class NotHealthProbes(logging.Filter):
    """Drops Django's per-request log lines for ``/health/``: its answer
    (200 or 503) is the report, read by the load balancer."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return getattr(request, "path", None) != reverse("health")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger,
    message, the request id, the process, and the traceback if any. What a
    log shipper indexes without parsing text."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.processName,
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
