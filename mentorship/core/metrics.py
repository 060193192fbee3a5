"""Prometheus metrics at ``/metrics``, for whoever holds ``METRICS_TOKEN``
(``Authorization: Bearer …``); without the setting the page does not exist.

Three kinds of figure:

- **read when Prometheus scrapes**, from where they live, so every web
  process answers the same: the outbox by state (on the partial indexes the
  engine itself uses), each Celery queue's waiting tasks (Redis), whether the
  database and broker answer, how long ago beat last beat;
- **requests**, counted by this process's middleware (``request_metrics``)
  by route name, method and status, with their latencies. Under gunicorn
  every worker process writes its own into ``PROMETHEUS_MULTIPROC_DIR``
  (config/deploy/gunicorn.conf.py sets it up) and any of them answers for
  all; without it (``make dev``) the figures are this process's;
- **tasks run**, by name and outcome: each worker counts its own into a
  Redis hash as it finishes one (``count_task``, connected in
  config/celery_app.py), so workers on any host add up in one place.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from mentorship.core import health
from mentorship.notifications.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "scaffold_http_requests",
    "Requests answered, by route name, method and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "scaffold_http_request_duration_seconds",
    "Seconds from the request reaching Django to its response, by route name",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# The Redis hash the workers count their tasks into: "<task>|<state>" → n.
TASKS_KEY = "scaffold:metrics:tasks"


def request_metrics(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """Counts every request and how long it took, by route *name* (never the
    path: ``/people/12/`` and ``/people/13/`` are one route), so the series
    stay few whatever the URLs."""

    def middleware(request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = get_response(request)
        route = _route_of(request)
        LATENCY.labels(route).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method or "", str(response.status_code)).inc()
        return response

    return middleware


def _route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Answered before Django resolved it (a health probe, a redirect to
        # HTTPS, a refused host): resolved here, for its name only.
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "unmatched"
    return match.view_name or "unmatched"


def count_task(task_name: str, state: str) -> None:
    """Called by each worker as a task finishes (config/celery_app.py). A
    count lost while Redis is away is only a count: never an error."""
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        try:
            client.hincrby(TASKS_KEY, f"{task_name}|{state}", 1)
        finally:
            client.close()
    except redis.RedisError as exc:
        logger.debug("Task count not recorded: %s", exc)


class ScaffoldCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        db_ok, _ = health.database_ok()
        broker_ok, _ = health.broker_ok()
        up = GaugeMetricFamily("scaffold_dependency_up", "1 when it answers", labels=["dependency"])
        up.add_metric(["database"], int(db_ok))
        up.add_metric(["broker"], int(broker_ok))
        yield up

        if db_ok:
            now = timezone.now()
            pending = Notification.objects.filter(status=NotificationStatus.PENDING)
            outbox = GaugeMetricFamily(
                "scaffold_outbox_emails",
                "Emails waiting in the outbox: due now, due later, or out with a worker",
                labels=["state"],
            )
            outbox.add_metric(["due"], pending.filter(send_after__lte=now).count())
            outbox.add_metric(["later"], pending.filter(send_after__gt=now).count())
            outbox.add_metric(
                ["sending"], Notification.objects.filter(status=NotificationStatus.SENDING).count()
            )
            yield outbox

        if broker_ok:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
            try:
                queues = GaugeMetricFamily(
                    "scaffold_celery_queue_length", "Tasks waiting in each queue", labels=["queue"]
                )
                queue = settings.CELERY_TASK_DEFAULT_QUEUE
                queues.add_metric([queue], int(client.llen(queue)))
                yield queues
                tasks = CounterMetricFamily(
                    "scaffold_celery_tasks",
                    "Tasks the workers finished, by task and outcome",
                    labels=["task", "state"],
                )
                for field, count in sorted(client.hgetall(TASKS_KEY).items()):
                    name = field.decode() if isinstance(field, bytes) else str(field)
                    task, _, state = name.rpartition("|")
                    tasks.add_metric([task, state], int(count))
                yield tasks
            finally:
                client.close()

        last = health.scheduler_status()["last_heartbeat"]
        if last is not None:
            age = timezone.now() - dt.datetime.fromisoformat(last)
            yield GaugeMetricFamily(
                "scaffold_scheduler_heartbeat_age_seconds",
                "Seconds since beat last recorded its heartbeat",
                value=age.total_seconds(),
            )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not constant_time_compare(given, f"Bearer {token}"):
        response = HttpResponse(
            "A bearer token is needed.\n", status=401, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ScaffoldCollector())
    body = generate_latest(registry) + generate_latest(_requests_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _requests_registry() -> CollectorRegistry:
    """Every web process's request figures, or this process's alone."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY
