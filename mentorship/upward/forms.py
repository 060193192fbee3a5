from __future__ import annotations

from typing import Any

from django import forms

from mentorship.core.forms import LongTextField
from mentorship.core.text_limits import too_long_message
from mentorship.upward.services import COMMENT_MAX_LENGTH
from mentorship.upward.statements import MAX_FOCUS, QUESTIONS, SCALE, STATEMENTS

CANT_SAY = "na"


class AnswerForm(forms.Form):
    """Ten statements, each 1–5 or "can't say" (left blank means the same),
    and two optional questions. The link's token travels in the form, not in
    the address the answer is sent to."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(value), f"{value} · {label}") for value, label in SCALE]
        for statement in STATEMENTS:
            self.fields[statement.key] = forms.ChoiceField(
                label=statement.text,
                choices=[*choices, (CANT_SAY, "Can't say")],
                required=False,
                widget=forms.RadioSelect,
            )
        for question in QUESTIONS:
            self.fields[f"comment_{question.key}"] = LongTextField(
                label=question.text,
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                error_messages={"max_length": too_long_message("This answer")},
            )

    def statement_fields(self) -> list[forms.BoundField]:
        return [self[statement.key] for statement in STATEMENTS]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"comment_{question.key}"] for question in QUESTIONS]

    def scores(self) -> dict[str, int | None]:
        return {
            statement.key: None
            if self.cleaned_data[statement.key] in ("", CANT_SAY)
            else int(self.cleaned_data[statement.key])
            for statement in STATEMENTS
        }

    def comments(self) -> dict[str, str]:
        return {
            question.key: self.cleaned_data[f"comment_{question.key}"] for question in QUESTIONS
        }


class ShareForm(forms.Form):
    shared_with_mentor = forms.BooleanField(required=False)


class FocusForm(forms.Form):
    focus = forms.MultipleChoiceField(
        choices=[(s.key, s.text) for s in STATEMENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=f"Pick up to {MAX_FOCUS} statements to work on until the next round",
    )

    def clean_focus(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["focus"]
        if len(chosen) > MAX_FOCUS:
            raise forms.ValidationError(f"Pick at most {MAX_FOCUS} statements to focus on.")
        return chosen
