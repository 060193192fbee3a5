from __future__ import annotations

import datetime as dt
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
        typed = ("title", "description", "offset_days", "competency")
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in typed)

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


def rearranged(data: QueryDict, action: str) -> QueryDict | None:
    """The editor's row buttons, without JavaScript: ``up:2``, ``down:2``,
    ``remove:2`` or ``add`` gives the same submission with its rows moved,
    taken out or one blank row added (nothing is saved; the page shows the
    result). None for anything else."""
    verb, _, which = action.partition(":")
    try:
        total = int(data.get(f"{PREFIX}-TOTAL_FORMS", "0"))
    except ValueError:
        return None
    if not 0 <= total <= 200:
        return None
    names = list(StepForm.base_fields)
    rows = [{n: data.getlist(f"{PREFIX}-{i}-{n}") for n in names} for i in range(total)]
    index = int(which) if which.isdigit() else -1
    if verb == "add":
        rows.append({})
    elif verb == "remove" and 0 <= index < total:
        del rows[index]
    elif verb == "up" and 0 < index < total:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and 0 <= index < total - 1:
        rows[index], rows[index + 1] = rows[index + 1], rows[index]
    else:
        return None
    moved = QueryDict(mutable=True)
    for key in data:
        if not key.startswith(f"{PREFIX}-"):
            moved.setlist(key, data.getlist(key))
    for i, row in enumerate(rows):
        for name, values in row.items():
            moved.setlist(f"{PREFIX}-{i}-{name}", values)
    # Every row now counts by what it holds, wherever it came from.
    moved[f"{PREFIX}-TOTAL_FORMS"] = str(len(rows))
    moved[f"{PREFIX}-INITIAL_FORMS"] = "0"
    moved[f"{PREFIX}-MIN_NUM_FORMS"] = "0"
    moved[f"{PREFIX}-MAX_NUM_FORMS"] = "1000"
    return moved


def step_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None
) -> BaseStepFormSet:
    return cast(BaseStepFormSet, _StepFormSet(data, prefix=PREFIX, initial=initial))


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
