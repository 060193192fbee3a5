"""Due dates: where a plan step falls for a pairing starting on a given day."""

from __future__ import annotations

import datetime as dt

from mentorship.plans.models import PlanStep, StepAnchor


def step_due_on(step: PlanStep, *, starts_on: dt.date, promoted_on: dt.date | None) -> dt.date:
    """A step anchored on the promotion date that would fall before the
    pairing starts is due on the start date, never in the past. Without a
    known promotion date it counts from the start."""
    if step.anchor == StepAnchor.PROMOTION_DATE and promoted_on is not None:
        return max(starts_on, promoted_on + dt.timedelta(days=step.offset_days))
    return starts_on + dt.timedelta(days=step.offset_days)
