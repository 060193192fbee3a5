"""One person's details against the company as it is in the database:
``people.rules`` applied by ``person_create`` and ``person_update``, as the
import applies them to each row against its snapshot."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship.people import rules
from mentorship.people.models import Competency, Department, Person

# How the callers name what a person refers to: the web form gives the
# manager's email, the API their id, the demo and the tests the object.
PersonRef = Person | int | str  # a person, their id, or their email
CompetencyRef = Competency | int | str  # a competency, its id, name or slug
DepartmentRef = Department | str  # a department, or its name (created if new)

# Past the deepest real reporting line; only bounds a walk through bad data.
MAX_CHAIN = 500


@dataclasses.dataclass
class _Checked:
    """Values that passed the rules, resolved to what the model stores."""

    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    problems: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def problem(self, name: str, message: str | None) -> None:
        if message is not None:
            self.problems.setdefault(name, []).append(message)


def person_details_check(person: Person | None, given: dict[str, Any]) -> dict[str, Any]:
    """Check the fields given (all of them for a new person), every rule at
    once; raise a ValidationError naming each field with a problem, or
    return the values to store: a Department or a new department's name,
    a Person for the manager, competency ids for the expertise."""
    checked = _Checked()
    if "email" in given:
        email = rules.normalize_email(given["email"])
        checked.problem("email", rules.email_problem(given["email"]))
        others = Person.objects.filter(email=email)
        if person is not None:
            others = others.exclude(pk=person.pk)
        if "email" not in checked.problems and others.exists():
            checked.problem("email", rules.email_taken(email))
        checked.values["email"] = email
    if "full_name" in given:
        checked.problem("full_name", rules.full_name_problem(given["full_name"]))
        checked.values["full_name"] = given["full_name"].strip()
    if "title" in given:
        checked.problem("title", rules.too_long(given["title"]))
        checked.values["title"] = given["title"].strip()
    if "department" in given:
        checked.values["department"] = _department(checked, given["department"])
    if "time_zone" in given:
        checked.problem("time_zone", rules.time_zone_problem(given["time_zone"]))
        checked.values["time_zone"] = given["time_zone"]
    if "became_manager_on" in given:
        became = given["became_manager_on"]
        if became is not None:
            today = timezone.localdate()
            checked.problem("became_manager_on", rules.promotion_date_problem(became, today=today))
        checked.values["became_manager_on"] = became
    if "manager" in given:
        checked.values["manager"] = _manager(checked, person, given)
    if "expertise" in given:
        checked.values["expertise"] = _expertise(checked, given["expertise"])
    if checked.problems:
        raise ValidationError(checked.problems)
    return checked.values


def _department(checked: _Checked, ref: DepartmentRef | None) -> Department | str | None:
    if ref is None or isinstance(ref, Department):
        return ref
    name = ref.strip()
    if not name:
        return None
    checked.problem("department", rules.too_long(name, rules.MAX_DEPARTMENT))
    return Department.objects.filter(name__iexact=name).first() or name


def _manager(checked: _Checked, person: Person | None, given: dict[str, Any]) -> Person | None:
    ref: PersonRef | None = given["manager"]
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return None
    if isinstance(ref, Person):
        manager: Person | None = ref
    else:
        key = ref if isinstance(ref, int) else rules.normalize_email(ref)
        lookup = {"pk": key} if isinstance(key, int) else {"email": key}
        manager = Person.objects.filter(**lookup).first()
        if manager is None:
            checked.problem("manager", rules.manager_unknown(key))
            return None
    if person is None or manager is None:
        # Nobody reports to someone who does not exist yet: no loop possible.
        return manager
    if manager.pk == person.pk:
        checked.problem("manager", rules.own_manager())
        return None

    def manager_of(email: str) -> str | None:
        # One step up the reporting line as it is now; the person's own
        # line is about to change, and the walk stops when it reaches them.
        return Person.objects.filter(email=email).values_list("manager__email", flat=True).first()

    own_email = checked.values.get("email", person.email)
    path = rules.reporting_cycle(person.email, manager.email, manager_of, limit=MAX_CHAIN)
    if path is not None:
        checked.problem("manager", rules.cycle_message([own_email, *path[1:-1], own_email]))
    return manager


def _expertise(checked: _Checked, refs: Iterable[CompetencyRef]) -> frozenset[int]:
    known: dict[str | int, int] = {}
    for pk, name, slug in Competency.objects.values_list("pk", "name", "slug"):
        known.update({pk: pk, name.lower(): pk, slug.lower(): pk})
    keys = [ref.pk if isinstance(ref, Competency) else ref for ref in refs]
    ids, problems = rules.resolve_competencies(keys, known)
    for problem in problems:
        checked.problem("expertise", problem)
    return ids
