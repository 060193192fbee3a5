"""Reading a people CSV: from bytes to a table of cells, or the reasons it
cannot be read.

A person fixes the file, so every problem says what is wrong, where (the row
as a spreadsheet numbers it: the header is row 1) and what to do about it.
Problems that spoil the whole file (not text, not UTF-8, a header Scaffold
cannot read, a quote that never closes) raise ``FileError`` with every
message at once; a row with too many or too few cells is a problem of that
row, reported with the others.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field

from django.template.defaultfilters import pluralize

MAX_ROWS = 50_000

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
    "focus_areas": ("focus_areas", "focus", "focus_competencies"),
}
REQUIRED = ("email", "full_name")
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
_ALIASES = {alias: name for name, spellings in COLUMNS.items() for alias in spellings}
# What some files are when they are not CSV, by their first bytes.
_NOT_CSV = (
    (b"PK\x03\x04", "a spreadsheet workbook (.xlsx) or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97–2003 workbook (.xls)"),
    (b"%PDF", "a PDF document"),
)
SAVE_AS_CSV = "In your spreadsheet app, save it as “CSV UTF-8 (comma delimited)” and upload that."


class FileError(Exception):
    """The file as a whole cannot be read; ``messages`` says every reason."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the header; data starts at 2, as a spreadsheet shows it
    column: str  # a canonical column, or "" for the row as a whole
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class CsvRow:
    number: int
    cells: dict[str, str]  # canonical column → the cell, trimmed


@dataclass
class CsvTable:
    columns: list[str]
    rows: list[CsvRow] = field(default_factory=list)
    # Rows that could not be split into the header's columns.
    problems: list[RowError] = field(default_factory=list)
    separator: str = ","


def read_csv(data: bytes) -> CsvTable:
    """Decode (UTF-8, with or without BOM), take the separator the header
    uses (comma, semicolon or tab), map the header to canonical column names
    and split every row into cells."""
    text = _decode(data)
    separator = _header_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    table = CsvTable(columns=[], separator=separator)
    number = 0
    while True:
        starts_on_line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FileError(_quote_problem(str(exc), number + 1, starts_on_line)) from None
        number += 1
        if number == 1:
            table.columns = _map_header(values)
            continue
        if not any(value.strip() for value in values):
            continue
        if len(table.rows) + len(table.problems) >= MAX_ROWS:
            raise FileError(f"The file has more than {MAX_ROWS:,} rows; split it.")
        if len(values) != len(table.columns):
            problem, other_separator = _ragged_row(values, number, table)
            if other_separator and not table.rows and not table.problems:
                # The very first row already disagrees: the file, not a row, is wrong.
                raise FileError(problem)
            table.problems.append(RowError(number, "", problem))
            continue
        cells = {name: value.strip() for name, value in zip(table.columns, values, strict=True)}
        table.rows.append(CsvRow(number, cells))
    if number == 0:
        raise FileError("The file is empty.")
    if not table.rows and not table.problems:
        raise FileError("The file has a header but no people.")
    return table


