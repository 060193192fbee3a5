"""Admin helpers that keep the content of notes out of the Django admin.

The admin is for operating the installation. Staff see that a note exists
and how long it is, never what it says; the fields holding note text are
excluded from every form and list, and these helpers show a placeholder.

Hiding a field is not enough: a changelist answers ``?note__contains=guess``
with one row or none, and text can be recovered guess by guess. So an admin
holding such fields refuses every lookup on them (Django answers 400).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest


def masked(field: str, label: str) -> Callable[[Any, Any], str]:
    @admin.display(description=label)
    def display(self: Any, obj: Any) -> str:
        value = getattr(obj, field, "") or ""
        if not value:
            return "—"
        return f"hidden ({len(value)} characters)"

    display.__name__ = f"{field}_masked"
    return display


class MaskedFieldsAdmin(admin.ModelAdmin[Any]):
    """An admin whose ``exclude`` lists fields nobody may read here: they
    cannot be filtered, searched or sorted on either."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup.split(LOOKUP_SEP, maxsplit=1)[0] in set(self.exclude or ()):
            return False
        return super().lookup_allowed(lookup, value, request)  # type: ignore[arg-type]
