"""Helpers shared by the web forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def attach_service_errors(exc: ValidationError, form: forms.Form) -> None:
    """A service's errors next to the fields they name; the rest at the top."""
    for field, problems in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


class LongTextField(forms.CharField):
    """Free text in a text area, with its limit checked on the server only.

    A ``maxlength`` in the page would make the browser cut a pasted text at
    the limit without a word; the server's message says how much is too
    much, and the text stays in the box to shorten."""

    def __init__(self, *, rows: int = 3, **kwargs: object) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, object]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs
