"""The tools that prove the suite passes on any day: the ``clock`` marker
sets the time before any fixture builds data, and a moved run's child
processes (Celery workers) share its clock."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from tests.clock import OFFSET_ENV
from tests.fixtures.personas import Personas

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.clock("2031-02-28T23:30:00Z")
def test_the_marker_is_in_place_before_fixtures_build_data(personas: Personas) -> None:
    assert timezone.now() == dt.datetime(2031, 2, 28, 23, 30, tzinfo=dt.UTC)
    assert personas.mentee.date_joined.date() == dt.date(2031, 2, 28)
    assert personas.pairing.starts_on is not None
    assert personas.pairing.starts_on.year == 2031


def test_a_child_process_takes_the_runs_offset() -> None:
    ahead = 86400 * 548
    env = {**os.environ, OFFSET_ENV: str(ahead)}
    out = subprocess.run(
        [sys.executable, "-m", "tests.clock", "tests.fixtures.print_clock"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    child_now = float(out.stdout.strip())
    # The child's clock runs 548 days ahead of this process's own (which may
    # itself have been moved), give or take the time it took to start.
    expected = dt.datetime.now(dt.UTC).timestamp() + ahead - float(os.environ.get(OFFSET_ENV, "0"))
    assert abs(child_now - expected) < 60
