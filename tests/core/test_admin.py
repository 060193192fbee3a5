"""The Django admin works for operators and never shows what people wrote."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client

from mentorship.checkins.models import CheckInPrivateNote, Reflection
from mentorship.checkins.services import ActionItemSpec, checkin_log
from mentorship.core.timezones import today_for
from mentorship.pairings.services.milestones import milestone_complete
from mentorship.people.services import person_create
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

SECRET = "PRIVATE-MARKER-7731"


@pytest.fixture
def operator(db: None) -> Any:
    return person_create(
        email="ops@scaffold.test",
        full_name="Ops",
        password="operator passphrase",
        is_staff=True,
    )


@pytest.fixture
def staff_client(operator: Any, client: Client) -> Client:
    operator.is_superuser = True
    operator.save()
    client.force_login(operator)
    return client


def test_every_registered_model_has_a_working_list_and_search(
    personas: Personas, staff_client: Client
) -> None:
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert staff_client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert staff_client.get(url, {"q": "mentee"}).status_code == 200, url


def test_private_text_has_no_admin_page(personas: Personas) -> None:
    assert CheckInPrivateNote not in admin.site._registry
    assert Reflection not in admin.site._registry


def test_note_text_is_masked_on_every_admin_page(personas: Personas, staff_client: Client) -> None:
    checkin = checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=today_for(personas.mentee),
        duration_minutes=30,
        shared_notes=f"shared {SECRET}",
        private_note=f"private {SECRET}",
        action_items=[ActionItemSpec(text=f"todo {SECRET}", owner=personas.mentee)],
    )
    milestone = personas.pairing.milestones.first()
    assert milestone is not None
    milestone_complete(milestone=milestone, by=personas.mentee, note=f"note {SECRET}")
    item = checkin.action_items.get()

    pages = [
        "/admin/checkins/checkin/",
        f"/admin/checkins/checkin/{checkin.pk}/change/",
        "/admin/checkins/actionitem/",
        f"/admin/checkins/actionitem/{item.pk}/change/",
        "/admin/pairings/milestone/",
        f"/admin/pairings/milestone/{milestone.pk}/change/",
        f"/admin/pairings/pairing/{personas.pairing.pk}/change/",
        "/admin/audit/auditevent/",
    ]
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    detail = staff_client.get(f"/admin/checkins/checkin/{checkin.pk}/change/").content.decode()
    assert "hidden (" in detail
