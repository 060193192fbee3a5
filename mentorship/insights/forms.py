from __future__ import annotations

from typing import Any

from django import forms

from mentorship.people.models import Department
from mentorship.programs.models import Program

DATE_EXPECTED = "Enter a date in the form YYYY-MM-DD (for example 2026-12-31)."


class InsightsFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="All your programs"
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label="Every department",
        help_text="The mentee's department.",
    )
    since = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Pairings still running on or after this day.",
        error_messages={"invalid": DATE_EXPECTED},
    )
    until = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Pairings that started on or before this day.",
        error_messages={"invalid": DATE_EXPECTED},
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end of the range comes before its start.")
        return data
