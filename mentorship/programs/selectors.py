"""Reads about programs and enrollments, scoped to the person asking."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from mentorship import access
from mentorship.core.queries import subquery_count
from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.people.models import Person
from mentorship.programs.models import (
    PARTICIPANT_VISIBLE_PROGRAM_STATUSES,
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
)


def programs_visible_to(viewer: Person) -> QuerySet[Program]:
    """HR: every program. Program admins: the programs they run. Mentors and
    mentees: the live or closed programs they are enrolled in. Line
    managers: the programs their reports take part in as mentees."""
    takes_part = Exists(
        Enrollment.objects.filter(
            program=OuterRef("pk"), person=viewer, status=EnrollmentStatus.ACTIVE
        )
    )
    report_takes_part = Exists(
        Enrollment.objects.filter(
            access.line_manager_q(viewer, of="person__"),
            program=OuterRef("pk"),
            role=EnrollmentRole.MENTEE,
            status=EnrollmentStatus.ACTIVE,
        )
    )
    return Program.objects.select_related("plan").filter(
        access.administers_q(viewer)
        | (Q(status__in=PARTICIPANT_VISIBLE_PROGRAM_STATUSES) & (takes_part | report_takes_part))
    )


def programs_administered_by(viewer: Person) -> QuerySet[Program]:
    return Program.objects.select_related("plan").filter(access.administers_q(viewer))


def program_overview_for_admin(viewer: Person) -> QuerySet[Program]:
    """Programs an admin runs, each with its people and pairing counts, in
    one query."""

    def enrolled(role: str) -> object:
        return subquery_count(
            Enrollment.objects.filter(
                program=OuterRef("pk"), role=role, status=EnrollmentStatus.ACTIVE
            ),
            "program",
        )

    def pairings(status: str) -> object:
        return subquery_count(
            Pairing.objects.filter(program=OuterRef("pk"), status=status), "program"
        )

    return programs_administered_by(viewer).annotate(
        mentee_count=enrolled(EnrollmentRole.MENTEE),
        mentor_count=enrolled(EnrollmentRole.MENTOR),
        active_pairing_count=pairings(PairingStatus.ACTIVE),
        paused_pairing_count=pairings(PairingStatus.PAUSED),
        proposed_pairing_count=subquery_count(
            Pairing.objects.waiting_for_approval().filter(program=OuterRef("pk")), "program"
        ),
        approved_pairing_count=subquery_count(
            Pairing.objects.approved_to_start().filter(program=OuterRef("pk")), "program"
        ),
        closed_pairing_count=subquery_count(
            Pairing.objects.closed().filter(program=OuterRef("pk")), "program"
        ),
    )


def enrollments_visible_to(viewer: Person) -> QuerySet[Enrollment]:
    """HR: all. Program admins: their programs'. Everyone: their own."""
    return (
        Enrollment.objects.select_related("person", "program")
        .prefetch_related("focus_competencies")
        .filter(Q(person=viewer) | access.administers_q(viewer, program="program_id"))
    )


def program_roster(program: Program) -> QuerySet[Enrollment]:
    """A program's people for its admins: mentees then mentors, each with
    their open pairings here (a mentor's load), in one query plus the
    focus areas."""
    open_here = Pairing.objects.open().filter(program=OuterRef("program_id"))
    live_here = Pairing.objects.live().filter(program=OuterRef("program_id"))
    latest = (
        Pairing.objects.paired()
        .filter(program=OuterRef("program_id"), mentee=OuterRef("person_id"))
        .order_by("-created_at")
    )
    return (
        Enrollment.objects.filter(program=program)
        .select_related("person__department")
        .prefetch_related("focus_competencies")
        .annotate(
            as_mentee=subquery_count(open_here.filter(mentee=OuterRef("person_id")), "program"),
            as_mentor=subquery_count(open_here.filter(mentor=OuterRef("person_id")), "program"),
            # Under way (active or paused), either side: withdrawing waits for them to end.
            live_pairings=subquery_count(
                live_here.filter(Q(mentee=OuterRef("person_id")) | Q(mentor=OuterRef("person_id"))),
                "program",
            ),
            # A mentee's latest pairing here that is not a declined proposal.
            pairing_id=Subquery(latest.values("pk")[:1]),
            pairing_status=Subquery(latest.values("status")[:1]),
            pairing_mentor=Subquery(latest.values("mentor__full_name")[:1]),
        )
        # Those taking part first, then those withdrawn; each by name.
        .order_by(
            Case(When(status=EnrollmentStatus.ACTIVE, then=Value(0)), default=Value(1)),
            "role",
            "person__full_name",
        )
    )


def mentoring_places_of(person: Person) -> QuerySet[Enrollment]:
    """The active programs a person mentors in, with how many
    mentees they have there (``taken``, proposals included): one query."""
    open_here = Pairing.objects.open().filter(
        program=OuterRef("program_id"), mentor=OuterRef("person_id")
    )
    return (
        Enrollment.objects.filter(
            person=person, role=EnrollmentRole.MENTOR, status=EnrollmentStatus.ACTIVE
        )
        .filter(program__status=ProgramStatus.ACTIVE)
        .select_related("program", "person")
        .annotate(taken=subquery_count(open_here, "program"))
        .order_by("program__name")
    )


def enrollment_capacity(enrollment: Enrollment) -> int:
    """How many mentees this mentor takes in this program."""
    if enrollment.capacity is not None:
        return enrollment.capacity
    return enrollment.person.default_mentor_capacity


def mentees_without_focus(roster: Iterable[Enrollment]) -> list[Enrollment]:
    """Of a loaded ``program_roster``, the mentees still waiting for a mentor
    who have no focus areas: matching can only use department, time zone and
    experience for them. No query: the roster carries what it needs."""
    return [
        enrollment
        for enrollment in roster
        if enrollment.role == EnrollmentRole.MENTEE
        and enrollment.status == EnrollmentStatus.ACTIVE
        and enrollment.pairing_id is None  # type: ignore[attr-defined]
        and not enrollment.focus_competencies.all()
    ]
