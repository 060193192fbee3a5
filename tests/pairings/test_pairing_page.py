from __future__ import annotations

import pytest
from django.test import Client

from mentorship.audit.models import AuditEvent
from mentorship.pairings.models import MilestoneStatus
from mentorship.pairings.services.milestones import milestone_complete
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def test_the_pair_sees_the_timeline_grouped_with_overdue_first(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.mentee)

    html = client.get(f"/pairings/{personas.pairing.pk}/").content.decode()

    # Started 10 days ago: kickoff, the promotion-anchored step and the
    # first 1:1s are late; the day-30 assessment comes later.
    overdue = html.index("Overdue")
    upcoming = html.index("Coming up")
    assert overdue < html.index("First 1:1s") < upcoming < html.index("Day-30 self-assessment")
    assert "Mark done" in html


def test_marking_done_with_a_note_moves_it_to_done_and_is_audited(
    client: Client, personas: Personas
) -> None:
    milestone = personas.pairing.milestones.get(title="First 1:1s")
    client.force_login(personas.mentor)

    response = client.post(
        f"/pairings/milestones/{milestone.pk}/complete/", {"note": "Five of six held"}, follow=True
    )

    assert "“First 1:1s” is done." in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.note, milestone.completed_by) == (
        MilestoneStatus.DONE,
        "Five of six held",
        personas.mentor,
    )
    event = AuditEvent.objects.get(action="milestone.completed", target_id=str(milestone.pk))
    assert event.data == {"pairing": personas.pairing.pk, "has_note": True}
    assert "Five of six held" not in str(event.data)


def test_skip_and_reopen(client: Client, personas: Personas) -> None:
    milestone = personas.pairing.milestones.get(title="Read past reviews")
    client.force_login(personas.mentee)

    client.post(f"/pairings/milestones/{milestone.pk}/skip/", {"note": "No reviews exist yet"})
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SKIPPED

    client.post(f"/pairings/milestones/{milestone.pk}/reopen/")
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_at) == (MilestoneStatus.OPEN, None)


def test_doing_it_twice_explains_instead_of_failing(client: Client, personas: Personas) -> None:
    milestone = personas.pairing.milestones.get(title="Kickoff")
    milestone_complete(milestone=milestone, by=personas.mentor)
    client.force_login(personas.mentee)

    response = client.post(f"/pairings/milestones/{milestone.pk}/complete/", follow=True)

    assert "This milestone is already done." in response.content.decode()


def test_hr_and_the_line_manager_see_the_plan_but_neither_notes_nor_buttons(
    client: Client, personas: Personas
) -> None:
    milestone = personas.pairing.milestones.get(title="Kickoff")
    milestone_complete(milestone=milestone, by=personas.mentee, note="SECRET-NOTE-41")

    for viewer in (personas.hr, personas.program_admin, personas.line_manager):
        client.force_login(viewer)
        html = client.get(f"/pairings/{personas.pairing.pk}/").content.decode()
        assert "Kickoff" in html
        assert "SECRET-NOTE-41" not in html
        assert "Mark done" not in html
        assert client.post(f"/pairings/milestones/{milestone.pk}/reopen/").status_code == 403


def test_people_outside_the_pairing_get_404(client: Client, personas: Personas) -> None:
    milestone = personas.pairing.milestones.first()
    assert milestone is not None
    for viewer in (personas.outsider, personas.other_mentor, personas.other_mentee):
        client.force_login(viewer)
        assert client.get(f"/pairings/{personas.pairing.pk}/").status_code == 404
        assert client.post(f"/pairings/milestones/{milestone.pk}/complete/").status_code == 404


def test_every_lifecycle_action_says_what_happened() -> None:
    from mentorship.pairings.forms import MANAGE_ACTIONS
    from mentorship.pairings.views import MANAGE_DONE

    assert set(MANAGE_DONE) == set(MANAGE_ACTIONS)
