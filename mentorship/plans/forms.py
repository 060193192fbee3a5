from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.http import QueryDict

from mentorship.people.models import Competency
from mentorship.plans.models import OnboardingPlan, StepAnchor, StepKind, StepOwner
from mentorship.plans.services import StepSpec


class PlanForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What the plan is for."
    )


# What a person types into a step row; its selects always send a value.
TYPED = ("title", "description", "offset_days", "competency")


class StepForm(forms.Form):
    """One step; its place in the plan is its place on the page."""

    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, label="Guidance", widget=forms.Textarea(attrs={"rows": 2})
    )
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.all(), required=False, empty_label="(none)"
    )
    # Initial values match what a blank row's selects show, so an untouched
    # blank row counts as empty and is ignored.
    owner = forms.ChoiceField(choices=StepOwner.choices, initial=StepOwner.MENTEE)
    kind = forms.ChoiceField(choices=StepKind.choices, initial=StepKind.MILESTONE)
    anchor = forms.ChoiceField(
        choices=StepAnchor.choices, label="Counted from", initial=StepAnchor.PAIRING_START
    )
    offset_days = forms.IntegerField(label="Days after", min_value=0, max_value=3650)

    def has_changed(self) -> bool:
        """A new row counts as filled in when something was typed into it;
        its selects always send a value, so they do not count."""
        if self.initial:
            return super().has_changed()
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in TYPED)

    def spec(self, position: int) -> StepSpec:
        data = self.cleaned_data
        return StepSpec(
            title=data["title"],
            description=data.get("description") or "",
            competency=data.get("competency"),
            owner=data["owner"],
            kind=data["kind"],
            anchor=data["anchor"],
            offset_days=data["offset_days"],
            position=position,
        )


class BaseStepFormSet(forms.BaseFormSet[StepForm]):
    def kept_forms(self) -> list[StepForm]:
        """The rows that make the plan, in the order they are on the page:
        every existing step, and every new row that was filled in."""
        return [
            form
            for index, form in enumerate(self.forms)
            if index < self.initial_form_count() or form.has_changed()
        ]

    def clean(self) -> None:
        super().clean()
        if not any(self.errors) and not self.kept_forms():
            raise forms.ValidationError("A plan needs at least one step.")

    def specs(self) -> list[StepSpec]:
        return [form.spec(position) for position, form in enumerate(self.kept_forms(), start=1)]


_StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=1)

PREFIX = "steps"


@dataclass(frozen=True)
class Rearranged:
    """The editor after a row button: the filled-in rows in their new order,
    how many blank rows to show after them, and the row to bring into view."""

    rows: list[dict[str, Any]]
    blanks: int
    focus: int


def rearranged(data: QueryDict, action: str) -> Rearranged | None:
    """The editor's row buttons, without JavaScript: ``up:2``, ``down:2``,
    ``remove:2`` or ``add`` gives the submission's rows moved, taken out or
    one blank row added. Nothing is saved; the page shows the result. None
    for anything else (a stale button)."""
    verb, _, which = action.partition(":")
    try:
        total = int(data.get(f"{PREFIX}-TOTAL_FORMS", "0"))
    except ValueError:
        return None
    if not 0 <= total <= 200:
        return None
    rows = [
        {name: data.get(f"{PREFIX}-{i}-{name}", "") for name in StepForm.base_fields}
        for i in range(total)
    ]
    index = int(which) if which.isdigit() else -1
    focus = index
    if verb == "add":
        focus = total
    elif verb == "remove" and 0 <= index < total:
        del rows[index]
    elif verb == "up" and 0 < index < total:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
        focus = index - 1
    elif verb == "down" and 0 <= index < total - 1:
        rows[index], rows[index + 1] = rows[index + 1], rows[index]
        focus = index + 1
    elif verb != "keep":
        return None
    filled = [row for row in rows if any(str(row[name]).strip() for name in TYPED)]
    blanks = len(rows) - len(filled) + (1 if verb == "add" else 0)
    return Rearranged(rows=filled, blanks=max(blanks, 0), focus=min(focus, len(filled)))


def step_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None, blanks: int = 1
) -> BaseStepFormSet:
    """The steps: ``initial`` (a plan's, or the rows as the editor left them),
    then ``blanks`` empty rows whose selects start as a new step's do."""
    formset = (
        _StepFormSet
        if blanks == 1
        else forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=blanks)
    )
    return cast(BaseStepFormSet, formset(data, prefix=PREFIX, initial=initial))


def step_initial(plan: OnboardingPlan) -> list[dict[str, Any]]:
    return [
        {
            "title": step.title,
            "description": step.description,
            "competency": step.competency_id,
            "owner": step.owner,
            "kind": step.kind,
            "anchor": step.anchor,
            "offset_days": step.offset_days,
        }
        for step in plan.steps.order_by("position")
    ]


class PreviewForm(forms.Form):
    starts_on = forms.DateField(
        label="Pairing starts on", widget=forms.DateInput(attrs={"type": "date"})
    )
    promoted_on = forms.DateField(
        label="Mentee became a manager on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For steps counted from the promotion date.",
    )

    @classmethod
    def default(cls, data: Any, today: dt.date) -> PreviewForm:
        return cls(data if data.get("starts_on") else {"starts_on": today.isoformat()})
