from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mentorship.plans import services
from mentorship.plans.models import OnboardingPlan, PlanStep, StepAnchor
from mentorship.plans.services import StepSpec
from mentorship.programs.models import ProgramStatus
from tests.factories import ProgramFactory
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def steps(*titles: str) -> list[StepSpec]:
    return [StepSpec(title=t, offset_days=7 * i) for i, t in enumerate(titles)]


def test_editing_a_plan_nobody_uses_changes_it_in_place(personas: Personas) -> None:
    plan = services.plan_create(name="Draft plan", steps=steps("A", "B"), by=personas.hr)

    saved = services.plan_update(
        plan=plan, name="Better plan", steps=steps("A", "B", "C"), by=personas.hr
    )

    assert saved.pk == plan.pk
    assert (saved.name, saved.version) == ("Better plan", 1)
    assert list(saved.steps.values_list("title", flat=True)) == ["A", "B", "C"]


def test_editing_a_plan_in_use_makes_the_next_version(personas: Personas) -> None:
    plan = personas.plan
    closed = ProgramFactory.create(plan=plan, status=ProgramStatus.CLOSED)
    milestones_before = list(personas.pairing.milestones.values_list("title", "due_on"))

    saved = services.plan_update(
        plan=plan, name=plan.name, steps=steps("Kickoff", "New step"), by=personas.hr
    )

    assert saved.pk != plan.pk
    assert (saved.lineage, saved.version) == (plan.lineage, 2)
    plan.refresh_from_db()
    assert plan.is_archived
    assert plan.steps.count() == 4  # the old version is kept as it was
    personas.program.refresh_from_db()
    assert personas.program.plan == saved  # open programs move on
    closed.refresh_from_db()
    assert closed.plan == plan  # closed ones keep their history
    # Journeys under way keep exactly what they were given.
    assert list(personas.pairing.milestones.values_list("title", "due_on")) == milestones_before


def test_an_archived_version_cannot_be_edited(personas: Personas) -> None:
    services.plan_update(plan=personas.plan, name="v2", steps=steps("X"), by=personas.hr)

    with pytest.raises(ValidationError, match="archived version"):
        services.plan_update(plan=personas.plan, name="v3", steps=steps("Y"), by=personas.hr)


@pytest.mark.parametrize(
    ("bad", "key", "message"),
    [
        (StepSpec(title="", offset_days=1), "steps[1].title", "This field cannot be blank."),
        (StepSpec(title="Late", offset_days=-2), "steps[1].offset_days", "on or after its anchor"),
        (
            StepSpec(title="Odd", offset_days=1, anchor="moon_phase"),
            "steps[1].anchor",
            "not a valid choice",
        ),
        (
            StepSpec(title="Twin", offset_days=1, position=1),
            "steps[1].position",
            "Another step also has position 1",
        ),
    ],
)
def test_an_invalid_step_is_named_and_nothing_is_saved(
    personas: Personas, bad: StepSpec, key: str, message: str
) -> None:
    before = (OnboardingPlan.objects.count(), PlanStep.objects.count())

    with pytest.raises(ValidationError) as error:
        services.plan_create(
            name="Broken",
            steps=[StepSpec(title="Fine", offset_days=0, position=1), bad],
            by=personas.hr,
        )

    assert any(message in problem for problem in error.value.message_dict[key])
    assert (OnboardingPlan.objects.count(), PlanStep.objects.count()) == before


def test_a_plan_needs_a_name_and_steps(personas: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        services.plan_create(name="  ", steps=steps("A"), by=personas.hr)
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError, match="at least one step"):
        services.plan_create(name="Empty", steps=[], by=personas.hr)


def test_duplicating_starts_a_new_lineage(personas: Personas) -> None:
    copy = services.plan_duplicate(plan=personas.plan, by=personas.hr)

    assert copy.name == "Copy of Test plan"
    assert copy.lineage != personas.plan.lineage
    assert copy.version == 1
    assert list(copy.steps.values_list("title", "offset_days", "anchor")) == list(
        personas.plan.steps.values_list("title", "offset_days", "anchor")
    )


def test_the_preview_gives_the_dates_a_pairing_would_get(personas: Personas) -> None:
    rows = services.plan_preview(
        personas.plan, starts_on=dt.date(2026, 9, 1), promoted_on=dt.date(2026, 8, 1)
    )

    by_title = {row.step.title: row.due_on for row in rows}
    assert by_title == {
        "Kickoff": dt.date(2026, 9, 1),
        "First 1:1s": dt.date(2026, 9, 8),
        # 1 Aug + 14 days is before the start: due on the first day instead.
        "Read past reviews": dt.date(2026, 9, 1),
        "Day-30 self-assessment": dt.date(2026, 10, 1),
    }
    assert personas.plan.steps.get(title="Read past reviews").anchor == StepAnchor.PROMOTION_DATE
