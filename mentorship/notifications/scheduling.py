"""When an email goes out: 09:00 in the recipient's own time zone.

Pure functions of dates, times and zone names, so they can be tested across
every DST change without a database.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mentorship.core.timezones import local_today

SEND_AT = dt.time(9, 0)
SATURDAY = 5


class LocalDates:
    """Today's date in each zone at one fixed moment, worked out once per zone."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self._dates: dict[str, dt.date] = {}

    def __getitem__(self, time_zone: str) -> dt.date:
        date = self._dates.get(time_zone)
        if date is None:
            date = self._dates[time_zone] = local_today(self.now, time_zone)
        return date


def send_time(
    *, becomes_due: dt.date, now: dt.datetime, time_zone: str, weekdays_only: bool = False
) -> dt.datetime:
    """The first 09:00 in ``time_zone`` at or after the reminder becomes due.

    A reminder becomes due at the start of the local day ``becomes_due``, or
    now if that is later: a reminder found at 02:00 waits for 09:00 rather
    than waking anyone. With ``weekdays_only``, a Saturday or Sunday 09:00
    moves to Monday's. Each candidate is built from a local date and 09:00, so
    a DST change in between never shifts the hour.
    """
    zone = ZoneInfo(time_zone)
    start = max(dt.datetime.combine(becomes_due, dt.time.min, tzinfo=zone), now.astimezone(zone))
    day = start.date()
    if dt.datetime.combine(day, SEND_AT, tzinfo=zone) < start:
        day += dt.timedelta(days=1)
    if weekdays_only:
        while day.weekday() >= SATURDAY:
            day += dt.timedelta(days=1)
    return dt.datetime.combine(day, SEND_AT, tzinfo=zone).astimezone(dt.UTC)