def _decode(data: bytes) -> str:
    if not data.strip():
        raise FileError("The file is empty.")
    for magic, what in _NOT_CSV:
        if data.startswith(magic):
            raise FileError(f"This is {what}, not a CSV file. {SAVE_AS_CSV}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileError(f"The file is UTF-16 text, not UTF-8. {SAVE_AS_CSV}")
    if (nul := data.find(b"\x00")) != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise FileError(
            f"The file holds binary data (a NUL byte on line {line}), so it is not a CSV "
            f"file. {SAVE_AS_CSV}"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise FileError(
            f"The file is not UTF-8 text: line {line} has the byte 0x{byte:02X}, which UTF-8 "
            f"does not use (the file was probably saved as Windows-1252 or Latin-1). "
            f"{SAVE_AS_CSV}"
        ) from None


def _normalize(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _header_separator(text: str) -> str:
    """The separator under which the header names the most known columns
    (then the most cells). Only the header is asked: it is the one row whose
    content is known, and a data row's commas may be part of a name."""

    def score(separator: str) -> tuple[int, int]:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), [])
        except csv.Error:
            return (-1, 0)
        return (sum(_normalize(cell) in _ALIASES for cell in header), len(header))

    return max(SEPARATORS, key=score)


def _map_header(header: list[str]) -> list[str]:
    """Canonical names for the header's cells, or every problem with it."""
    if not any(cell.strip() for cell in header):
        raise FileError("Row 1 is empty: the header (email, full_name, …) must be the first row.")
    problems: list[str] = []
    columns: list[str] = []
    unknown = False
    if len(header) == 1 and (other := next((s for s in ("|", ":") if s in header[0]), None)):
        raise FileError(
            f"The header is one column, “{header[0].strip()}”: separate the columns with "
            f"commas, semicolons or tabs, not “{other}”."
        )
    for position, raw in enumerate(header, start=1):
        name = _ALIASES.get(_normalize(raw))
        if not raw.strip():
            problems.append(
                f"Column {position} has no name in the header; name it or delete the column."
            )
        elif name is None:
            unknown = True
            guess = difflib.get_close_matches(_normalize(raw), list(_ALIASES), n=1, cutoff=0.7)
            hint = f" Did you mean {_ALIASES[guess[0]]}?" if guess else ""
            problems.append(f"Column {position} (“{raw.strip()}”) is not one Scaffold knows.{hint}")
        columns.append(name or "")
    for name in COLUMNS:
        positions = [i for i, column in enumerate(columns, start=1) if column == name]
        if len(positions) > 1:
            spelled = [f"{p} ({header[p - 1].strip()})" for p in positions]
            both = "both" if len(positions) == 2 else "all"
            problems.append(
                f"Columns {', '.join(spelled[:-1])} and {spelled[-1]} {both} mean {name}; "
                "keep one of them."
            )
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        problems.append(
            f"The header needs the column{pluralize(len(missing))}: {', '.join(missing)}."
        )
    if unknown:
        problems.append(f"The columns Scaffold reads: {', '.join(COLUMNS)}.")
    if problems:
        raise FileError(*problems)
    return columns


def _ragged_row(values: list[str], number: int, table: CsvTable) -> tuple[str, bool]:
    """What is wrong with a row whose cells do not match the header, and
    whether it is written with another separator than the header."""
    expected = len(table.columns)
    said = (
        f"Row {number} has {len(values)} cell{pluralize(len(values))} "
        f"but the header has {expected} columns"
    )
    line = table.separator.join(values)
    for separator, name in SEPARATORS.items():
        if separator == table.separator or separator not in line:
            continue
        if len(next(csv.reader([line], delimiter=separator))) == expected:
            message = (
                f"The header is separated by {SEPARATORS[table.separator]} but row {number} "
                f"by {name}; use one separator throughout."
            )
            return message, True
    if len(values) > expected:
        one = SEPARATORS[table.separator].removesuffix("s")
        example = f' (as in "Lima{table.separator} Ana")' if table.separator != "\t" else ""
        return (
            f"{said}: a {one} inside a cell must be in quotes{example}. "
            "Its cells are checked once it has the right number.",
            False,
        )
    return (
        f"{said}: a cell, or the separator before it, is missing. "
        "Its cells are checked once it has them all.",
        False,
    )


def _quote_problem(error: str, row: int, line: int) -> str:
    where = f" (line {line} of the file)" if line != row else ""
    if "unexpected end of data" in error:
        return (
            f'Row {row}{where} opens a quote (") that is never closed, so the rest of the '
            f"file reads as one cell. Close the quote, or remove it."
        )
    if "field larger than field limit" in error:
        return (
            f"Row {row}{where} has a cell longer than {csv.field_size_limit():,} characters: "
            f'most likely a quote (") on that row is never closed.'
        )
    if "expected after" in error:
        return (
            f'Row {row}{where} has text after a closing quote ("), as in "Lima" Ana. Put the '
            f'whole cell in quotes and double any quote inside it: "Ana ""Al"" Lima".'
        )
    return f"Row {row}{where} is not valid CSV: {error}."
