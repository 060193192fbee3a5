"""Who may do what: every "may this person…" question Scaffold asks,
answered in one place.

Each rule comes in two spellings built from the same definition, so that a
selector filtering a queryset and a service checking an object in hand can
never disagree:

- a **check** on objects in hand (``administers(person, program)``), for
  services and views;
- a **filter** (``administers_q(person, program="program_id")``), a ``Q``
  for querysets, for selectors. The keyword names the path from the
  queryset's model to the thing the rule is about.

Call them through the module (``from mentorship import access`` then
``access.administers(…)``): a rule changed here changes everywhere, and the
tests prove it by changing one and watching every surface follow.

What statuses count as live, open or closed is not a rule about people: it
lives on the models' querysets (``Pairing.objects.live()``…).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from itertools import permutations
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from mentorship.pairings.models import VISIBLE_TO_PARTICIPANTS, Pairing
from mentorship.people.models import Person
from mentorship.programs.models import (
    PARTICIPANT_VISIBLE_PROGRAM_STATUSES,
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
)

# A filter that keeps every row, and keeps them all when OR-ed with another
# (an empty ``Q()`` would vanish from an OR and leave only the other side).
EVERYTHING = ~Q(pk__in=[])
# A filter that keeps no row, and drops out of an OR with another (Django
# leaves an impossible alternative out of the SQL altogether).
NOTHING = Q(pk__in=[])

# --------------------------------------------------------------------------
# Roles


@dataclass(frozen=True)
class Roles:
    """What a person is in Scaffold; several can hold at once."""

    is_hr: bool = False
    administers_programs: bool = False
    is_mentor: bool = False
    is_mentee: bool = False
    is_line_manager: bool = False

    @property
    def is_program_admin(self) -> bool:
        return self.is_hr or self.administers_programs

    @property
    def names(self) -> list[str]:
        names = []
        if self.is_hr:
            names.append("hr")
        if self.is_program_admin:
            names.append("program_admin")
        if self.is_mentor:
            names.append("mentor")
        if self.is_mentee:
            names.append("mentee")
        if self.is_line_manager:
            names.append("line_manager")
        return names


def _takes_part(person_ref: Any, role: str) -> Exists:
    return Exists(
        Enrollment.objects.filter(
            person=person_ref,
            role=role,
            status=EnrollmentStatus.ACTIVE,
            program__status__in=PARTICIPANT_VISIBLE_PROGRAM_STATUSES,
        )
    )


def is_hr(person: Any) -> bool:
    """HR (or a superuser, who acts as HR): read off the person's own row,
    no query. The lists ask only this, on every request; ``roles`` answers
    the rest with one query."""
    return bool(
        getattr(person, "is_authenticated", False) and (person.is_hr or person.is_superuser)
    )


def roles(person: Any) -> Roles:
    """The roles a person holds. One query, then kept on the person object
    for the rest of the request. Anonymous: none."""
    if not getattr(person, "is_authenticated", False):
        return Roles()
    cached: Roles | None = getattr(person, "_scaffold_roles", None)
    if cached is not None:
        return cached
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            administers=_runs_a_program_exists(),
            mentors=_takes_part(OuterRef("pk"), EnrollmentRole.MENTOR),
            mentored=_takes_part(OuterRef("pk"), EnrollmentRole.MENTEE),
            manages_mentee=Exists(
                Enrollment.objects.filter(
                    line_manager_q(OuterRef("pk"), of="person__"),
                    role=EnrollmentRole.MENTEE,
                    status=EnrollmentStatus.ACTIVE,
                    program__status__in=PARTICIPANT_VISIBLE_PROGRAM_STATUSES,
                )
            ),
        )
        .values("administers", "mentors", "mentored", "manages_mentee")
        .first()
    )
    found = Roles(
        is_hr=is_hr(person),
        administers_programs=bool(row and row["administers"]),
        is_mentor=bool(row and row["mentors"]),
        is_mentee=bool(row and row["mentored"]),
        is_line_manager=bool(row and row["manages_mentee"]),
    )
    person._scaffold_roles = found
    return found


def manages_people(person: Person | Any) -> bool:
    """Who adds and edits people: HR only. A person is the whole company's:
    their address is how they sign in, their manager decides who sees their
    progress and whom matching keeps away from them, and they may be in
    programs other admins run. Program admins enroll people and change what
    belongs to their program (focus areas, capacity), not the person."""
    return is_hr(person)


# --------------------------------------------------------------------------
# Running a program: HR runs every program, a program admin the ones they
# are an admin of.


def administers_q(person: Person, *, program: str = "pk") -> Q:
    """Filter: rows whose program the person runs. ``program`` is the path
    to the program's id: ``"pk"`` on programs, ``"program_id"`` on pairings
    and enrollments, ``"pairing__program_id"`` on check-ins."""
    if is_hr(person):
        return EVERYTHING
    if not runs_a_program(person):
        # Most people run no program: saying so in the SQL (by leaving the
        # alternative out) lets the planner find the viewer's own rows by
        # index instead of testing every row of the table for an admin.
        return NOTHING
    return Q(
        Exists(
            Program.admins.through.objects.filter(program_id=OuterRef(program), person_id=person.pk)
        )
    )


def runs_a_program(person: Any) -> bool:
    """Is the person named an admin of any program? Known from ``roles``
    when that was asked already; else one indexed look-up, kept on the
    person for the rest of the request (the lists ask it on every request,
    and need none of the other roles)."""
    if not getattr(person, "is_authenticated", False):
        return False
    held: Roles | None = getattr(person, "_scaffold_roles", None)
    if held is not None:
        return held.administers_programs
    known: bool | None = getattr(person, "_scaffold_runs_a_program", None)
    if known is None:
        known = getattr(person, RUNS_A_PROGRAM, None)
    if known is None:
        known = Program.admins.through.objects.filter(person_id=person.pk).exists()
        person._scaffold_runs_a_program = known
    return known


# The annotation ``with_runs_a_program`` adds, which ``runs_a_program`` reads.
RUNS_A_PROGRAM = "runs_a_program_read"


def _runs_a_program_exists() -> Exists:
    return Exists(Program.admins.through.objects.filter(person_id=OuterRef("pk")))


def with_runs_a_program(people: QuerySet[Person]) -> QuerySet[Person]:
    """People read with whether each runs a program, which ``runs_a_program``
    then answers with no query of its own: the session's person is read so,
    as every list asks it."""
    return people.annotate(**{RUNS_A_PROGRAM: _runs_a_program_exists()})


def administers(person: Person, program: Program | int) -> bool:
    """Check: does the person run this program?"""
    program_id = program if isinstance(program, int) else program.pk
    return Program.objects.filter(administers_q(person), pk=program_id).exists()


def named_admins() -> QuerySet[Any]:
    """Every (program, person) pair where the person is named an admin of
    the program: whom a program's own mail (the weekly digest) goes to. HR
    runs every program without being named, and gets none of it."""
    return Program.admins.through.objects.all()


def require_administers(person: Person, program: Program | int) -> None:
    """For services: refuse anyone who does not run the program."""
    if not administers(person, program):
        raise PermissionDenied("Only the admins of this program can do that.")


# --------------------------------------------------------------------------
# Being one of the pair: the mentee and the mentor of a pairing.

PAIR_SIDES = ("mentee", "mentor")


def member_q(person: Person | Any, *, pairing: str = "") -> Q:
    """Filter: rows of pairings the person is one of the pair of.
    ``pairing`` is the path to the pairing: ``""`` on pairings,
    ``"pairing__"`` on check-ins, milestones and action items."""
    return reduce(operator.or_, (Q(**{f"{pairing}{side}": person}) for side in PAIR_SIDES))


def own_pairings_q(person: Person | Any, *, with_reports: bool = False) -> Q:
    """Filter on pairings: the person's own (``member_q``), and with
    ``with_reports`` those of the people who report to them. The same rows
    as the OR, found another way: each side by its own index, the ids
    united (``UNION ALL``), where an OR across a join would make the planner
    read every pairing of the company to find a mentor's one."""
    sides = [Pairing.objects.filter(**{side: person}).values("pk") for side in PAIR_SIDES]
    if with_reports:
        sides.append(Pairing.objects.filter(line_manager_q(person, of="mentee__")).values("pk"))
    first, *others = sides
    return Q(pk__in=first.union(*others, all=True))


