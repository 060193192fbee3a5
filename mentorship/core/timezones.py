"""The IANA time zones a person may choose, for validation and forms."""

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils import timezone


@cache
def time_zone_names() -> frozenset[str]:
    # "Factory" and "localtime" are tzdata artefacts, not places.
    return frozenset(available_timezones() - {"Factory", "localtime"})


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            "%(value)s is not a known time zone; use an IANA name such as Europe/Berlin.",
            code="unknown_time_zone",
            params={"value": value},
        )


def local_today(now: dt.datetime, time_zone: str) -> dt.date:
    """The date it is at the instant ``now`` in ``time_zone``."""
    return now.astimezone(ZoneInfo(time_zone)).date()


def today_for(person: object) -> dt.date:
    """The date it is now where the person is."""
    return local_today(timezone.now(), getattr(person, "time_zone", None) or "UTC")
