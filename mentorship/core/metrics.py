"""Prometheus metrics at ``/metrics``, for whoever holds ``METRICS_TOKEN``
(``Authorization: Bearer …``); without the setting the page does not exist.

Each figure is read when Prometheus scrapes, from where it lives, so every
web process answers the same: the outbox by state (on the partial indexes
the engine itself uses), each Celery queue's waiting tasks (Redis), whether
the database and broker answer, and how long ago beat last beat. Request
counts and latencies are in gunicorn's access log
(config/deploy/gunicorn.conf.py), not here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import redis
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mentorship.core import health
from mentorship.notifications.models import Notification, NotificationStatus


class ScaffoldCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
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
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
