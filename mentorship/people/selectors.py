"""Reads about people, always scoped to the person asking."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from mentorship import access
from mentorship.people.models import ApiToken, Competency, Department, Person, PersonImport
from mentorship.programs.models import (
    Enrollment,
)


def people_visible_to(viewer: Person) -> QuerySet[Person]:
    """HR sees everyone; a program admin, everyone in their programs;
    everyone else, themselves, the people they are paired with, their
    manager and their direct reports."""
    people = Person.objects.select_related("department", "manager")
    roles = access.roles(viewer)
    if roles.is_hr:
        return people
    scope: Q = (
        Q(pk=viewer.pk)
        | Q(pk=viewer.manager_id)
        | access.line_manager_q(viewer)
        | access.partner_q(viewer)
    )
    if roles.administers_programs:
        enrolled_in_theirs = Enrollment.objects.filter(
            access.administers_q(viewer, program="program_id"), person=OuterRef("pk")
        )
        scope |= Q(Exists(enrolled_in_theirs))
    return people.filter(scope)


def people_directory(viewer: Person, *, q: str = "", after: int | None = None) -> QuerySet[Person]:
    """The people page: those the viewer may see, by name, optionally those
    whose name, email or title contains ``q``; with ``after`` (a person's
    id), those after that person in the order (a person the viewer cannot
    see starts from the beginning)."""
    people = people_visible_to(viewer)
    if q:
        people = people.filter(
            Q(full_name__icontains=q) | Q(email__icontains=q) | Q(title__icontains=q)
        )
    if after is not None:
        edge = people_visible_to(viewer).filter(pk=after).values_list("full_name", flat=True)
        name = edge.first()
        if name is not None:
            people = people.filter(Q(full_name__gt=name) | Q(full_name=name, pk__gt=after))
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
    """A person's tokens that still work: not revoked, not expired."""
    return ApiToken.objects.filter(person=person, revoked_at__isnull=True).exclude(
        expires_at__lte=timezone.now()
    )


def person_imports_visible_to(viewer: Person) -> QuerySet[PersonImport]:
    """People imports: HR's business (they create people company-wide)."""
    if not access.is_hr(viewer):
        return PersonImport.objects.none()
    return PersonImport.objects.select_related("uploaded_by", "program").defer("content")
