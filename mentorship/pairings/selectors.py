"""Reads about pairings and milestones, scoped to the person asking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from mentorship.core.queries import subquery_count
from mentorship.pairings.models import Milestone, MilestoneStatus, Pairing
from mentorship.people.models import Person
from mentorship.people.selectors import VISIBLE_TO_PARTICIPANTS, roles_for
from mentorship.programs.models import Program


def pairings_visible_to(viewer: Person) -> QuerySet[Pairing]:
    """HR: all. Program admins: their programs' pairings. Mentor, mentee and
    the mentee's line manager: their own pairings once approved (proposals
    stay with HR until then)."""
    pairings = Pairing.objects.select_related(
        "program", "mentee", "mentor", "mentee__department", "mentor__department"
    )
    if roles_for(viewer).is_hr:
        return pairings
    administered = Exists(
        Program.admins.through.objects.filter(
            program_id=OuterRef("program_id"), person_id=viewer.pk
        )
    )
    own = Q(status__in=VISIBLE_TO_PARTICIPANTS) & (
        Q(mentee=viewer) | Q(mentor=viewer) | Q(mentee__manager=viewer)
    )
    return pairings.filter(administered | own)


def with_milestone_progress(
    pairings: QuerySet[Pairing], *, today: dt.date | None = None
) -> QuerySet[Pairing]:
    """Annotate done / total / overdue milestone counts, without a join per row."""
    today = today or timezone.localdate()
    of_pairing = Milestone.objects.filter(pairing=OuterRef("pk"))
    return pairings.annotate(
        milestones_total=subquery_count(of_pairing, "pairing"),
        milestones_done=subquery_count(of_pairing.filter(status=MilestoneStatus.DONE), "pairing"),
        milestones_overdue=subquery_count(
            of_pairing.filter(status=MilestoneStatus.OPEN, due_on__lt=today), "pairing"
        ),
    )


def milestones_visible_to(viewer: Person) -> QuerySet[Milestone]:
    """Milestones of the pairings the viewer can see."""
    return Milestone.objects.select_related("pairing", "competency").filter(
        pairing__in=pairings_visible_to(viewer).order_by().values("pk")
    )


def upcoming_milestones(
    viewer: Person, pairing_ids: list[int], *, limit: int = 5
) -> list[Milestone]:
    """The next open milestones of some of the viewer's pairings, soonest first."""
    return list(
        milestones_visible_to(viewer)
        .filter(pairing_id__in=pairing_ids, status=MilestoneStatus.OPEN)
        .order_by("due_on", "position")[:limit]
    )


def pairing_visible_to(viewer: Person, pairing_id: int) -> Pairing | None:
    return pairings_visible_to(viewer).filter(pk=pairing_id).first()


def is_pair_member(viewer: Person, pairing: Pairing) -> bool:
    return viewer.pk in (pairing.mentee_id, pairing.mentor_id)


@dataclass
class Timeline:
    """A pairing's plan as the pair sees it: what is late, what is this
    week, what comes later, and what is behind them."""

    overdue: list[Milestone] = field(default_factory=list)
    this_week: list[Milestone] = field(default_factory=list)
    upcoming: list[Milestone] = field(default_factory=list)
    closed: list[Milestone] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.this_week) + len(self.upcoming) + len(self.closed)


def milestone_timeline(pairing: Pairing, *, today: dt.date) -> Timeline:
    timeline = Timeline()
    week_end = today + dt.timedelta(days=7)
    milestones = pairing.milestones.select_related("competency", "completed_by").order_by(
        "due_on", "position"
    )
    for milestone in milestones:
        if milestone.status != MilestoneStatus.OPEN:
            timeline.closed.append(milestone)
        elif milestone.due_on < today:
            timeline.overdue.append(milestone)
        elif milestone.due_on < week_end:
            timeline.this_week.append(milestone)
        else:
            timeline.upcoming.append(milestone)
    timeline.closed.sort(key=lambda m: m.completed_at or m.updated_at, reverse=True)
    return timeline
