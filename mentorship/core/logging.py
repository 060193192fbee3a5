"""Logging filters."""

from __future__ import annotations

import logging

from django.urls import reverse


class NotHealthProbes(logging.Filter):
    """Drops Django's per-request log lines for ``/health/``: its answer
    (200 or 503) is the report, read by the load balancer."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return getattr(request, "path", None) != reverse("health")
