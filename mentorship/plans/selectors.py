"""Reads about onboarding plans, scoped to the person asking."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from mentorship import access
from mentorship.core.queries import subquery_count
from mentorship.people.models import Person
from mentorship.plans.models import OnboardingPlan, PlanStep
from mentorship.programs.models import Program
from mentorship.programs.selectors import programs_visible_to


def plans_visible_to(viewer: Person) -> QuerySet[OnboardingPlan]:
    """Plans are templates: whoever runs programs sees them all; a
    participant sees the plans of the programs they can see."""

    plans = OnboardingPlan.objects.prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.select_related("competency"))
    )
    if access.roles(viewer).is_program_admin:
        return plans
    return plans.filter(Exists(programs_visible_to(viewer).filter(plan=OuterRef("pk"))))


def plan_overview(viewer: Person, *, include_archived: bool = False) -> QuerySet[OnboardingPlan]:
    """Plans with their step and program counts, current versions first."""

    plans = plans_visible_to(viewer)
    if not include_archived:
        plans = plans.filter(is_archived=False)
    return plans.annotate(
        step_count=subquery_count(PlanStep.objects.filter(plan=OuterRef("pk")), "plan"),
        program_count=subquery_count(Program.objects.filter(plan=OuterRef("pk")), "plan"),
    ).order_by("is_archived", "name", "-version")


def plan_versions(plan: OnboardingPlan) -> QuerySet[OnboardingPlan]:
    return OnboardingPlan.objects.filter(lineage=plan.lineage).order_by("-version")


def programs_using(plan: OnboardingPlan) -> QuerySet[Any]:

    return Program.objects.filter(plan=plan).order_by("-starts_on")
