"""Helpers shared by the web forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def attach_service_errors(exc: ValidationError, form: forms.Form) -> None:
    """A service's errors next to the fields they name; the rest at the top."""
    for field, problems in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
