"""Reading a people CSV: a file that cannot be read says what is wrong and
where, in words a person can act on; a row with the wrong number of cells
is a problem of that row."""

from __future__ import annotations

import pytest

from mentorship.people.imports.csv_file import FileError, read_csv


def refusal(data: bytes) -> list[str]:
    with pytest.raises(FileError) as raised:
        read_csv(data)
    return raised.value.messages


def test_an_unclosed_quote_names_the_row_it_starts_on() -> None:
    data = b'email,full_name\na@x.io,Ana\nb@x.io,"Bo Berg\nc@x.io,Cy\nd@x.io,Di\n'
    assert refusal(data) == [
        'Row 3 opens a quote (") that is never closed, so the rest of the file reads as one '
        "cell. Close the quote, or remove it."
    ]


def test_an_unclosed_quote_after_a_cell_on_several_lines_names_row_and_line() -> None:
    data = b'email,full_name,title\na@x.io,Ana,"Lead\nof things"\nb@x.io,"Bo,x\n'
    assert refusal(data) == [
        'Row 3 (line 4 of the file) opens a quote (") that is never closed, so the rest of the '
        "file reads as one cell. Close the quote, or remove it."
    ]


def test_text_after_a_closing_quote_is_refused_not_glued_on() -> None:
    assert refusal(b'email,full_name\na@x.io,"Ana" Lima\n') == [
        'Row 2 has text after a closing quote ("), as in "Lima" Ana. Put the whole cell in '
        'quotes and double any quote inside it: "Ana ""Al"" Lima".'
    ]


def test_rows_separated_otherwise_than_the_header() -> None:
    assert refusal(b"email;full_name;title\na@x.io,Ana,Lead\nb@x.io,Bo,Lead\n") == [
        "The header is separated by semicolons but row 2 by commas; use one separator throughout."
    ]
    # Further down, it is that row's problem, reported with the others.
    table = read_csv(b"email;full_name;title\na@x.io;Ana;Lead\nb@x.io,Bo,Lead\n")
    assert [row.number for row in table.rows] == [2]
    assert [problem.as_dict() for problem in table.problems] == [
        {
            "row": 3,
            "column": "",
            "message": "The header is separated by semicolons but row 3 by commas; "
            "use one separator throughout.",
        }
    ]


def test_a_header_in_a_separator_scaffold_does_not_read() -> None:
    assert refusal(b"email|full_name\na@x.io|Ana\n") == [
        "The header is one column, “email|full_name”: separate the columns with commas, "
        "semicolons or tabs, not “|”."
    ]


def test_rows_with_too_many_or_too_few_cells_are_each_reported() -> None:
    table = read_csv(b"email,full_name,title\na@x.io,Ana\nb@x.io,Lima, Bo,Lead\nc@x.io,Cy,Lead\n")
    assert [row.number for row in table.rows] == [4]
    assert [(p.row, p.column, p.message) for p in table.problems] == [
        (
            2,
            "",
            "Row 2 has 2 cells but the header has 3 columns: a cell, or the separator before "
            "it, is missing. Its cells are checked once it has them all.",
        ),
        (
            3,
            "",
            "Row 3 has 4 cells but the header has 3 columns: a comma inside a cell must be in "
            'quotes (as in "Lima, Ana"). Its cells are checked once it has the right number.',
        ),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n\n", "The file is empty."),
        (b"email,full_name\n", "The file has a header but no people."),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "This is a spreadsheet workbook (.xlsx) or another zip archive, not a CSV file. "
            "In your spreadsheet app, save it as “CSV UTF-8 (comma delimited)” and upload that.",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "This is an Excel 97–2003 workbook (.xls), not a CSV file. In your spreadsheet app, "
            "save it as “CSV UTF-8 (comma delimited)” and upload that.",
        ),
        (
            "email,full_name\n".encode("utf-16"),
            "The file is UTF-16 text, not UTF-8. In your spreadsheet app, save it as "
            "“CSV UTF-8 (comma delimited)” and upload that.",
        ),
        (
            b"email,full_name\na@x.io,A\x00na\n",
            "The file holds binary data (a NUL byte on line 2), so it is not a CSV file. In your "
            "spreadsheet app, save it as “CSV UTF-8 (comma delimited)” and upload that.",
        ),
        (
            "email,full_name\na@x.io,Ana\nr@x.io,René\n".encode("cp1252"),
            "The file is not UTF-8 text: line 3 has the byte 0xE9, which UTF-8 does not use (the "
            "file was probably saved as Windows-1252 or Latin-1). In your spreadsheet app, save "
            "it as “CSV UTF-8 (comma delimited)” and upload that.",
        ),
        (
            b"\nemail,full_name\na@x.io,Ana\n",
            "Row 1 is empty: the header (email, full_name, …) must be the first row.",
        ),
    ],
)
def test_files_that_are_not_a_readable_csv(data: bytes, message: str) -> None:
    assert refusal(data) == [message]


def test_every_problem_of_the_header_at_once() -> None:
    assert refusal(b"Email,work_email,full_nme,shoe size,\na@x.io,a@x.io,Ana,42,\n") == [
        "Column 3 (“full_nme”) is not one Scaffold knows. Did you mean full_name?",
        "Column 4 (“shoe size”) is not one Scaffold knows.",
        "Column 5 has no name in the header; name it or delete the column.",
        "Columns 1 (Email) and 2 (work_email) both mean email; keep one of them.",
        "The header needs the column: full_name.",
        "The columns Scaffold reads: email, full_name, title, department, manager_email, "
        "time_zone, became_manager_on, expertise, role, focus_areas.",
    ]


def test_separators_a_bom_quoted_cells_and_old_line_endings_are_read() -> None:
    for data in (
        '\ufeffEmail;Name;Title\r\na@x.io;Ana;"Lead; Platform"\r\n'.encode(),
        b"email\tfull_name\ttitle\na@x.io\tAna\tLead; Platform\n",
        b'email,full_name,title\ra@x.io,Ana,"Lead; Platform"\r',
    ):
        table = read_csv(data)
        assert table.problems == []
        assert [row.cells for row in table.rows] == [
            {"email": "a@x.io", "full_name": "Ana", "title": "Lead; Platform"}
        ]
    # A name with a comma, quoted as a spreadsheet writes it: the header
    # decides the separator, not the commas in a data row.
    table = read_csv(b'email;full_name\na@x.io;"Lima, Ana"\n')
    assert table.rows[0].cells["full_name"] == "Lima, Ana"
