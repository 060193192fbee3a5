"""Reads about pairings and milestones, scoped to the person asking."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Case, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from mentorship import access
from mentorship.core.queries import subquery_count
from mentorship.pairings import matching
from mentorship.pairings.models import (
    REPLACED_BY_MATCHING,
    VISIBLE_TO_PARTICIPANTS,
    MatchingRun,
    Milestone,
    MilestoneStatus,
    Pairing,
    PairingChangeRequest,
    PairingQuerySet,
    PairingSource,
    PairingStatus,
)
from mentorship.people.models import Competency, Person
from mentorship.programs.models import (
    PARTICIPANT_VISIBLE_PROGRAM_STATUSES,
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
)
from mentorship.programs.selectors import enrollment_capacity


def pairings_visible_to(viewer: Person) -> PairingQuerySet:
    """HR: all. Program admins: their programs' pairings. Mentor, mentee and
    the mentee's line manager: their own pairings once approved (proposals
    stay with HR until then)."""
    pairings = Pairing.objects.select_related(
        "program", "mentee", "mentor", "mentee__department", "mentor__department"
    )
    if access.is_hr(viewer):
        return pairings.annotate(viewer_is_line_manager_only=Value(False))
    administered = access.administers_q(viewer, program="program_id")
    in_pair = access.member_q(viewer)
    own = Q(status__in=VISIBLE_TO_PARTICIPANTS) & access.own_pairings_q(viewer, with_reports=True)
    # A line manager sees that their report is in a program, the status and
    # the milestone progress: not why the pair was matched, nor why it
    # paused or ended, nor its outcome.
    return pairings.filter(administered | own).annotate(
        viewer_is_line_manager_only=Case(
            When(administered | in_pair, then=Value(False)), default=Value(True)
        )
    )


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
    milestones = Milestone.objects.select_related("pairing", "competency")
    if access.is_hr(viewer):
        return milestones
    return milestones.filter(pairing__in=pairings_visible_to(viewer).order_by().values("pk"))


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


# --------------------------------------------------------------------------
# Matching


def matching_runs_for(viewer: Person, program: Program) -> QuerySet[MatchingRun]:
    """A program's matching runs, for those who run the program."""
    if not access.administers(viewer, program):
        return MatchingRun.objects.none()
    return MatchingRun.objects.filter(program=program).select_related("requested_by")


def proposals_for(viewer: Person, program: Program) -> QuerySet[Pairing]:
    """Proposed pairings of a program, best first, for its admins."""
    return (
        pairings_visible_to(viewer)
        .filter(program=program, status=PairingStatus.PROPOSED)
        .order_by("-match_score", "mentee__full_name", "pk")
    )


@dataclass
class Cohort:
    """The people of one program, shaped for the matching engine."""

    mentees: list[matching.Mentee]
    mentors: list[matching.Mentor]
    competency_names: dict[int, str]
    weights: matching.Weights


