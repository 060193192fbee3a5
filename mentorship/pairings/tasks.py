"""Thin tasks over pairings.services."""

from __future__ import annotations

from celery import shared_task

from mentorship.pairings.models import MatchingRun

# Modules, not names: the services queue these tasks in turn.
from mentorship.pairings.services import lifecycle, matching


# acks_late + reject_on_worker_lost: a run whose worker dies is delivered
# again; its writes were one transaction, so the second try starts clean.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def run_matching(run_id: int) -> str:
    run = MatchingRun.objects.select_related("program", "requested_by").filter(pk=run_id).first()
    if run is None:
        return "gone"
    return matching.matching_execute(run=run).status


@shared_task
def complete_pairings_past_end() -> int:
    """Beat, hourly: pairings whose last day has passed are completed."""
    return lifecycle.pairings_complete_past_end()