def is_member(person: Person | Any, pairing: Pairing) -> bool:
    """Check: is the person the mentee or the mentor of this pairing?"""
    return person.pk is not None and person.pk in {
        getattr(pairing, f"{side}_id") for side in PAIR_SIDES
    }


def partner_q(person: Person | Any, *, of: str = "pk") -> Q:
    """Filter on people: those in an approved pairing with the person."""
    approved = Pairing.objects.visible_to_participants()
    return reduce(
        operator.or_,
        (
            Q(Exists(approved.filter(**{side: person, other: OuterRef(of)})))
            for side, other in permutations(PAIR_SIDES, 2)
        ),
    )


def require_member(person: Person, pairing: Pairing, message: str) -> None:
    """For services: refuse anyone but the pair, with the service's words."""
    if not is_member(person, pairing):
        raise PermissionDenied(message)


# --------------------------------------------------------------------------
# A check-in's shared part (notes, action items, the confidence pulse) is the
# pair's: not their line managers', not the program admins', not HR's.


def sees_shared_part_q(person: Person | Any, *, pairing: str = "pairing__") -> Q:
    return member_q(person, pairing=pairing)


def sees_shared_part(person: Person, pairing: Pairing) -> bool:
    return is_member(person, pairing)


# --------------------------------------------------------------------------
# Self-assessment ratings are the mentee's; their mentor reads them when the
# mentee shares them. Program admins and HR see only group aggregates.


