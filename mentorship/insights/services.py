"""Writes for insights: a download of a program's data is audited."""

from __future__ import annotations

from mentorship.audit.services import audit_record
from mentorship.people.models import Person
from mentorship.programs.models import Program


def export_record(*, program: Program, dataset: str, fmt: str, by: Person) -> None:
    """Who took which dataset of a program, in which format, and when."""
    audit_record(
        actor=by,
        action="export.downloaded",
        target=program,
        program=program,
        data={"dataset": dataset, "format": fmt},
    )
