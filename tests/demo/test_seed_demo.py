from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from mentorship.checkins.models import CheckIn, CheckInPrivateNote
from mentorship.demo.content import DEMO_PASSWORD
from mentorship.pairings.models import Milestone, MilestoneStatus, Pairing, PairingStatus
from mentorship.people.models import Department, Person
from mentorship.programs.models import Program, ProgramStatus

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Seed once for the whole module, inside a transaction rolled back at
    the end; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_it_builds_a_believable_company(demo: str) -> None:
    assert 70 <= Person.objects.count() <= 85
    assert Department.objects.count() >= 6
    zones = set(Person.objects.values_list("time_zone", flat=True))
    continents = {zone.split("/")[0] for zone in zones}
    assert {"America", "Europe", "Asia"} <= continents
    assert Person.objects.filter(manager__isnull=False).count() >= 55
    assert "Demo loaded: " in demo


def test_it_has_a_running_program_at_several_stages_and_a_draft(demo: str) -> None:
    assert Program.objects.filter(status=ProgramStatus.ACTIVE).count() == 1
    assert Program.objects.filter(status=ProgramStatus.DRAFT).count() == 1
    statuses = set(Pairing.objects.values_list("status", flat=True))
    assert {
        PairingStatus.ACTIVE,
        PairingStatus.PAUSED,
        PairingStatus.COMPLETED,
        PairingStatus.ENDED,
        PairingStatus.PROPOSED,
    } <= statuses
    assert Milestone.objects.filter(status=MilestoneStatus.DONE).exists()
    assert Milestone.objects.filter(status=MilestoneStatus.OPEN).exists()
    assert CheckIn.objects.exclude(shared_notes="").exists()
    assert CheckInPrivateNote.objects.exists()


def test_the_plan_has_real_steps_across_the_competencies(demo: str) -> None:
    program = Program.objects.get(status=ProgramStatus.ACTIVE)
    assert program.plan is not None
    assert program.plan.name == "New manager: the first 90 days"
    steps = program.plan.steps.all()
    assert steps.count() >= 12
    assert len({s.competency_id for s in steps if s.competency_id}) >= 7


def test_the_demo_logins_are_paired_and_sign_in(demo: str, client: Client) -> None:
    pairing = Pairing.objects.get(mentee__email="mentee@example.com")
    assert pairing.mentor.email == "mentor@example.com"
    assert pairing.status == PairingStatus.ACTIVE
    overdue = pairing.milestones.filter(
        status=MilestoneStatus.OPEN, due_on__lt=timezone.localdate()
    )
    assert overdue.count() == 1

    for email in ("hr@example.com", "mentor@example.com", "mentee@example.com"):
        assert client.login(username=email, password=DEMO_PASSWORD), email
        assert client.get("/").status_code == 200
    assert Person.objects.get(email="hr@example.com").is_hr


def test_running_it_twice_changes_nothing(demo: str, settings: Any) -> None:
    settings.DEBUG = True
    counts = (Person.objects.count(), Pairing.objects.count(), CheckIn.objects.count())

    again = seed()

    assert "already loaded" in again
    assert (Person.objects.count(), Pairing.objects.count(), CheckIn.objects.count()) == counts


def test_no_pair_has_the_same_open_action_item_twice(demo: str) -> None:
    from collections import Counter

    from mentorship.checkins.models import ActionItem

    open_items = Counter(
        ActionItem.objects.filter(done_at__isnull=True).values_list("pairing_id", "text")
    )
    assert open_items
    assert [key for key, times in open_items.items() if times > 1] == []
