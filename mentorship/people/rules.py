"""What makes a person's details valid, written once.

Two callers check the same things: the people import (``imports/reader.py``)
checks a whole file against a snapshot of the company, and the services
(``person_create`` / ``person_update``) check one person against the
database. Both come here, so a rule and its message exist in one place, and
HR reads the same sentence whether they typed the value into a form, sent it
to the API or put it in row 40 of a CSV.

Pure: no queries. The caller says what the company looks like — which
competencies exist, who reports to whom — and attaches each message to its
field (or its row and column).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mentorship.core.timezones import validate_time_zone

MAX_TEXT = 200
MAX_DEPARTMENT = 120  # Department.name
MAX_EMAIL = 254
DATE_FORM = "YYYY-MM-DD"
# Several competencies in one text value (a CSV cell), as spreadsheets and
# HR systems write lists.
LIST_SEPARATORS = re.compile(r"[;|]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def normalize_email(raw: str) -> str:
    return raw.strip().lower()


def email_problem(raw: str) -> str | None:
    email = normalize_email(raw)
    if not email:
        return "The email address is empty."
    if len(email) > MAX_EMAIL:
        return f"The email address is longer than {MAX_EMAIL} characters."
    try:
        validate_email(email)
    except ValidationError:
        return f"“{raw.strip()}” is not an email address."
    return None


def email_taken(email: str) -> str:
    return f"{email} is already someone's address in Scaffold; edit that person instead."


def email_repeated(email: str, first_row: int) -> str:
    return f"{email} is already on row {first_row}."


def full_name_problem(value: str) -> str | None:
    if not value.strip():
        return "The name is empty."
    return too_long(value)


def too_long(value: str, limit: int = MAX_TEXT) -> str | None:
    return f"Longer than {limit} characters." if len(value) > limit else None


def time_zone_problem(value: str) -> str | None:
    if not value.strip():
        return "Choose a time zone: an IANA name such as Europe/Berlin."
    # The model's validator words it; a form, the API and the import all
    # show that one sentence.
    try:
        validate_time_zone(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def parse_date(raw: str) -> dt.date:
    """A date written the one unambiguous way, ``2026-12-31``. Anything else
    (``31/12/2026``, ``03/04/2026``, ``2026-1-5``, ``2026/12/31``) raises
    ``ValueError`` with a sentence to show: ``03/04/2026`` is the 3rd of April
    in one country and the 4th of March in another, so it is never guessed."""
    value = raw.strip()
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(
            f"“{value}” is not a date in the form {DATE_FORM} (for example 2026-12-31)."
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a day of the calendar.") from None


def promotion_date_problem(value: dt.date, *, today: dt.date) -> str | None:
    if value > today:
        return (
            f"{value.isoformat()} is in the future; the day someone became a manager "
            "is today or earlier."
        )
    return None


def split_list(raw: str) -> list[str]:
    """``Coaching and feedback; conflict-resolution`` → two names."""
    return [name for name in (part.strip() for part in LIST_SEPARATORS.split(raw)) if name]


def resolve_competencies(
    refs: Iterable[str | int], known: Mapping[Any, int]
) -> tuple[frozenset[int], list[str]]:
    """Competency ids for names, slugs (any case) or ids, and a message for
    each one that matches nothing. ``known`` maps lower-cased names and
    slugs, and ids where the caller accepts them, to ids."""
    ids: set[int] = set()
    problems: list[str] = []
    for ref in refs:
        key = ref.strip().lower() if isinstance(ref, str) else ref
        found = known.get(key)
        if found is None:
            problems.append(unknown_competency(ref))
        else:
            ids.add(found)
    return frozenset(ids), problems


def unknown_competency(ref: str | int) -> str:
    return f"“{ref}” is not a competency Scaffold knows."


def own_manager() -> str:
    return "A person cannot be their own manager."


def manager_unknown(ref: str | int, *, file_too: bool = False) -> str:
    if file_too:
        return f"{ref} is neither in this file nor in the company."
    if isinstance(ref, int):
        return f"There is nobody with the id {ref} in the company."
    return f"{ref} is not someone in the company."


def reporting_cycle[K: Hashable](
    person: K, manager: K | None, manager_of: Callable[[K], K | None], *, limit: int
) -> list[K] | None:
    """The loop that giving ``person`` this ``manager`` would close, as the
    path from the person back to themself, or None. ``manager_of`` answers
    for everyone else as things will be; ``limit`` bounds the walk (the
    number of people), so a loop elsewhere in the company cannot hang it."""
    path = [person]
    current = manager
    while current is not None and len(path) <= limit:
        if current == person:
            return [*path, person]
        if current in path:
            return None  # a loop above, that does not pass through this person
        path.append(current)
        current = manager_of(current)
    return None


def cycle_message(path: Iterable[object]) -> str:
    return "This makes a reporting cycle: " + " → ".join(str(step) for step in path) + "."
