"""09:00 in the recipient's own time zone, across every 2026 and 2027 DST
change in New York and Berlin, and in Kolkata (no DST)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mentorship.notifications.scheduling import send_time

UTC = dt.UTC
LONG_AGO = dt.datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "expected_utc"),
    [
        # New York: EST (UTC-5) until 8 Mar 2026, EDT (UTC-4) until 1 Nov 2026.
        ("America/New_York", dt.date(2026, 3, 7), dt.datetime(2026, 3, 7, 14, 0, tzinfo=UTC)),
        ("America/New_York", dt.date(2026, 3, 8), dt.datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
        ("America/New_York", dt.date(2026, 10, 31), dt.datetime(2026, 10, 31, 13, 0, tzinfo=UTC)),
        ("America/New_York", dt.date(2026, 11, 1), dt.datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
        ("America/New_York", dt.date(2027, 3, 14), dt.datetime(2027, 3, 14, 13, 0, tzinfo=UTC)),
        ("America/New_York", dt.date(2027, 11, 7), dt.datetime(2027, 11, 7, 14, 0, tzinfo=UTC)),
        # Berlin: CET (UTC+1) / CEST (UTC+2), changing 29 Mar and 25 Oct 2026,
        # 28 Mar and 31 Oct 2027.
        ("Europe/Berlin", dt.date(2026, 3, 28), dt.datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),
        ("Europe/Berlin", dt.date(2026, 3, 29), dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        ("Europe/Berlin", dt.date(2026, 10, 25), dt.datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
        ("Europe/Berlin", dt.date(2027, 3, 28), dt.datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),
        ("Europe/Berlin", dt.date(2027, 10, 31), dt.datetime(2027, 10, 31, 8, 0, tzinfo=UTC)),
        # Kolkata: UTC+5:30 all year.
        ("Asia/Kolkata", dt.date(2026, 3, 29), dt.datetime(2026, 3, 29, 3, 30, tzinfo=UTC)),
        ("Asia/Kolkata", dt.date(2026, 11, 1), dt.datetime(2026, 11, 1, 3, 30, tzinfo=UTC)),
    ],
)
def test_it_is_nine_in_the_morning_where_the_recipient_is(
    zone: str, day: dt.date, expected_utc: dt.datetime
) -> None:
    moment = send_time(becomes_due=day, now=LONG_AGO, time_zone=zone)

    assert moment == expected_utc
    local = moment.astimezone(ZoneInfo(zone))
    assert (local.date(), local.time()) == (day, dt.time(9, 0))


def test_found_in_the_night_it_waits_for_the_morning() -> None:
    # 02:00 in Berlin on the day it becomes due.
    now = dt.datetime(2026, 6, 10, 0, 0, tzinfo=UTC)

    moment = send_time(becomes_due=dt.date(2026, 6, 10), now=now, time_zone="Europe/Berlin")

    assert moment.astimezone(ZoneInfo("Europe/Berlin")) == dt.datetime(
        2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")
    )


def test_found_in_the_afternoon_it_waits_for_the_next_morning() -> None:
    now = dt.datetime(2026, 6, 10, 13, 0, tzinfo=UTC)  # 15:00 in Berlin

    moment = send_time(becomes_due=dt.date(2026, 6, 9), now=now, time_zone="Europe/Berlin")

    assert moment.astimezone(ZoneInfo("Europe/Berlin")).date() == dt.date(2026, 6, 11)


def test_a_zone_far_from_utc_uses_its_own_date() -> None:
    # 22:00 UTC on 10 June is already 11 June, 03:30, in Kolkata.
    now = dt.datetime(2026, 6, 10, 22, 0, tzinfo=UTC)

    moment = send_time(becomes_due=dt.date(2026, 6, 11), now=now, time_zone="Asia/Kolkata")

    assert moment == dt.datetime(2026, 6, 11, 3, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 10, 30), dt.date(2026, 10, 30)),  # Friday stays Friday
        (dt.date(2026, 10, 31), dt.date(2026, 11, 2)),  # Saturday → Monday
        (dt.date(2026, 11, 1), dt.date(2026, 11, 2)),  # Sunday (DST ends in New York) → Monday
    ],
)
def test_weekday_only_people_get_weekend_reminders_on_monday(
    day: dt.date, expected: dt.date
) -> None:
    moment = send_time(
        becomes_due=day, now=LONG_AGO, time_zone="America/New_York", weekdays_only=True
    )

    local = moment.astimezone(ZoneInfo("America/New_York"))
    assert (local.date(), local.time()) == (expected, dt.time(9, 0))


def test_without_the_preference_weekends_are_kept() -> None:
    moment = send_time(
        becomes_due=dt.date(2026, 10, 31), now=LONG_AGO, time_zone="America/New_York"
    )

    assert moment.astimezone(ZoneInfo("America/New_York")).date() == dt.date(2026, 10, 31)
