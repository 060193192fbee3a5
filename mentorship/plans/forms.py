from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from mentorship.people.models import Competency
from mentorship.plans.models import OnboardingPlan, StepAnchor, StepKind, StepOwner
from mentorship.plans.services import StepSpec


class PlanForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What the plan is for."
    )


class StepForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=999, help_text="Order in the plan.")
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
        typed = ("position", "title", "description", "offset_days", "competency")
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in typed)

    def spec(self) -> StepSpec:
        data = self.cleaned_data
        return StepSpec(
            title=data["title"],
            description=data.get("description") or "",
            competency=data.get("competency"),
            owner=data["owner"],
            kind=data["kind"],
            anchor=data["anchor"],
            offset_days=data["offset_days"],
            position=data["position"],
        )


class BaseStepFormSet(forms.BaseFormSet[StepForm]):
    def kept_forms(self) -> list[StepForm]:
        """The rows that make the plan: every existing step not ticked for
        deletion, and every new row that was filled in."""
        return [
            form
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not form.cleaned_data.get("DELETE", False)
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        positions: dict[int, int] = {}
        for index, form in enumerate(self.kept_forms()):
            position = form.cleaned_data.get("position")
            if position in positions:
                form.add_error(
                    "position",
                    f"Step {positions[position] + 1} already has position {position}.",
                )
            elif position is not None:
                positions[position] = index
        if not positions:
            raise forms.ValidationError("A plan needs at least one step.")

    def specs(self) -> list[StepSpec]:
        return [form.spec() for form in self.kept_forms()]


_StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=3, can_delete=True)


def step_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None
) -> BaseStepFormSet:
    return cast(BaseStepFormSet, _StepFormSet(data, prefix="steps", initial=initial))


def step_initial(plan: OnboardingPlan) -> list[dict[str, Any]]:
    return [
        {
            "position": step.position,
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
