"""Recompute the dashboard's summaries (check-in activity and days, milestone
tallies) from the check-ins and milestones themselves: after either was
written with SQL rather than through the app (a bulk load, a restore). The
app keeps them current on its own."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from mentorship.checkins.summaries import summaries_rebuild
from mentorship.pairings.summaries import tallies_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's summaries from every check-in and milestone."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        pairings, days = summaries_rebuild()
        tallies = tallies_rebuild()
        self.stdout.write(
            f"Rebuilt the activity of {pairings} pairings, {days} program-days and "
            f"{tallies} milestone tallies in {time.perf_counter() - started:.1f} s."
        )
