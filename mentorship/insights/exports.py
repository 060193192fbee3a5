"""Exports of a program for HR: pairings, milestones and check-in metadata,
as CSV (streamed row by row) or XLSX (written in openpyxl's write-only mode
to a temporary file, so memory stays flat however large the program).

What an export may hold is decided here, column by column: structure only.
Note text, private notes, reflections, action items and ratings are never
read, so they cannot end up in a file.

A timestamp is written in ISO 8601 with its offset, in the exporting
person's zone (``2027-03-01T09:00:00+01:00``), in both formats — a
spreadsheet cell cannot hold an offset, so in XLSX it is that text. Dates
stay dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, OuterRef
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from mentorship.checkins.models import CheckIn
from mentorship.core.queries import subquery_count
from mentorship.insights.cells import escape
from mentorship.pairings.models import (
    REPLACED_BY_MATCHING,
    Milestone,
    MilestoneStatus,
    Pairing,
    PairingStatus,
)
from mentorship.programs.models import Program

Row = list[Any]


def _pairing_rows(program: Program, zone: ZoneInfo) -> Iterator[Row]:
    of_pairing = Milestone.objects.filter(pairing=OuterRef("pk"))
    pairings = (
        Pairing.objects.filter(program=program)
        # A proposal a later matching run replaced was never anyone's
        # choice: not a pairing, nor a declined one (the run keeps how many).
        .exclude(status=PairingStatus.DECLINED, close_reason=REPLACED_BY_MATCHING)
        .select_related("mentee__department", "mentor__department")
        .annotate(
            milestones_total=subquery_count(of_pairing, "pairing"),
            milestones_done=subquery_count(
                of_pairing.filter(status=MilestoneStatus.DONE), "pairing"
            ),
            checkins_logged=Count("checkins"),
            last_checkin=Max("checkins__occurred_on"),
        )
        .order_by("pk")
    )
    for p in pairings.iterator(chunk_size=2000):
        yield [
            p.pk,
            p.mentee.full_name,
            p.mentee.email,
            p.mentee.department.name if p.mentee.department else "",
            p.mentor.full_name,
            p.mentor.email,
            p.get_status_display(),
            p.get_source_display(),
            p.starts_on,
            p.ends_on,
            p.get_outcome_display() if p.outcome else "",
            p.milestones_done,
            p.milestones_total,
            p.checkins_logged,
            p.last_checkin,
        ]


def _milestone_rows(program: Program, zone: ZoneInfo) -> Iterator[Row]:
    milestones = (
        Milestone.objects.filter(pairing__program=program)
        .select_related("pairing__mentee", "pairing__mentor", "competency")
        .defer("note", "description")
        .order_by("pairing_id", "due_on", "position")
    )
    for m in milestones.iterator(chunk_size=5000):
        yield [
            m.pairing_id,
            m.pairing.mentee.full_name,
            m.pairing.mentor.full_name,
            m.title,
            m.competency.name if m.competency else "",
            m.get_owner_display(),
            m.get_kind_display(),
            m.due_on,
            m.get_status_display(),
            m.completed_at.astimezone(zone) if m.completed_at else None,
        ]


def _checkin_rows(program: Program, zone: ZoneInfo) -> Iterator[Row]:
    checkins = (
        CheckIn.objects.filter(pairing__program=program)
        .select_related("pairing__mentee", "pairing__mentor")
        .only(
            "pk",
            "pairing_id",
            "occurred_on",
            "duration_minutes",
            "kind",
            "logged_by_id",
            "pairing__mentee__full_name",
            "pairing__mentor__full_name",
            "pairing__mentee_id",
        )
        .prefetch_related("topics")
        .order_by("pairing_id", "occurred_on", "pk")
    )
    for c in checkins.iterator(chunk_size=2000):
        yield [
            c.pk,
            c.pairing_id,
            c.pairing.mentee.full_name,
            c.pairing.mentor.full_name,
            c.occurred_on,
            c.duration_minutes,
            c.get_kind_display(),
            "; ".join(sorted(t.name for t in c.topics.all())),
            "mentee" if c.logged_by_id == c.pairing.mentee_id else "mentor",
        ]


@dataclass(frozen=True)
class Dataset:
    slug: str
    label: str
    header: list[str]
    # The rows of a program, their timestamps in the given zone.
    rows: Callable[[Program, ZoneInfo], Iterator[Row]]


DATASETS = {
    d.slug: d
    for d in (
        Dataset(
            "pairings",
            "Pairings",
            [
                "pairing",
                "mentee",
                "mentee email",
                "mentee department",
                "mentor",
                "mentor email",
                "status",
                "source",
                "starts on",
                "ends on",
                "outcome",
                "milestones done",
                "milestones",
                "check-ins",
                "last check-in",
            ],
            _pairing_rows,
        ),
        Dataset(
            "milestones",
            "Milestones",
            [
                "pairing",
                "mentee",
                "mentor",
                "milestone",
                "competency",
                "owner",
                "kind",
                "due on",
                "status",
                "completed at",
            ],
            _milestone_rows,
        ),
        Dataset(
            "check-ins",
            "Check-ins (when, how long, on what — never what was said)",
            [
                "check-in",
                "pairing",
                "mentee",
                "mentor",
                "date",
                "minutes",
                "kind",
                "topics",
                "logged by",
            ],
            _checkin_rows,
        ),
    )
}
FORMATS = ("csv", "xlsx")


def timestamp(value: dt.datetime) -> str:
    """``2027-03-01T09:00:00+01:00``: the instant, and where it was read."""
    if value.tzinfo is None:
        raise ValueError("An exported timestamp needs its zone.")
    return value.isoformat(timespec="seconds")


def _text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(header: list[str], rows: Iterable[Row]) -> Iterator[str]:
    """The CSV, a line at a time, every text cell escaped."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read the file as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([escape(_text(value)) for value in row])


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        value = timestamp(value)
    escaped = escape(value)
    if isinstance(escaped, str):
        # XML 1.0 cannot carry most control characters, and reads every line
        # break as a line feed.
        return xlsx_text(escaped)
    return escaped


def xlsx_text(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def write_xlsx(header: list[str], rows: Iterable[Row], *, title: str) -> IO[bytes]:
    """The workbook in a temporary file, rewound. Text cells are stored as
    text (never as formulas) and escaped as well, for whoever re-saves the
    sheet as CSV."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


def filename(program: Program, dataset: Dataset, fmt: str, today: dt.date) -> str:
    return f"{program.slug}-{dataset.slug}-{today.isoformat()}.{fmt}"
