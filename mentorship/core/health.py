"""Reachability of what Scaffold depends on, for /health/ and the tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_KEY = "scheduler-heartbeat"


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable"
        return False, type(exc).__name__
    return True, "ok"


def broker_ok() -> tuple[bool, str]:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        return False, type(exc).__name__
    finally:
        client.close()
    return True, "ok"


def scheduler_heartbeat_record() -> None:
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


def scheduler_status() -> dict[str, Any]:
    try:
        raw = cache.get(HEARTBEAT_KEY)
    except Exception:  # the broker check already reports an unreachable Redis
        return {"status": "unknown", "last_heartbeat": None}
    if raw is None:
        return {"status": "unknown", "last_heartbeat": None}
    last = dt.datetime.fromisoformat(raw)
    stale = timezone.now() - last > settings.SCHEDULER_STALE_AFTER
    return {"status": "stale" if stale else "ok", "last_heartbeat": raw}


def report() -> tuple[bool, dict[str, Any]]:
    db_ok, db_detail = database_ok()
    br_ok, br_detail = broker_ok()
    healthy = db_ok and br_ok
    return healthy, {
        "status": "ok" if healthy else "unavailable",
        "checks": {
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": br_ok, "detail": br_detail},
        },
        # Informational: a stopped beat or worker does not take the web tier
        # out of a load balancer, but an operator should see it.
        "scheduler": scheduler_status(),
    }
