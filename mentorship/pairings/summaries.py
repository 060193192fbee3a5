"""The milestone tallies the dashboard reads instead of every milestone.

``MilestoneTally`` counts a program's milestones by competency, day into
the pairing, due date and state (open, done on time, done late, skipped).
The completion figures (per competency, overall, over the 90 days) need
nothing finer: whether an open milestone is overdue, or a milestone is due
yet, is its due date against today, read at query time.

They are kept in the transaction that writes milestones: a plan copied onto
a pairing adds its milestones (``tally_milestones_added``), closing or
reopening one moves it between states (``tally_milestone_moved``). A tally
moves by an atomic increment, in one order everywhere, so two people
closing milestones of one program at once both count and never wait for each
other in a cycle. ``tallies_rebuild`` recomputes every tally from the
milestones: after a bulk load, in the data migration, from
``manage.py summaries_rebuild``. tests/pairings/test_tallies.py proves the
kept tallies equal the rebuilt ones and the raw aggregates.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate

from mentorship.pairings.models import (
    VISIBLE_TO_PARTICIPANTS,
    Milestone,
    MilestoneStatus,
    MilestoneTally,
    Pairing,
    TallyState,
)

type TallyKey = tuple[int, int, int, dt.date, str]


def tally_state(status: str, completed_at: dt.datetime | None, due_on: dt.date) -> str:
    if status == MilestoneStatus.OPEN:
        return TallyState.OPEN
    if status == MilestoneStatus.SKIPPED:
        return TallyState.SKIPPED
    assert completed_at is not None
    on_time = completed_at.astimezone(dt.UTC).date() <= due_on
    return TallyState.ON_TIME if on_time else TallyState.LATE


def _key(milestone: Milestone, pairing: Pairing, state: str) -> TallyKey | None:
    if pairing.starts_on is None or pairing.status not in VISIBLE_TO_PARTICIPANTS:
        return None  # not started: not on the dashboard (and no plan copied yet)
    return (
        pairing.program_id,
        milestone.competency_id or 0,
        (milestone.due_on - pairing.starts_on).days,
        milestone.due_on,
        state,
    )


def tally_milestones_added(pairing: Pairing, milestones: Iterable[Milestone]) -> None:
    """Count milestones just created on ``pairing``, in the same transaction."""
    moves: Counter[TallyKey] = Counter()
    for milestone in milestones:
        state = tally_state(milestone.status, milestone.completed_at, milestone.due_on)
        if key := _key(milestone, pairing, state):
            moves[key] += 1
    _apply(moves)


def tally_milestone_moved(milestone: Milestone, *, was: str) -> None:
    """``milestone`` (its pairing loaded) changed state; ``was`` is its
    ``tally_state`` before. Call it in the transaction that saved it."""
    now = tally_state(milestone.status, milestone.completed_at, milestone.due_on)
    if now == was:
        return
    pairing = milestone.pairing
    before, after = _key(milestone, pairing, was), _key(milestone, pairing, now)
    if before is None or after is None:
        return
    _apply(Counter({before: -1, after: 1}))


def _apply(moves: Counter[TallyKey]) -> None:
    # Sorted: two writers moving milestones between the same tallies in
    # opposite directions take the row locks in the same order.
    for key, delta in sorted(moves.items()):
        if delta:
            _add(key, delta)


def _add(key: TallyKey, delta: int) -> None:
    program_id, competency_key, offset_days, due_on, state = key
    fields = {
        "program_id": program_id,
        "competency_key": competency_key,
        "offset_days": offset_days,
        "due_on": due_on,
        "state": state,
    }
    tallies = MilestoneTally.objects.filter(**fields)
    if tallies.update(milestones=F("milestones") + delta):
        return
    try:
        with transaction.atomic():
            MilestoneTally.objects.create(**fields, milestones=delta)
    except IntegrityError:  # someone else made the row meanwhile
        tallies.update(milestones=F("milestones") + delta)


def tallies_rebuild() -> int:
    """Recompute every tally from the milestones. Returns how many tally
    rows there are now."""
    return rebuild(milestone=Milestone, tally=MilestoneTally)


def rebuild(*, milestone: Any, tally: Any) -> int:
    """The rebuild itself, over the given models (the data migration passes
    the models as they were then): one read of the milestones' keys, grouped,
    and one bulk insert."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers wait until the rebuild commits, then move their own
            # milestone on the rebuilt tallies.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tally._meta.db_table} IN EXCLUSIVE MODE")
        tally.objects.all().delete()
        counts: Counter[TallyKey] = Counter()
        rows = (
            milestone.objects.filter(
                pairing__status__in=VISIBLE_TO_PARTICIPANTS, pairing__starts_on__isnull=False
            )
            .values_list(
                "pairing__program_id",
                "competency_id",
                "pairing__starts_on",
                "due_on",
                "status",
                TruncDate("completed_at", tzinfo=dt.UTC),
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
        for program_id, competency_id, starts_on, due_on, status, closed_on, n in rows:
            if status == MilestoneStatus.DONE:
                state: str = TallyState.ON_TIME if closed_on <= due_on else TallyState.LATE
            else:
                state = tally_state(status, None, due_on)
            counts[(program_id, competency_id or 0, (due_on - starts_on).days, due_on, state)] += n
        tally.objects.bulk_create(
            [
                tally(
                    program_id=program_id,
                    competency_key=competency_key,
                    offset_days=offset_days,
                    due_on=due_on,
                    state=state,
                    milestones=n,
                )
                for (program_id, competency_key, offset_days, due_on, state), n in counts.items()
            ],
            batch_size=5_000,
        )
        return len(counts)