def sees_ratings_q(person: Person | Any) -> Q:
    """Filter on assessments: the viewer's own, and those shared with them
    as the mentee's mentor in an approved pairing."""
    return Q(mentee=person) | Q(
        pairing__mentor=person,
        shared_with_mentor=True,
        pairing__status__in=VISIBLE_TO_PARTICIPANTS,
    )


# --------------------------------------------------------------------------
# Upward feedback results are the mentee's; their mentor reads a round the
# mentee shares. Nobody else reads a round: HR and program admins see only
# averages over groups of managers (upward/selectors.py).


def sees_upward_round_q(person: Person | Any) -> Q:
    return Q(pairing__mentee=person) | Q(
        pairing__mentor=person,
        shared_with_mentor=True,
        pairing__status__in=VISIBLE_TO_PARTICIPANTS,
    )


# --------------------------------------------------------------------------
# The agreement with the line manager is the mentee's and that manager's;
# the mentor reads it when the mentee shares it. HR and program admins see
# only that it was agreed and reviewed, and when.


def sees_agreement_q(person: Person | Any) -> Q:
    return (
        Q(pairing__mentee=person)
        | Q(line_manager=person)
        | Q(
            pairing__mentor=person,
            shared_with_mentor=True,
            pairing__status__in=VISIBLE_TO_PARTICIPANTS,
        )
    )


# --------------------------------------------------------------------------
# Line managers: a person's manager on the reporting line.


def line_manager_q(person: Person | Any, *, of: str = "") -> Q:
    """Filter: rows whose person at ``of`` reports to this person: ``""``
    on people, ``"mentee__"`` on pairings, ``"person__"`` on enrollments."""
    return Q(**{f"{of}manager": person})


def is_line_manager(person: Person, of: Person) -> bool:
    return of.manager_id is not None and of.manager_id == person.pk
