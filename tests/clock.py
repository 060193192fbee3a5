"""Run the whole suite at another moment, to prove it passes on any day.

``SCAFFOLD_TEST_CLOCK`` names the moment the run starts at, as an ISO 8601
instant (``2028-02-29T10:30:00Z``) or a number of days ahead (``+548``).
The pytest process travels there with time-machine before anything reads
the clock, and the clock keeps ticking from there. Child processes the
tests start (Celery workers) inherit the same offset through
``SCAFFOLD_TEST_CLOCK_OFFSET`` and start with ``python -m tests.clock …``,
so every Python process of the run agrees on what time it is. Servers the
run does not start (PostgreSQL, Redis, Chromium) keep the real time, which
is harmless: nothing in Scaffold asks them for the time of day.

Loaded with ``-p`` (see pyproject.toml), so it runs before Django is set up.
Without the variable it does nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import runpy
import sys

import pytest

CLOCK_ENV = "SCAFFOLD_TEST_CLOCK"
OFFSET_ENV = "SCAFFOLD_TEST_CLOCK_OFFSET"

_traveller: list[object] = []


def _parse(value: str) -> dt.datetime:
    value = value.strip()
    now = dt.datetime.now(dt.UTC)
    if value.startswith("+"):
        return now + dt.timedelta(days=float(value[1:]))
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{CLOCK_ENV}={value!r}: give the moment with its UTC offset.")
    return moment


def offset_seconds() -> float | None:
    """How far this run's clock is from the real one (None: not moved)."""
    if OFFSET_ENV in os.environ:
        return float(os.environ[OFFSET_ENV])
    value = os.environ.get(CLOCK_ENV, "").strip()
    if not value:
        return None
    offset = (_parse(value) - dt.datetime.now(dt.UTC)).total_seconds()
    # Children compute nothing themselves: they take the parent's offset.
    os.environ[OFFSET_ENV] = repr(offset)
    return offset


def start() -> dt.datetime | None:
    """Move this process's clock by the run's offset; returns the moment."""
    offset = offset_seconds()
    if offset is None or _traveller:
        return None
    import time_machine

    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset)
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    _traveller.append(traveller)
    return moment


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: object, args: list[str]
) -> None:
    start()


def pytest_report_header(config: pytest.Config) -> str | None:
    if not _traveller:
        return None
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return f"clock moved by {CLOCK_ENV}: the run starts at {now}"


if __name__ == "__main__":
    # python -m tests.clock <module> [args…]: run a module (celery, say) as
    # `python -m <module>` would, on this run's clock.
    start()
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
