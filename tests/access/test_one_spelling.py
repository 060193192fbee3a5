"""Who may do what is spelled in mentorship/access.py, and which statuses
count as live, open or closed on the models: nowhere else. This reads the
code as text, so a new feature that writes a rule out by hand again fails
here, with the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "mentorship"

# Where the rules live.
HOMES = {Path("access.py")}


def _is_home(path: Path) -> bool:
    relative = path.relative_to(ROOT)
    return relative in HOMES or relative.name == "models.py" or "migrations" in relative.parts


SPELLINGS = {
    "a pair check written out (use access.is_member / member_q)": re.compile(
        r"\(\s*[\w.]+\.mentee_id\s*,\s*[\w.]+\.mentor_id\s*\)"
        r"|Q\(\s*(\w+__)?mentee=\w+\s*\)\s*\|\s*Q\(\s*(\w+__)?mentor="
    ),
    "an admin check written out (use access.administers / administers_q)": re.compile(
        r"administered_by\([^)]*\)\s*\.filter\(\s*pk=[^)]*\)\s*\.exists\(\)"
        r"|admins\.through|program__admins\b|\bprogram_admins\b"
    ),
    "a line-manager check written out (use access.line_manager_q)": re.compile(
        r"\b(\w+__)?manager=(viewer|person|request\.user|by)\b"
    ),
    "a set of statuses written out (use the model's queryset or constant)": re.compile(
        r"\b(\w+)Status\.[A-Z_]+\s*,\s*\1Status\.[A-Z_]+"
        r"|status(__in)?\s*(=|in|not in)\s*[\[(]\s*['\"]"
    ),
}


def _offences(source: str) -> list[tuple[int, str, str]]:
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        for what, pattern in SPELLINGS.items():
            if pattern.search(line):
                found.append((number, what, line.strip()))
    return found


def test_no_rule_is_spelled_outside_its_home() -> None:
    offences = [
        f"{path.relative_to(ROOT.parent)}:{number}: {what}: {line}"
        for path in sorted(ROOT.rglob("*.py"))
        if not _is_home(path)
        for number, what, line in _offences(path.read_text())
    ]
    assert offences == [], "\n".join(offences)


@pytest.mark.parametrize(
    "line",
    [
        "if by.pk not in (pairing.mentee_id, pairing.mentor_id):",
        "return requests.filter(Q(pairing__mentee=viewer) | Q(pairing__mentor=viewer))",
        "if not programs_administered_by(by).filter(pk=program.pk).exists():",
        "Program.admins.through.objects.filter(program_id=OuterRef('pk'))",
        "visible.filter(mentee__manager=person)",
        "status__in=[PairingStatus.ACTIVE, PairingStatus.PAUSED]",
        "checkin.pairing.status in ('active', 'paused')",
    ],
)
def test_the_check_sees_each_spelling_it_forbids(line: str) -> None:
    assert _offences(line), line
