"""The audit trail in the Django admin: operators read it, filter and search
it, and open an event read-only; nobody adds, changes or deletes one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorship.audit.models import AuditEvent
from mentorship.pairings.services.lifecycle import pairing_pause
from mentorship.people.services import person_create
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

TRAIL = "/admin/audit/auditevent/"


def staff(*, superuser: bool) -> Client:
    operator = person_create(
        email="ops@scaffold.test", full_name="Ops", password="operator passphrase", is_staff=True
    )
    operator.is_superuser = superuser
    operator.save()
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def operator() -> Client:
    return staff(superuser=True)


@pytest.fixture
def paused(personas: Personas) -> AuditEvent:
    pairing_pause(pairing=personas.pairing, by=personas.program_admin, reason="Leave")
    return AuditEvent.objects.get(action="pairing.paused")


def test_operators_list_filter_and_search_the_trail(paused: AuditEvent, operator: Client) -> None:
    activated = AuditEvent.objects.filter(action="pairing.active").first()
    assert activated is not None

    def link(event: AuditEvent) -> str:
        return f'href="{TRAIL}{event.pk}/change/'

    listed = operator.get(TRAIL).content.decode()
    assert link(paused) in listed
    assert link(activated) in listed
    assert "Mira Mentee ← Marco Mentor (Paused)" in listed
    only_pauses = operator.get(TRAIL, {"action": "pairing.paused"}).content.decode()
    assert link(paused) in only_pauses
    assert link(activated) not in only_pauses
    by_the_admin = operator.get(TRAIL, {"q": "admin@scaffold.test"}).content.decode()
    assert link(paused) in by_the_admin
    assert link(activated) not in by_the_admin  # HR activated it


def test_an_event_opens_read_only(paused: AuditEvent, operator: Client) -> None:
    page = operator.get(f"{TRAIL}{paused.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<div class="readonly">pairing.paused</div>' in html
    assert 'name="_save"' not in html
    assert 'name="action"' not in html


def test_nobody_adds_changes_or_deletes_an_event(paused: AuditEvent, operator: Client) -> None:
    assert operator.get(f"{TRAIL}add/").status_code == 403
    assert operator.post(f"{TRAIL}add/", {"action": "made.up"}).status_code == 403
    changed = operator.post(f"{TRAIL}{paused.pk}/change/", {"action": "pairing.resumed"})
    assert changed.status_code == 403
    deleted = operator.post(f"{TRAIL}{paused.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert "delete_selected" not in operator.get(TRAIL).content.decode()
    operator.post(TRAIL, {"action": "delete_selected", "_selected_action": [paused.pk]})
    paused.refresh_from_db()
    assert paused.action == "pairing.paused"


def test_staff_without_the_permission_do_not_see_it(paused: Any) -> None:
    assert staff(superuser=False).get(TRAIL).status_code == 403
