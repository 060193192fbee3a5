"""factory_boy factories. Rows that carry rules (pairings, milestones,
check-ins) are better made through the services, as the personas fixture
does; these factories are for bulk and edge cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from mentorship.checkins.models import CheckIn, CheckInKind
from mentorship.checkins.summaries import summaries_checkin_saved
from mentorship.pairings.models import Milestone, Pairing, PairingStatus
from mentorship.pairings.summaries import tally_milestones_added
from mentorship.people.competencies import competencies_install
from mentorship.people.models import Competency, Department, Person
from mentorship.plans.models import OnboardingPlan, PlanStep, StepKind, StepOwner
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramStatus


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    title = "Engineer"
    department = factory.SubFactory(DepartmentFactory)
    time_zone = "Europe/Berlin"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def expertise(self, create: bool, extracted: list[Competency] | None, **kwargs: object) -> None:
        if create and extracted:
            self.expertise.set(extracted)


def competency(slug: str) -> Competency:
    """The competencies come with the schema (a data migration); a
    transactional test's flush removes them, so put them back if needed."""
    found = Competency.objects.filter(slug=slug).first()
    if found is None:
        competencies_install()
        found = Competency.objects.get(slug=slug)
    return found


class PlanFactory(factory.django.DjangoModelFactory[OnboardingPlan]):
    class Meta:
        model = OnboardingPlan

    name = factory.Sequence(lambda n: f"Plan {n}")


class PlanStepFactory(factory.django.DjangoModelFactory[PlanStep]):
    class Meta:
        model = PlanStep

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Step {n}")
    owner = StepOwner.MENTEE
    kind = StepKind.MILESTONE
    offset_days = 7


class ProgramFactory(factory.django.DjangoModelFactory[Program]):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    status = ProgramStatus.ACTIVE
    plan = factory.SubFactory(PlanFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=120))

    @factory.post_generation
    def admins(self, create: bool, extracted: list[Person] | None, **kwargs: object) -> None:
        if create and extracted:
            self.admins.set(extracted)


class EnrollmentFactory(factory.django.DjangoModelFactory[Enrollment]):
    class Meta:
        model = Enrollment

    program = factory.SubFactory(ProgramFactory)
    person = factory.SubFactory(PersonFactory)
    role = EnrollmentRole.MENTEE


class PairingFactory(factory.django.DjangoModelFactory[Pairing]):
    """An active pairing, written directly (no rules checked): for volume."""

    class Meta:
        model = Pairing

    program = factory.SubFactory(ProgramFactory)
    mentee = factory.SubFactory(PersonFactory)
    mentor = factory.SubFactory(PersonFactory)
    status = PairingStatus.ACTIVE
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=20))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=90))


class MilestoneFactory(factory.django.DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    pairing = factory.SubFactory(PairingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    owner = StepOwner.MENTEE
    kind = StepKind.MILESTONE
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))

    @classmethod
    def _create(cls, model_class: type[Milestone], *args: Any, **kwargs: Any) -> Milestone:
        # As milestones_instantiate does: the dashboard's tallies count it too.
        milestone = super()._create(model_class, *args, **kwargs)
        tally_milestones_added(milestone.pairing, [milestone])
        return milestone


class CheckInFactory(factory.django.DjangoModelFactory[CheckIn]):
    class Meta:
        model = CheckIn

    pairing = factory.SubFactory(PairingFactory)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    duration_minutes = 45
    kind = CheckInKind.MEETING
    logged_by = factory.LazyAttribute(lambda o: o.pairing.mentee)

    @classmethod
    def _create(cls, model_class: type[CheckIn], *args: Any, **kwargs: Any) -> CheckIn:
        # As checkin_log does: the dashboard's summaries count it too.
        checkin = super()._create(model_class, *args, **kwargs)
        summaries_checkin_saved(checkin)
        return checkin
