"""The summaries the dashboard reads instead of a million check-ins.

- ``PairingActivity``: per pairing, how many check-ins, the day of the last,
  the two newest confidence pulses, the newest week split's week and share
  of individual work. The at-risk list and "days since the last check-in"
  read one row per pairing shown.
- ``CheckInDay``: per program and day, how many check-ins. The weekly chart
  and "check-ins in the last 30 days" read at most 84 rows per program.

They are kept in the transaction that writes a check-in
(``summaries_checkin_saved``, called by ``checkin_log`` and
``checkin_edit``; ``summaries_split_saved``, by ``week_split_record``),
so the dashboard is never behind. A pairing's activity
is recomputed from its own check-ins under a lock on the pairing (a few
hundred rows at most, on the pairing's index); a day's count moves by one
with an atomic increment, so two people logging at once in one program
both count. ``summaries_rebuild`` (``manage.py summaries_rebuild``) recomputes both
from scratch: after a bulk load (the demo, the benchmark), in the data
migration, or by an operator who wrote check-ins with SQL.
tests/checkins/test_summaries.py proves the kept figures equal the rebuilt
ones and the raw aggregates.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Window
from django.db.models.functions import RowNumber

from mentorship.checkins.models import CheckIn, CheckInDay, PairingActivity, WeekSplit
from mentorship.pairings.models import Pairing

# The newest pulse first: by day, then by when it was logged.
PULSE_ORDER = ("-occurred_on", "-created_at", "-id")


def summaries_checkin_saved(
    checkin: CheckIn, *, was: tuple[int, dt.date] | None = None, pulse_changed: bool = True
) -> None:
    """Bring both summaries up to date after ``checkin`` was logged (``was``
    None) or edited (``was``: its program and day before). Call it inside
    the transaction that wrote the check-in."""
    pairing_id = checkin.pairing_id
    # Whoever writes a check-in of this pairing waits here until we commit,
    # so each counts the other's check-in. (NO KEY UPDATE: inserting a
    # check-in takes a KEY SHARE lock on its pairing, which this must not
    # wait for, or two writers would wait for each other.)
    list(Pairing.objects.select_for_update(no_key=True).filter(pk=pairing_id).values_list("pk"))
    now = (checkin.pairing.program_id, checkin.occurred_on)
    if was != now:
        moves = Counter({now: 1})
        if was is not None:
            moves[was] -= 1
        # In one order everywhere: two edits moving check-ins between the
        # same two days in opposite directions cannot wait for each other.
        for (program_id, day), delta in sorted(moves.items()):
            _add_to_day(program_id, day, delta)
    if was is None or was != now or pulse_changed:
        _refresh_activity(pairing_id)


def _add_to_day(program_id: int, day: dt.date, delta: int) -> None:
    days = CheckInDay.objects.filter(program_id=program_id, day=day)
    if days.update(checkins=F("checkins") + delta):
        return
    try:
        with transaction.atomic():
            CheckInDay.objects.create(program_id=program_id, day=day, checkins=max(delta, 0))
    except IntegrityError:  # someone else made the day's row meanwhile
        days.update(checkins=F("checkins") + delta)


def _refresh_activity(pairing_id: int) -> None:
    checkins = CheckIn.objects.filter(pairing_id=pairing_id)
    totals = checkins.aggregate(n=Count("pk"), last=Max("occurred_on"))
    pulses = list(
        checkins.filter(confidence_pulse__isnull=False)
        .order_by(*PULSE_ORDER)
        .values_list("confidence_pulse", flat=True)[:2]
    )
    PairingActivity.objects.update_or_create(
        pairing_id=pairing_id,
        defaults={
            "checkins": totals["n"],
            "last_checkin_on": totals["last"],
            "latest_pulse": pulses[0] if pulses else None,
            "previous_pulse": pulses[1] if len(pulses) > 1 else None,
        },
    )


def summaries_split_saved(pairing_id: int) -> None:
    """Bring the pairing's newest week split into its activity row, inside
    the transaction that wrote a split."""
    newest = (
        WeekSplit.objects.filter(pairing_id=pairing_id)
        .order_by("-week_of")
        .values_list("week_of", "individual")
        .first()
    )
    week, individual = newest if newest else (None, None)
    PairingActivity.objects.update_or_create(
        pairing_id=pairing_id,
        defaults={"latest_split_week": week, "latest_individual_share": individual},
    )


def summaries_rebuild() -> tuple[int, int]:
    """Recompute both summaries from every check-in. Returns how many
    pairing rows and day rows there are now."""
    return rebuild(checkin=CheckIn, activity=PairingActivity, day=CheckInDay, split=WeekSplit)


def rebuild(*, checkin: Any, activity: Any, day: Any, split: Any = None) -> tuple[int, int]:
    """The rebuild itself, over the given models, so the data migration can
    run it with the models as they were then (``split`` None: before week
    splits): four aggregate queries and two bulk inserts, whatever the
    number of check-ins."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers of check-ins wait until the rebuild commits, then add
            # their own check-in to the rebuilt figures (the rebuild cannot
            # see it before they commit); one that already wrote its
            # figures is waited for and counted.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {activity._meta.db_table}, {day._meta.db_table} IN EXCLUSIVE MODE"
                )
        activity.objects.all().delete()
        day.objects.all().delete()
        rows = {
            row["pairing_id"]: activity(
                pairing_id=row["pairing_id"], checkins=row["n"], last_checkin_on=row["last"]
            )
            for row in checkin.objects.values("pairing_id")
            .annotate(n=Count("pk"), last=Max("occurred_on"))
            .order_by()
        }
        ranked = (
            checkin.objects.filter(confidence_pulse__isnull=False)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("pairing_id")],
                    order_by=[F("occurred_on").desc(), F("created_at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=2)
            .values_list("pairing_id", "rank", "confidence_pulse")
        )
        for pairing_id, rank, pulse in ranked:
            if rank == 1:
                rows[pairing_id].latest_pulse = pulse
            else:
                rows[pairing_id].previous_pulse = pulse
        if split is not None:
            newest = (
                split.objects.annotate(
                    rank=Window(
                        RowNumber(), partition_by=[F("pairing_id")], order_by=[F("week_of").desc()]
                    )
                )
                .filter(rank=1)
                .values_list("pairing_id", "week_of", "individual")
            )
            for pairing_id, week, individual in newest:
                row = rows.setdefault(pairing_id, activity(pairing_id=pairing_id, checkins=0))
                row.latest_split_week, row.latest_individual_share = week, individual
        activity.objects.bulk_create(rows.values(), batch_size=2000)
        days = [
            day(program_id=program_id, day=on, checkins=n)
            for program_id, on, n in checkin.objects.values_list(
                "pairing__program_id", "occurred_on"
            )
            .annotate(n=Count("pk"))
            .order_by()
        ]
        day.objects.bulk_create(days, batch_size=2000)
    return len(rows), len(days)
