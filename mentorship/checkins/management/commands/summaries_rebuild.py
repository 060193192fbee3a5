"""Recompute the dashboard's check-in summaries from the check-ins
themselves: after check-ins were written with SQL rather than through the
app (a bulk load, a restore). The app keeps them current on its own."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from mentorship.checkins.summaries import summaries_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's check-in summaries from every check-in."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        pairings, days = summaries_rebuild()
        self.stdout.write(
            f"Rebuilt the activity of {pairings} pairings and {days} program-days "
            f"in {time.perf_counter() - started:.1f} s."
        )
