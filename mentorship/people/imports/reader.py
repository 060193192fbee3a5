"""Checking a people CSV against the company.

Pure: ``csv_file.read_csv`` has split the file into cells, the caller passes
what the company looks like now (a ``Snapshot``), and ``plan_import``
returns the rows as they would be written and every problem — each naming
the row, the column and what is wrong, all of a row's problems at once.
Nothing here touches the database, so the same plan is shown in the dry run
and written on commit. The rules themselves (and their messages) are
``people.rules``, shared with adding or editing one person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mentorship.people import rules
from mentorship.people.imports.csv_file import COLUMNS, CsvRow, CsvTable, RowError

ROLES = ("mentee", "mentor")
LIST_HINT = "; separate several with ; or |"


@dataclass(frozen=True)
class ExistingPerson:
    id: int
    email: str
    full_name: str
    title: str
    department: str | None
    manager_email: str | None
    time_zone: str
    became_manager_on: dt.date | None
    expertise: frozenset[int]


@dataclass(frozen=True)
class Enrolled:
    """An active enrollment in the program the file enrolls people in."""

    role: str
    full_name: str
    focus: frozenset[int] = frozenset()
    # A mentee matching would still look at: no pairing here yet, or only
    # declined proposals.
    waiting: bool = False


@dataclass
class Snapshot:
    """The company as it is: people by email, competencies by lower-cased
    name or slug (→ id), departments by lower-cased name (→ name)."""

    people: dict[str, ExistingPerson] = field(default_factory=dict)
    competencies: dict[str, int] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    # email → their active enrollment in the program the file enrolls in.
    enrolled: dict[str, Enrolled] = field(default_factory=dict)


@dataclass
class PlannedPerson:
    row: int
    email: str
    full_name: str
    title: str | None  # None: the column is absent, keep what is there
    department: str | None
    manager_email: str | None
    time_zone: str | None
    became_manager_on: dt.date | None
    expertise: frozenset[int] | None
    role: str
    existing_id: int | None
    focus: frozenset[int] | None = None  # a mentee's focus areas; None: keep
    changes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MenteeWithoutFocus:
    email: str
    full_name: str

    def as_dict(self) -> dict[str, str]:
        return {"email": self.email, "full_name": self.full_name}


@dataclass
class ImportPlan:
    rows: list[PlannedPerson] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    # Mentees waiting for a mentor in the program who, once the file is in,
    # have no focus areas: matching has nothing to match them on.
    mentees_without_focus: list[MenteeWithoutFocus] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is None)

    @property
    def updated(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is not None and row.changes)

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is not None and not row.changes)

    @property
    def rejected_rows(self) -> int:
        return len({error.row for error in self.errors})

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected_rows,
            "errors": len(self.errors),
            "new_departments": len(self.new_departments),
            "mentees_without_focus": len(self.mentees_without_focus),
        }


class _RowChecker:
    """Checks one row at a time, remembering what the file has shown so far."""

    def __init__(
        self, columns: list[str], snapshot: Snapshot, *, today: dt.date, program_chosen: bool
    ) -> None:
        self.columns = columns
        self.snapshot = snapshot
        self.today = today
        self.program_chosen = program_chosen
        self.seen: dict[str, int] = {}
        self.new_departments: dict[str, str] = {}
        self.errors: list[RowError] = []
        self.number = 0

    def error(self, column: str, message: str | None) -> None:
        if message is not None:
            self.errors.append(RowError(self.number, column, message))

    def check(self, row: CsvRow) -> PlannedPerson:
        """The row as it would be written. Every check runs, so a row shows
        all of its problems at once; the plan drops rows that have any."""
        self.number = row.number
        cells = row.cells
        email = self._email(cells)
        full_name = cells.get("full_name", "")
        self.error("full_name", rules.full_name_problem(full_name))
        self.error("title", rules.too_long(cells.get("title", "")))
        self.error("department", rules.too_long(cells.get("department", ""), rules.MAX_DEPARTMENT))
        role = self._role(cells)
        manager_email = (
            (rules.normalize_email(cells.get("manager_email", "")) or None)
            if "manager_email" in self.columns
            else None
        )
        if email and manager_email == email:
            self.error("manager_email", rules.own_manager())
        existing = self.snapshot.people.get(email)
        planned = PlannedPerson(
            row=self.number,
            email=email,
            full_name=full_name,
            title=cells.get("title", "") if "title" in self.columns else None,
            department=self._department(cells),
            manager_email=manager_email,
            time_zone=self._time_zone(cells),
            became_manager_on=self._became_manager_on(cells),
            expertise=self._competencies(cells, "expertise"),
            role=role,
            existing_id=existing.id if existing else None,
            focus=self._focus(cells, role),
        )
        if existing is not None:
            planned.changes = _changes(planned, existing, self.columns, self.snapshot)
        return planned

    def _email(self, cells: Mapping[str, str]) -> str:
        raw = cells.get("email", "")
        self.error("email", rules.email_problem(raw))
        email = rules.normalize_email(raw)
        if email in self.seen:
            self.error("email", rules.email_repeated(email, self.seen[email]))
        elif email:
            self.seen[email] = self.number
        return email

    def _time_zone(self, cells: Mapping[str, str]) -> str | None:
        time_zone = cells.get("time_zone") or None
        if time_zone:
            self.error("time_zone", rules.time_zone_problem(time_zone))
        return time_zone

    def _became_manager_on(self, cells: Mapping[str, str]) -> dt.date | None:
        raw = cells.get("became_manager_on")
        if not raw:
            return None
        try:
            became = rules.parse_date(raw)
        except ValueError as exc:
            self.error("became_manager_on", str(exc))
            return None
        self.error("became_manager_on", rules.promotion_date_problem(became, today=self.today))
        return became

    def _competencies(self, cells: Mapping[str, str], column: str) -> frozenset[int] | None:
        if column not in self.columns:
            return None
        ids, problems = rules.resolve_competencies(
            rules.split_list(cells.get(column, "")), self.snapshot.competencies
        )
        for problem in problems:
            self.error(column, problem.removesuffix(".") + LIST_HINT + ".")
        return ids

    def _focus(self, cells: Mapping[str, str], role: str) -> frozenset[int] | None:
        focus = self._competencies(cells, "focus_areas")
        if focus is None or not cells.get("focus_areas"):
            return focus
        if role == "mentor":
            self.error("focus_areas", "Only mentees have focus areas; this row's role is mentor.")
        elif role != "mentee":
            self.error(
                "focus_areas",
                "Only mentees have focus areas: give this row the role mentee, "
                "or leave its focus areas empty.",
            )
        return focus

    def _role(self, cells: Mapping[str, str]) -> str:
        role = cells.get("role", "").lower()
        if role and role not in ROLES:
            self.error("role", f"“{cells.get('role')}” is not a role; use mentee or mentor.")
        elif role and not self.program_chosen:
            self.error("role", "Choose the program to enroll people in, or leave roles empty.")
        elif (
            role
            and (current := self.snapshot.enrolled.get(rules.normalize_email(cells["email"])))
            and current.role != role
        ):
            self.error(
                "role",
                f"Already a {current.role} in this program; a person has one role per program.",
            )
        return role

    def _department(self, cells: Mapping[str, str]) -> str | None:
        if "department" not in self.columns:
            return None
        name = cells.get("department", "")
        if not name:
            return None
        known = self.snapshot.departments.get(name.lower())
        if known is None:
            known = self.new_departments.setdefault(name.lower(), name)
        return known


def plan_import(
    table: CsvTable,
    snapshot: Snapshot,
    *,
    today: dt.date,
    program_chosen: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    plan = ImportPlan(columns=list(table.columns))
    checker = _RowChecker(plan.columns, snapshot, today=today, program_chosen=program_chosen)
    checked: list[PlannedPerson] = []
    for index, row in enumerate(table.rows):
        if progress is not None and index and index % 500 == 0:
            progress(index)
        checked.append(checker.check(row))
    plan.errors = [*table.problems, *checker.errors]

    # Reporting lines need the whole file: a manager may appear further down.
    # Rows with other problems are looked at too, so that every problem of a
    # row shows at once; a repeated email counts as its first row.
    in_file: dict[str, PlannedPerson] = {}
    for planned in checked:
        in_file.setdefault(planned.email, planned)
    for planned in checked:
        manager = planned.manager_email
        if manager and not (manager in in_file or manager in snapshot.people):
            plan.errors.append(
                RowError(
                    planned.row, "manager_email", rules.manager_unknown(manager, file_too=True)
                )
            )
    _check_cycles(plan, checked, snapshot, in_file)
    rejected = {error.row for error in plan.errors}
    plan.rows = [row for row in checked if row.row not in rejected]
    order = ["", *COLUMNS]
    plan.errors.sort(key=lambda e: (e.row, order.index(e.column)))
    plan.new_departments = sorted(
        {row.department for row in plan.rows if row.department}
        & set(checker.new_departments.values()),
        key=str.lower,
    )
    if program_chosen:
        plan.mentees_without_focus = _mentees_without_focus(plan, snapshot)
    return plan


def _changes(
    planned: PlannedPerson, existing: ExistingPerson, columns: list[str], snapshot: Snapshot
) -> list[str]:
    changes = []
    if planned.full_name != existing.full_name:
        changes.append("full_name")
    if planned.title is not None and planned.title != existing.title:
        changes.append("title")
    if "department" in columns and (planned.department or None) != existing.department:
        changes.append("department")
    if "manager_email" in columns and planned.manager_email != existing.manager_email:
        changes.append("manager_email")
    if planned.time_zone is not None and planned.time_zone != existing.time_zone:
        changes.append("time_zone")
    if (
        "became_manager_on" in columns
        and planned.became_manager_on is not None
        and planned.became_manager_on != existing.became_manager_on
    ):
        changes.append("became_manager_on")
    if planned.expertise is not None and planned.expertise != existing.expertise:
        changes.append("expertise")
    enrolled = snapshot.enrolled.get(planned.email)
    if (
        planned.focus is not None
        and planned.role == "mentee"
        and enrolled is not None
        and planned.focus != enrolled.focus
    ):
        changes.append("focus_areas")
    return changes


def _check_cycles(
    plan: ImportPlan,
    checked: list[PlannedPerson],
    snapshot: Snapshot,
    in_file: dict[str, PlannedPerson],
) -> None:
    """The reporting lines after the import must not loop. Every row in a
    loop is flagged, with the loop as seen from it: each must change for the
    file to pass."""

    def manager_of(email: str) -> str | None:
        if email in in_file and "manager_email" in plan.columns:
            return in_file[email].manager_email
        existing = snapshot.people.get(email)
        return existing.manager_email if existing else None

    limit = len(in_file) + len(snapshot.people)
    for planned in checked:
        if not planned.manager_email or planned.manager_email == planned.email:
            continue
        if in_file.get(planned.email) is not planned:
            continue  # a repeated email: its first row speaks for it
        path = rules.reporting_cycle(planned.email, planned.manager_email, manager_of, limit=limit)
        if path is not None:
            plan.errors.append(RowError(planned.row, "manager_email", rules.cycle_message(path)))


def _mentees_without_focus(plan: ImportPlan, snapshot: Snapshot) -> list[MenteeWithoutFocus]:
    """Mentees of the program, as it will be after the import, who wait for
    a mentor with no focus areas."""
    without: dict[str, MenteeWithoutFocus] = {}
    for email, mentee in snapshot.enrolled.items():
        if mentee.role == "mentee" and mentee.waiting and not mentee.focus:
            without[email] = MenteeWithoutFocus(email, mentee.full_name)
    for row in plan.rows:
        if row.role != "mentee":
            continue
        enrolled = snapshot.enrolled.get(row.email)
        if enrolled is not None and not enrolled.waiting:
            continue
        focus = row.focus if row.focus is not None else (enrolled.focus if enrolled else None)
        if focus:
            without.pop(row.email, None)
        else:
            without[row.email] = MenteeWithoutFocus(row.email, row.full_name)
    return sorted(without.values(), key=lambda m: (m.full_name.lower(), m.email))
