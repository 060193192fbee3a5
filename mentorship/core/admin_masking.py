"""Admin helpers that keep the content of notes out of the Django admin.

The admin is for operating the installation. Staff see that a note exists
and how long it is, never what it says; the fields holding note text are
excluded from every form and list, and these helpers show a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin


def masked(field: str, label: str) -> Callable[[Any, Any], str]:
    @admin.display(description=label)
    def display(self: Any, obj: Any) -> str:
        value = getattr(obj, field, "") or ""
        if not value:
            return "—"
        return f"hidden ({len(value)} characters)"

    display.__name__ = f"{field}_masked"
    return display
