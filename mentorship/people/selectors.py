"""Reads about people, always scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.people.models import ApiToken, Competency, Department, Person, PersonImport
from mentorship.programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
)

# Pairings a participant can see: proposals stay with HR until approved.
VISIBLE_TO_PARTICIPANTS = (
    PairingStatus.ACTIVE,
    PairingStatus.PAUSED,
    PairingStatus.COMPLETED,
    PairingStatus.ENDED,
)


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


def _live_enrollment(person_ref: Any, role: str) -> Exists:
    return Exists(
        Enrollment.objects.filter(
            person=person_ref,
            role=role,
            status=EnrollmentStatus.ACTIVE,
            program__status__in=[ProgramStatus.ACTIVE, ProgramStatus.CLOSED],
        )
    )


def roles_for(person: Any) -> Roles:
    """One query, then cached on the person object for the request."""
    if not getattr(person, "is_authenticated", False):
        return Roles()
    cached: Roles | None = getattr(person, "_scaffold_roles", None)
    if cached is not None:
        return cached
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            administers=Exists(Program.objects.filter(admins=OuterRef("pk"))),
            mentors=_live_enrollment(OuterRef("pk"), EnrollmentRole.MENTOR),
            mentored=_live_enrollment(OuterRef("pk"), EnrollmentRole.MENTEE),
            manages_mentee=Exists(
                Enrollment.objects.filter(
                    person__manager=OuterRef("pk"),
                    role=EnrollmentRole.MENTEE,
                    status=EnrollmentStatus.ACTIVE,
                    program__status__in=[ProgramStatus.ACTIVE, ProgramStatus.CLOSED],
                )
            ),
        )
        .values("is_hr", "is_superuser", "administers", "mentors", "mentored", "manages_mentee")
        .first()
    )
    roles = Roles(
        # A superuser operates the admin and acts as HR; privacy rules hold
        # for them all the same.
        is_hr=bool(row and (row["is_hr"] or row["is_superuser"])),
        administers_programs=bool(row and row["administers"]),
        is_mentor=bool(row and row["mentors"]),
        is_mentee=bool(row and row["mentored"]),
        is_line_manager=bool(row and row["manages_mentee"]),
    )
    person._scaffold_roles = roles
    return roles


def manages_people(viewer: Person) -> bool:
    """Who adds and edits people: HR only. A person is the whole company's —
    their address is how they sign in, their manager decides who sees their
    progress and whom matching keeps away from them, and they may be in
    programs other admins run — so program admins enroll people and change
    what belongs to their program (focus areas, capacity), not the person."""
    return roles_for(viewer).is_hr


def people_visible_to(viewer: Person) -> QuerySet[Person]:
    """HR sees everyone; a program admin, everyone in their programs;
    everyone else, themselves, the people they are paired with, their
    manager and their direct reports."""
    people = Person.objects.select_related("department", "manager")
    roles = roles_for(viewer)
    if roles.is_hr:
        return people
    scope: Q = (
        Q(pk=viewer.pk)
        | Q(pk=viewer.manager_id)
        | Q(manager=viewer)
        | Q(
            Exists(
                Pairing.objects.filter(
                    mentee=OuterRef("pk"), mentor=viewer, status__in=VISIBLE_TO_PARTICIPANTS
                )
            )
        )
        | Q(
            Exists(
                Pairing.objects.filter(
                    mentor=OuterRef("pk"), mentee=viewer, status__in=VISIBLE_TO_PARTICIPANTS
                )
            )
        )
    )
    if roles.administers_programs:
        enrolled_in_theirs = Enrollment.objects.filter(
            person=OuterRef("pk"), program__admins=viewer
        )
        scope |= Q(Exists(enrolled_in_theirs))
    return people.filter(scope)


def people_directory(viewer: Person, *, q: str = "") -> QuerySet[Person]:
    """The people page: those the viewer may see, by name, optionally those
    whose name, email or title contains ``q``."""
    people = people_visible_to(viewer)
    if q:
        people = people.filter(
            Q(full_name__icontains=q) | Q(email__icontains=q) | Q(title__icontains=q)
        )
    return people.order_by("full_name", "pk")


def person_visible_to(viewer: Person, person_id: int) -> Person | None:
    return people_visible_to(viewer).filter(pk=person_id).first()


def managers_above(person: Person, *, max_depth: int = 50) -> list[int]:
    """Ids up the reporting line: manager, their manager, and so on."""
    chain: list[int] = []
    current = person.manager_id
    while current is not None and current not in chain and len(chain) < max_depth:
        chain.append(current)
        current = Person.objects.filter(pk=current).values_list("manager_id", flat=True).first()
    return chain


def departments_list() -> QuerySet[Department]:
    # Department names are company structure, not personal data.
    return Department.objects.all()


def competencies_list() -> QuerySet[Competency]:
    return Competency.objects.all()


def api_tokens_for(person: Person) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(person=person, revoked_at__isnull=True)


def person_imports_visible_to(viewer: Person) -> QuerySet[PersonImport]:
    """People imports: HR's business (they create people company-wide)."""
    if not roles_for(viewer).is_hr:
        return PersonImport.objects.none()
    return PersonImport.objects.select_related("uploaded_by", "program").defer("content")
