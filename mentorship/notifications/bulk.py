"""Inserting many notification rows at once, skipping any whose dedup key
is already queued.

The sweep may find a hundred thousand reminders at a time, most of them
already queued by the previous sweep. Django model instances and
``bulk_create`` cost about 100 µs a row; here rows are plain tuples, and on
PostgreSQL they are COPYed into a temporary table and inserted with one
``INSERT … ON CONFLICT (dedup_key) DO NOTHING``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection, transaction
from django.utils import timezone

from mentorship.notifications.models import Notification, NotificationStatus

# kind, recipient_id, dedup_key, send_after, program_id, pairing_id,
# subject_type_id, subject_id
Row = tuple[str, int, str, dt.datetime, int | None, int | None, int | None, int | None]

_COLUMNS = (
    "kind, recipient_id, dedup_key, send_after, program_id, pairing_id, subject_type_id, subject_id"
)
# The model's Python-side defaults, spelled out for raw inserts.
_DEFAULTS = "status, attempts, last_error, message_id, email_subject, created_at"


def insert_new(rows: Sequence[Row]) -> int:
    """Insert the rows whose dedup key is new; returns how many were new."""
    if not rows:
        return 0
    table = Notification._meta.db_table
    now = timezone.now()
    if connection.vendor == "postgresql":
        return _insert_postgresql(table, rows, now)
    # Elsewhere (SQLite), datetimes must be written exactly as Django writes
    # them, or comparisons with them go wrong.
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        before = Notification.objects.count()
        cursor.executemany(
            f"INSERT INTO {table} ({_COLUMNS}, {_DEFAULTS}) "  # noqa: S608 -- names, not data
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 0, '', '', '', %s) "
            "ON CONFLICT (dedup_key) DO NOTHING",
            [
                (
                    kind,
                    recipient,
                    key,
                    adapt(send_after),
                    *rest,
                    NotificationStatus.PENDING.value,
                    adapt(now),
                )
                for kind, recipient, key, send_after, *rest in rows
            ],
        )
        return Notification.objects.count() - before


def _insert_postgresql(table: str, rows: Sequence[Row], now: dt.datetime) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE notification_incoming ("
            "kind varchar(40), recipient_id bigint, dedup_key varchar(200), "
            "send_after timestamptz, program_id bigint, pairing_id bigint, "
            "subject_type_id integer, subject_id bigint)"
        )
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY notification_incoming ({_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({_COLUMNS}, {_DEFAULTS}) "  # noqa: S608 -- names, not data
            f"SELECT {_COLUMNS}, %s, 0, '', '', '', %s FROM notification_incoming "
            "ON CONFLICT (dedup_key) DO NOTHING",
            [NotificationStatus.PENDING.value, now],
        )
        inserted = int(cursor.rowcount)
        # Dropped here, not at commit: a caller's longer transaction may sweep again.
        cursor.execute("DROP TABLE notification_incoming")
        return inserted
