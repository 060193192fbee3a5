"""People import from an HR system's CSV: the dry run, then the commit,
each on a worker, over the pure checks of ``reader``."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.core.tasks import enqueue_after_commit
from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.people import services as people_services
from mentorship.people import tasks as people_tasks
from mentorship.people.imports import reader
from mentorship.people.imports.csv_file import FileError, read_csv
from mentorship.people.models import (
    Competency,
    Department,
    ImportStatus,
    Person,
    PersonImport,
)
from mentorship.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus

PREVIEW_ROWS = 50
# Every error is counted in the summary; this many are kept to show.
ERRORS_KEPT = 1000


def _import_snapshot(program_id: int | None = None) -> reader.Snapshot:
    """The company as the import sees it, in four queries, and three more for
    the program it enrolls in."""
    expertise: dict[int, set[int]] = {}
    for person_id, competency_id in Person.expertise.through.objects.values_list(
        "person_id", "competency_id"
    ):
        expertise.setdefault(person_id, set()).add(competency_id)
    people = {
        row["email"]: reader.ExistingPerson(
            id=row["id"],
            email=row["email"],
            full_name=row["full_name"],
            title=row["title"],
            department=row["department__name"],
            manager_email=row["manager__email"],
            time_zone=row["time_zone"],
            became_manager_on=row["became_manager_on"],
            expertise=frozenset(expertise.get(row["id"], ())),
        )
        for row in Person.objects.values(
            "id",
            "email",
            "full_name",
            "title",
            "department__name",
            "manager__email",
            "time_zone",
            "became_manager_on",
        )
    }
    competencies: dict[str, int] = {}
    for pk, name, slug in Competency.objects.values_list("pk", "name", "slug"):
        competencies[name.lower()] = pk
        competencies[slug.lower()] = pk
    departments = {name.lower(): name for name in Department.objects.values_list("name", flat=True)}
    return reader.Snapshot(
        people=people,
        competencies=competencies,
        departments=departments,
        enrolled=_enrolled_snapshot(program_id) if program_id is not None else {},
    )


def _enrolled_snapshot(program_id: int) -> dict[str, reader.Enrolled]:
    """The program's active enrollments by email: role, and for mentees their
    focus areas and whether they still wait for a mentor."""

    active = Enrollment.objects.filter(program_id=program_id, status=EnrollmentStatus.ACTIVE)
    focus: dict[int, set[int]] = {}
    for enrollment_id, competency_id in Enrollment.focus_competencies.through.objects.filter(
        enrollment__in=active
    ).values_list("enrollment_id", "competency_id"):
        focus.setdefault(enrollment_id, set()).add(competency_id)
    # As matching sees it: a mentee who has had any pairing here but a
    # declined proposal is not matched again.
    paired = set(
        Pairing.objects.filter(program_id=program_id)
        .exclude(status=PairingStatus.DECLINED)
        .values_list("mentee_id", flat=True)
    )
    return {
        email: reader.Enrolled(
            role=role,
            full_name=full_name,
            focus=frozenset(focus.get(pk, ())),
            waiting=person_id not in paired,
        )
        for pk, person_id, email, full_name, role in active.values_list(
            "pk", "person_id", "person__email", "person__full_name", "role"
        )
    }


def person_import_start(
    *, uploaded_by: Person, filename: str, content: bytes, program: Any = None
) -> PersonImport:
    """Store the file and queue its check (the dry run). A file that cannot
    be read at all (encoding, header) is refused here, with the reason."""
    if program is not None and not access.administers(uploaded_by, program):
        raise PermissionDenied("Only the admins of that program can enroll people in it.")
    try:
        table = read_csv(content)
    except FileError as exc:
        raise ValidationError({"file": exc.messages}) from None
    rows = len(table.rows) + len(table.problems)
    with transaction.atomic():
        person_import = PersonImport.objects.create(
            uploaded_by=uploaded_by,
            program=program,
            filename=filename[:255],
            content=content,
            rows_total=rows,
        )
        audit_record(
            actor=uploaded_by,
            action="people.import_uploaded",
            target=person_import,
            program=program,
            data={"rows": rows},
        )

        enqueue_after_commit(
            people_tasks.check_person_import,
            person_import.pk,
            on_refused=partial(_check_not_started, person_import.pk),
        )
    return person_import


def _check_not_started(person_import_id: int) -> None:
    PersonImport.objects.filter(pk=person_import_id, status=ImportStatus.CHECKING).update(
        status=ImportStatus.FAILED,
        failure="The check could not be started: the task queue did not answer. "
        "Upload the file again in a minute.",
    )


def _plan(person_import: PersonImport, *, report_progress: bool) -> reader.ImportPlan:
    table = read_csv(bytes(person_import.content))

    def progress(done: int) -> None:
        PersonImport.objects.filter(pk=person_import.pk).update(rows_done=done)

    return reader.plan_import(
        table,
        _import_snapshot(person_import.program_id),
        today=timezone.localdate(),
        program_chosen=person_import.program_id is not None,
        progress=progress if report_progress else None,
    )


def _preview(plan: reader.ImportPlan) -> list[dict[str, Any]]:
    rows = [row for row in plan.rows if row.existing_id is None or row.changes]
    return [
        {
            "row": row.row,
            "email": row.email,
            "full_name": row.full_name,
            "action": "create" if row.existing_id is None else "update",
            "changes": row.changes,
            "role": row.role,
        }
        for row in rows[:PREVIEW_ROWS]
    ]


def _without_focus(plan: reader.ImportPlan) -> list[dict[str, str]]:
    return [mentee.as_dict() for mentee in plan.mentees_without_focus[:PREVIEW_ROWS]]


def person_import_check(*, person_import: PersonImport) -> PersonImport:
    """The dry run: what would be created, changed and rejected."""
    if person_import.status != ImportStatus.CHECKING:
        return person_import
    plan = _plan(person_import, report_progress=True)
    person_import.status = ImportStatus.REJECTED if plan.errors else ImportStatus.CHECKED
    person_import.summary = plan.summary()
    person_import.errors = [error.as_dict() for error in plan.errors[:ERRORS_KEPT]]
    person_import.preview = _preview(plan)
    person_import.mentees_without_focus = _without_focus(plan)
    person_import.rows_done = person_import.rows_total
    person_import.checked_at = timezone.now()
    person_import.save()
    return person_import


def person_import_commit_request(
    *, person_import: PersonImport, by: Person, invite: bool = True
) -> PersonImport:
    """Queue the writing of a checked import; with ``invite``, the people it
    creates are emailed an invitation to choose a password."""
    with transaction.atomic():
        updated = PersonImport.objects.filter(
            pk=person_import.pk, status=ImportStatus.CHECKED
        ).update(status=ImportStatus.IMPORTING, rows_done=0, invite_new_people=invite)
        if not updated:
            person_import.refresh_from_db()
            raise ValidationError(
                {
                    "status": "Only a checked file without errors can be imported; "
                    f"this one is {person_import.get_status_display().lower()}."
                }
            )

        enqueue_after_commit(
            people_tasks.commit_person_import,
            person_import.pk,
            # Nothing was written: back to checked, to import again.
            on_refused=partial(
                PersonImport.objects.filter(
                    pk=person_import.pk, status=ImportStatus.IMPORTING
                ).update,
                status=ImportStatus.CHECKED,
            ),
        )
    person_import.refresh_from_db()
    return person_import


def person_import_commit(*, person_import: PersonImport) -> PersonImport:
    """Write the import in one transaction. The file is checked again against
    the company as it is now; if anything became invalid, nothing is written
    and the import shows the new errors."""
    if person_import.status != ImportStatus.IMPORTING:
        return person_import
    with transaction.atomic():
        plan = _plan(person_import, report_progress=False)
        if plan.errors:
            person_import.status = ImportStatus.REJECTED
            person_import.errors = [error.as_dict() for error in plan.errors[:ERRORS_KEPT]]
            person_import.summary = plan.summary()
            person_import.save()
            return person_import
        written = _write_import(plan, person_import)
        if person_import.invite_new_people:
            created = [row.email for row in plan.rows if row.existing_id is None]
            written["invited"] = people_services.invitations_send(
                people=Person.objects.filter(email__in=created),
                by=person_import.uploaded_by,
                reason=person_import,
                program=person_import.program,
            )
        person_import.status = ImportStatus.IMPORTED
        person_import.summary = {**plan.summary(), **written}
        person_import.mentees_without_focus = _without_focus(plan)
        person_import.rows_done = person_import.rows_total
        person_import.imported_at = timezone.now()
        person_import.save()
        audit_record(
            actor=person_import.uploaded_by,
            action="people.imported",
            target=person_import,
            program=person_import.program,
            data=person_import.summary,
        )
    return person_import


def _write_import(plan: reader.ImportPlan, person_import: PersonImport) -> dict[str, int]:
    Department.objects.bulk_create(
        [Department(name=name) for name in plan.new_departments], ignore_conflicts=True
    )
    department_ids = {name.lower(): pk for pk, name in Department.objects.values_list("pk", "name")}

    def department_id(row: reader.PlannedPerson) -> int | None:
        return department_ids[row.department.lower()] if row.department else None

    new = [row for row in plan.rows if row.existing_id is None]
    people = []
    for row in new:
        person = Person(
            email=row.email,
            full_name=row.full_name,
            title=row.title or "",
            department_id=department_id(row),
            time_zone=row.time_zone or "UTC",
            became_manager_on=row.became_manager_on,
        )
        person.set_unusable_password()
        people.append(person)
    Person.objects.bulk_create(people, batch_size=1000)

    ids = dict(
        Person.objects.filter(
            email__in={row.email for row in plan.rows}
            | {row.manager_email for row in plan.rows if row.manager_email}
        ).values_list("email", "pk")
    )
    changed = [row for row in plan.rows if row.existing_id is not None and row.changes]
    updates = []
    for row in changed:
        person = Person(pk=row.existing_id, email=row.email, full_name=row.full_name)
        person.title = row.title if row.title is not None else ""
        person.department_id = department_id(row)
        updates.append((row, person))
    simple_fields = {"full_name", "title", "department", "time_zone", "became_manager_on"}
    for field_name in simple_fields:
        touched = []
        for row, person in updates:
            if field_name not in row.changes:
                continue
            if field_name == "time_zone":
                person.time_zone = row.time_zone or "UTC"
            elif field_name == "became_manager_on":
                person.became_manager_on = row.became_manager_on
            touched.append(person)
        if touched:
            Person.objects.bulk_update(touched, [field_name], batch_size=1000)

    _write_managers(plan, ids)
    _write_expertise(plan, ids)
    return {
        "enrolled": _write_enrollments(plan, person_import, ids),
        "departments_created": len(plan.new_departments),
    }


def _write_managers(plan: reader.ImportPlan, ids: dict[str, int]) -> None:
    managed = []
    for row in plan.rows:
        if "manager_email" not in plan.columns:
            break
        if row.existing_id is not None and "manager_email" not in row.changes:
            continue
        if row.existing_id is None and not row.manager_email:
            continue
        managed.append(
            Person(
                pk=ids[row.email], manager_id=ids[row.manager_email] if row.manager_email else None
            )
        )
    if managed:
        Person.objects.bulk_update(managed, ["manager"], batch_size=1000)


def _write_expertise(plan: reader.ImportPlan, ids: dict[str, int]) -> None:
    through = Person.expertise.through
    with_expertise = [
        row
        for row in plan.rows
        if row.expertise is not None and (row.existing_id is None or "expertise" in row.changes)
    ]
    through.objects.filter(
        person_id__in=[row.existing_id for row in with_expertise if row.existing_id]
    ).delete()
    through.objects.bulk_create(
        [
            through(person_id=ids[row.email], competency_id=competency)
            for row in with_expertise
            for competency in sorted(row.expertise or ())
        ],
        batch_size=2000,
    )


def person_import_fail(*, person_import_id: int, error: Exception) -> None:
    """A worker's step broke on something unexpected: say so on the import,
    so the page stops waiting and shows what happened."""
    PersonImport.objects.filter(pk=person_import_id).update(
        status=ImportStatus.FAILED, failure=f"{type(error).__name__}: {error}"[:2000]
    )


def _write_enrollments(
    plan: reader.ImportPlan, person_import: PersonImport, ids: dict[str, int]
) -> int:
    if person_import.program_id is None:
        return 0

    to_enroll = [row for row in plan.rows if row.role]
    before = Enrollment.objects.filter(program_id=person_import.program_id).count()
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                program_id=person_import.program_id,
                person_id=ids[row.email],
                role=row.role,
                enrolled_by=person_import.uploaded_by,
            )
            for row in to_enroll
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    enrolled = Enrollment.objects.filter(program_id=person_import.program_id).count() - before
    _write_focus(plan, person_import.program_id, ids)
    return enrolled


def _write_focus(plan: reader.ImportPlan, program_id: int, ids: dict[str, int]) -> None:
    """A mentee's focus areas, where the file has the column: the cell
    replaces what their enrollment had (an empty cell clears it)."""

    focus = {
        ids[row.email]: row.focus
        for row in plan.rows
        if row.role == EnrollmentRole.MENTEE and row.focus is not None
    }
    if not focus:
        return
    enrollments = dict(
        Enrollment.objects.filter(
            program_id=program_id,
            role=EnrollmentRole.MENTEE,
            status=EnrollmentStatus.ACTIVE,
            person_id__in=list(focus),
        ).values_list("person_id", "pk")
    )
    through = Enrollment.focus_competencies.through
    through.objects.filter(enrollment_id__in=list(enrollments.values())).delete()
    through.objects.bulk_create(
        [
            through(enrollment_id=enrollment_id, competency_id=competency)
            for person_id, enrollment_id in enrollments.items()
            for competency in sorted(focus[person_id] or ())
        ],
        batch_size=2000,
    )