def _utc_offset_minutes(time_zone: str, moment: dt.datetime) -> int:
    offset = moment.astimezone(zoneinfo.ZoneInfo(time_zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _chains(person_ids: set[int]) -> dict[int, frozenset[int]]:
    """Everyone above each person in the reporting line, from one query over
    the whole reporting graph (cycles, which the import refuses, end a walk)."""
    manager_of = dict(Person.objects.filter(manager__isnull=False).values_list("pk", "manager_id"))
    chains: dict[int, frozenset[int]] = {}
    for person_id in person_ids:
        above: list[int] = []
        current = manager_of.get(person_id)
        while current is not None and current not in above and current != person_id:
            above.append(current)
            current = manager_of.get(current)
        chains[person_id] = frozenset(above)
    return chains


def program_weights(program: Program) -> matching.Weights:
    return matching.Weights(
        focus=program.weight_competency,
        department=program.weight_department,
        time_zone=program.weight_time_zone,
        experience=program.weight_experience,
    )


def matching_cohort(
    program: Program,
    *,
    now: dt.datetime | None = None,
    mentee_ids: set[int] | None = None,
    exclude_pairing: Pairing | None = None,
) -> Cohort:
    """Active mentees without an open pairing (or just ``mentee_ids``) and
    active mentors with their free slots, in a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_pairings = Pairing.objects.open().filter(program=program)
    if exclude_pairing is not None:
        open_pairings = open_pairings.exclude(pk=exclude_pairing.pk)

    def enrolled(role: str) -> QuerySet[Enrollment]:
        return (
            Enrollment.objects.filter(
                program=program, role=role, status=EnrollmentStatus.ACTIVE, person__is_active=True
            )
            .select_related("person")
            .order_by("person_id")
        )

    mentee_enrollments = enrolled(EnrollmentRole.MENTEE).prefetch_related("focus_competencies")
    if mentee_ids is not None:
        mentee_enrollments = mentee_enrollments.filter(person_id__in=mentee_ids)
    else:
        mentee_enrollments = mentee_enrollments.exclude(
            person_id__in=Pairing.objects.paired().filter(program=program).values("mentee_id")
        )
    mentor_enrollments = (
        enrolled(EnrollmentRole.MENTOR)
        .prefetch_related("person__expertise")
        .annotate(
            taken=subquery_count(
                open_pairings.filter(mentor_id=OuterRef("person_id")).order_by(), "mentor"
            )
        )
        .order_by("person_id")
    )
    mentee_rows = list(mentee_enrollments)
    mentor_rows = list(mentor_enrollments)
    # Pairs a program admin declined, or ended to find the mentee another
    # mentor, are never proposed again.
    declined: dict[int, set[int]] = {}
    for mentee_id, mentor_id in (
        Pairing.objects.filter(
            Q(status=PairingStatus.DECLINED) | Q(ended_for_rematch=True), program=program
        )
        .exclude(close_reason=REPLACED_BY_MATCHING)
        .values_list("mentee_id", "mentor_id")
    ):
        declined.setdefault(mentee_id, set()).add(mentor_id)
    chains = _chains({e.person_id for e in mentee_rows} | {e.person_id for e in mentor_rows})

    def years(person: Person) -> float | None:
        if person.became_manager_on is None:
            return None
        return max(0.0, (today - person.became_manager_on).days / 365.25)

    mentees = [
        matching.Mentee(
            id=e.person_id,
            name=e.person.full_name,
            focus=frozenset(c.pk for c in e.focus_competencies.all()),
            department_id=e.person.department_id,
            utc_offset_minutes=_utc_offset_minutes(e.person.time_zone, now),
            managers=chains[e.person_id],
            declined=frozenset(declined.get(e.person_id, ())),
        )
        for e in mentee_rows
    ]
    mentors = [
        matching.Mentor(
            id=e.person_id,
            name=e.person.full_name,
            expertise=frozenset(c.pk for c in e.person.expertise.all()),
            department_id=e.person.department_id,
            utc_offset_minutes=_utc_offset_minutes(e.person.time_zone, now),
            years_managing=years(e.person),
            managers=chains[e.person_id],
            slots=max(0, enrollment_capacity(e) - e.taken),
        )
        for e in mentor_rows
    ]
    return Cohort(
        mentees=mentees,
        mentors=mentors,
        competency_names=dict(Competency.objects.values_list("pk", "name")),
        weights=program_weights(program),
    )


def mentor_alternatives(
    pairing: Pairing, *, limit: int | None = 10, now: dt.datetime | None = None
) -> list[matching.Proposal]:
    """Every mentor this proposal's mentee could have instead, with room
    left (counting this proposal's slot as free), best first."""
    cohort = matching_cohort(
        pairing.program, now=now, mentee_ids={pairing.mentee_id}, exclude_pairing=pairing
    )
    if not cohort.mentees:
        return []
    return matching.rank_mentors(
        cohort.mentees[0], cohort.mentors, cohort.weights, cohort.competency_names, limit=limit
    )


def matching_runs_visible_to(viewer: Person) -> QuerySet[MatchingRun]:
    """Matching runs of the programs the viewer runs."""
    return MatchingRun.objects.filter(
        access.administers_q(viewer, program="program_id")
    ).select_related("program")


def proposals_visible_to(viewer: Person) -> QuerySet[Pairing]:
    """Proposed pairings: only admins of the program see them."""
    return pairings_visible_to(viewer).filter(status=PairingStatus.PROPOSED)


def change_requests_visible_to(viewer: Person) -> QuerySet[PairingChangeRequest]:
    """Requests to pause or end a pairing: the pair who asked, and the admins
    of the program who decide. (A line manager sees the pairing, not these.)"""
    return PairingChangeRequest.objects.select_related(
        "pairing__program", "requested_by", "decided_by"
    ).filter(
        access.administers_q(viewer, program="pairing__program_id")
        | access.member_q(viewer, pairing="pairing__")
    )


def mentor_recommendations(
    mentee: Person, program: Program, *, limit: int | None = 3
) -> list[matching.Proposal]:
    """For a mentee still waiting in an active program: the best feasible
    mentors with room, with the reasons. Empty once they have a pairing."""
    if program.status != ProgramStatus.ACTIVE:
        return []
    cohort = matching_cohort(program, mentee_ids={mentee.pk})
    if not cohort.mentees:
        return []
    if Pairing.objects.paired().filter(program=program, mentee=mentee).exists():
        return []
    return matching.rank_mentors(
        cohort.mentees[0], cohort.mentors, cohort.weights, cohort.competency_names, limit=limit
    )


def programs_waiting_for_a_mentor(mentee: Person) -> QuerySet[Program]:
    """Active programs where this person is an enrolled mentee with no open pairing."""
    return Program.objects.filter(
        status=ProgramStatus.ACTIVE,
        enrollments__person=mentee,
        enrollments__role=EnrollmentRole.MENTEE,
        enrollments__status=EnrollmentStatus.ACTIVE,
    ).exclude(pk__in=Pairing.objects.paired().filter(mentee=mentee).values("program_id"))


def with_mentors(ranked: list[matching.Proposal]) -> list[tuple[matching.Proposal, Person]]:
    """Each ranked proposal with its mentor (and department), in one query."""
    mentors = Person.objects.select_related("department").in_bulk([r.mentor_id for r in ranked])
    return [(r, mentors[r.mentor_id]) for r in ranked]


def recommended_mentors(mentee: Person, program: Program) -> list[tuple[matching.Proposal, Person]]:
    return with_mentors(mentor_recommendations(mentee, program))


def waiting_for_a_mentor(person: Person) -> list[dict[str, object]]:
    """Each program where the person waits for a mentor: the mentors
    recommended to them, or the request they made."""
    programs = list(programs_waiting_for_a_mentor(person))
    enrollments = {
        e.program_id: e
        for e in Enrollment.objects.filter(
            person=person,
            role=EnrollmentRole.MENTEE,
            status=EnrollmentStatus.ACTIVE,
            program__in=[p.pk for p in programs],
        ).prefetch_related("focus_competencies")
    }
    waiting: list[dict[str, object]] = [
        {
            "program": program,
            "enrollment": enrollments.get(program.pk),
            "recommendations": recommended_mentors(person, program),
        }
        for program in programs
    ]
    proposals = Pairing.objects.filter(
        mentee=person,
        status=PairingStatus.PROPOSED,
        program__status__in=PARTICIPANT_VISIBLE_PROGRAM_STATUSES,
    ).select_related("mentor", "program")
    for pairing in proposals:
        if pairing.source == PairingSource.REQUEST:
            waiting.append({"program": pairing.program, "requested": pairing})
        else:
            # Proposed by matching or by hand: the mentor is not named until
            # the program admins approve, but the mentee knows it is coming.
            waiting.append({"program": pairing.program, "being_matched": True})
    return waiting
