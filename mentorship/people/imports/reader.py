"""Reading and checking a people CSV exported by an HR system.

Pure: the caller passes what the company looks like now (a ``Snapshot``),
and ``plan_import`` returns the rows as they would be written, or the errors
— each naming the row, the column and the problem. Nothing here touches the
database, so the same plan is shown in the dry run and written on commit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import pluralize

from mentorship.core.timezones import time_zone_names

MAX_ROWS = 50_000
MAX_FIELD = 200

# Canonical column → the header spellings accepted for it (lower-cased,
# spaces and dashes read as underscores).
COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "email_address", "work_email"),
    "full_name": ("full_name", "name"),
    "title": ("title", "job_title"),
    "department": ("department", "team"),
    "manager_email": ("manager_email", "manager"),
    "time_zone": ("time_zone", "timezone", "tz"),
    "became_manager_on": ("became_manager_on", "became_manager", "manager_since"),
    "expertise": ("expertise", "competencies", "skills"),
    "role": ("role", "program_role"),
}
REQUIRED = ("email", "full_name")
ROLES = ("mentee", "mentor")


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the header; data starts at 2, as a spreadsheet shows it
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


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


@dataclass
class Snapshot:
    """The company as it is: people by email, competencies by lower-cased
    name or slug (→ id), departments by lower-cased name (→ name)."""

    people: dict[str, ExistingPerson] = field(default_factory=dict)
    competencies: dict[str, int] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    # email → role, for active enrollments in the program the file enrolls in.
    enrolled: dict[str, str] = field(default_factory=dict)


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
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlannedPerson] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)

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
        }


class FileError(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""


def _map_header(header: list[str]) -> list[str]:
    aliases = {alias: name for name, spellings in COLUMNS.items() for alias in spellings}
    columns: list[str] = []
    for position, raw in enumerate(header, start=1):
        key = raw.strip().lower().replace(" ", "_").replace("-", "_")
        name = aliases.get(key)
        if name is None:
            raise FileError(
                f"Column {position} ({raw.strip() or 'empty'}) is not one Scaffold knows. "
                f"Use: {', '.join(COLUMNS)}."
            )
        if name in columns:
            raise FileError(f"The column {name} appears twice in the header.")
        columns.append(name)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise FileError(
            f"The header needs the column{pluralize(len(missing))}: {', '.join(missing)}."
        )
    return columns


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Decode (UTF-8, with or without BOM), sniff the delimiter (comma,
    semicolon or tab) and map the header to canonical column names."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(
            f"The file is not UTF-8 text (byte {exc.start}); export it as CSV UTF-8."
        ) from None
    if not text.strip():
        raise FileError("The file is empty.")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileError(f"The header row cannot be read: {exc}") from None
    columns = _map_header(header)
    rows: list[dict[str, str]] = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileError(f"The file has more than {MAX_ROWS:,} rows; split it.")
            if len(values) > len(columns):
                raise FileError(
                    f"Row {number} has {len(values)} values but the header names "
                    f"{len(columns)} columns; check that row for a stray separator."
                )
            padded = [*values, *[""] * (len(columns) - len(values))]
            row = {name: value.strip() for name, value in zip(columns, padded, strict=True)}
            row["#"] = str(number)
            rows.append(row)
    except csv.Error as exc:
        raise FileError(
            f"The file stops being valid CSV at line {reader.line_num}: {exc}"
        ) from None
    return columns, rows


def _date(value: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 -- a date
        except ValueError:
            continue
    raise ValueError


class _RowChecker:
    """Checks one row at a time, remembering what the file has shown so far."""

    def __init__(
        self, columns: list[str], snapshot: Snapshot, *, today: dt.date, program_chosen: bool
    ) -> None:
        self.columns = columns
        self.snapshot = snapshot
        self.today = today
        self.program_chosen = program_chosen
        self.zones = time_zone_names()
        self.seen: dict[str, int] = {}
        self.new_departments: dict[str, str] = {}
        self.errors: list[RowError] = []
        self.number = 0

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def check(self, row: Mapping[str, str]) -> PlannedPerson | None:
        self.number = int(row["#"])
        before = len(self.errors)
        email = self._email(row)
        full_name = row.get("full_name", "")
        if not full_name:
            self.error("full_name", "The name is empty.")
        for name in ("full_name", "title", "department"):
            if len(row.get(name, "")) > MAX_FIELD:
                self.error(name, f"Longer than {MAX_FIELD} characters.")
        time_zone = self._time_zone(row)
        became = self._became_manager_on(row)
        expertise = self._expertise(row)
        role = self._role(row)
        manager_email = (
            (row.get("manager_email", "").lower() or None)
            if "manager_email" in self.columns
            else None
        )
        if email and manager_email == email:
            self.error("manager_email", "A person cannot be their own manager.")
        department = self._department(row)
        if len(self.errors) > before:
            return None
        existing = self.snapshot.people.get(email)
        planned = PlannedPerson(
            row=self.number,
            email=email,
            full_name=full_name,
            title=row.get("title", "") if "title" in self.columns else None,
            department=department,
            manager_email=manager_email,
            time_zone=time_zone,
            became_manager_on=became,
            expertise=expertise,
            role=role,
            existing_id=existing.id if existing else None,
        )
        if existing is not None:
            planned.changes = _changes(planned, existing, self.columns)
        return planned

    def _email(self, row: Mapping[str, str]) -> str:
        email = row.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            self.error("email", f"“{row.get('email', '')}” is not an email address.")
        if email in self.seen:
            self.error("email", f"{email} is already on row {self.seen[email]}.")
        elif email:
            self.seen[email] = self.number
        return email

    def _time_zone(self, row: Mapping[str, str]) -> str | None:
        time_zone = row.get("time_zone") or None
        if time_zone and time_zone not in self.zones:
            self.error(
                "time_zone",
                f"“{time_zone}” is not a time zone; use an IANA name such as Europe/Berlin.",
            )
        return time_zone

    def _became_manager_on(self, row: Mapping[str, str]) -> dt.date | None:
        raw = row.get("became_manager_on")
        if not raw:
            return None
        try:
            became = _date(raw)
        except ValueError:
            self.error("became_manager_on", f"“{raw}” is not a date; use YYYY-MM-DD.")
            return None
        if became > self.today:
            self.error("became_manager_on", f"{became} is in the future.")
        return became

    def _expertise(self, row: Mapping[str, str]) -> frozenset[int] | None:
        if "expertise" not in self.columns:
            return None
        ids = set()
        for name in filter(None, (n.strip() for n in row.get("expertise", "").split(";"))):
            competency = self.snapshot.competencies.get(name.lower())
            if competency is None:
                self.error("expertise", f"“{name}” is not a competency; separate names with ;.")
            else:
                ids.add(competency)
        return frozenset(ids)

    def _role(self, row: Mapping[str, str]) -> str:
        role = row.get("role", "").lower()
        if role and role not in ROLES:
            self.error("role", f"“{row.get('role')}” is not a role; use mentee or mentor.")
        elif role and not self.program_chosen:
            self.error("role", "Choose the program to enroll people in, or leave roles empty.")
        elif (
            role
            and (current := self.snapshot.enrolled.get(row.get("email", "").lower()))
            and current != role
        ):
            self.error(
                "role", f"Already a {current} in this program; a person has one role per program."
            )
        return role

    def _department(self, row: Mapping[str, str]) -> str | None:
        if "department" not in self.columns:
            return None
        name = row.get("department", "")
        if not name:
            return None
        known = self.snapshot.departments.get(name.lower())
        if known is None:
            known = self.new_departments.setdefault(name.lower(), name)
        return known


def plan_import(
    columns: list[str],
    rows: Iterable[Mapping[str, str]],
    snapshot: Snapshot,
    *,
    today: dt.date,
    program_chosen: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    plan = ImportPlan(columns=list(columns))
    checker = _RowChecker(plan.columns, snapshot, today=today, program_chosen=program_chosen)
    for index, row in enumerate(rows):
        if progress is not None and index and index % 500 == 0:
            progress(index)
        planned = checker.check(row)
        if planned is not None:
            plan.rows.append(planned)
    plan.errors = checker.errors

    # Reporting lines need the whole file: a manager may appear further down.
    in_file = {row.email: row for row in plan.rows}
    for planned in plan.rows:
        manager = planned.manager_email
        if manager and not (
            manager in in_file or manager in snapshot.people or manager in checker.seen
        ):
            plan.errors.append(
                RowError(
                    planned.row,
                    "manager_email",
                    f"{manager} is neither in this file nor in the company.",
                )
            )
    _check_cycles(plan, snapshot, in_file)
    rejected = {error.row for error in plan.errors}
    plan.rows = [row for row in plan.rows if row.row not in rejected]
    order = list(COLUMNS)
    plan.errors.sort(key=lambda e: (e.row, order.index(e.column)))
    plan.new_departments = sorted(checker.new_departments.values(), key=str.lower)
    return plan


def _changes(planned: PlannedPerson, existing: ExistingPerson, columns: list[str]) -> list[str]:
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
    return changes


def _check_cycles(plan: ImportPlan, snapshot: Snapshot, in_file: dict[str, PlannedPerson]) -> None:
    """The reporting lines after the import must not loop."""

    def manager_of(email: str) -> str | None:
        if email in in_file and "manager_email" in plan.columns:
            return in_file[email].manager_email
        existing = snapshot.people.get(email)
        return existing.manager_email if existing else None

    # Every row in a loop is flagged (each must change for the file to pass).
    for planned in plan.rows:
        path = [planned.email]
        current = manager_of(planned.email)
        while current is not None and len(path) <= len(in_file) + len(snapshot.people):
            if current in path:
                if current == planned.email:
                    plan.errors.append(
                        RowError(
                            planned.row,
                            "manager_email",
                            "This makes a reporting cycle: " + " → ".join([*path, current]) + ".",
                        )
                    )
                break
            path.append(current)
            current = manager_of(current)
