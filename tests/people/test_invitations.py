"""Invitations: people an import creates have no password until they choose
one through the link they are emailed; the link works once, for a while."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from mentorship.audit.models import AuditEvent
from mentorship.people.imports.services import person_import_check, person_import_start
from mentorship.people.models import ImportStatus, Person, PersonImport
from mentorship.people.services import invitation_token
from tests.api.test_permission_matrix import PERSONAS
from tests.factories import EnrollmentFactory, PersonFactory
from tests.fixtures.personas import Personas
from tests.people.test_import import csv_bytes

pytestmark = pytest.mark.django_db

PASSPHRASE = "a first passphrase of my own"


@pytest.fixture(autouse=True)
def _tasks_run_inline(celery_eager: None) -> None:
    """Tasks run in process here; tests/core/test_celery_live.py sends an
    import's invitations through a real worker and a real SMTP server."""


def checked_import(personas: Personas, *rows: str) -> PersonImport:
    person_import = person_import_start(
        uploaded_by=personas.hr, filename="people.csv", content=csv_bytes(*rows)
    )
    return person_import_check(person_import=person_import)


def commit(client: Client, person_import: PersonImport, capture: Any, **form: str) -> Any:
    with capture(execute=True):
        return client.post(f"/people/import/{person_import.pk}/commit/", form, follow=True)


def welcome_path(message: Any) -> str:
    found = re.search(r"http://\S+?(/account/welcome/[^/\s]+/)", str(message.body))
    assert found is not None, message.body
    return found.group(1)


def test_an_import_invites_the_people_it_creates_and_the_link_signs_them_in(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    person_import = checked_import(
        personas,
        "ines@x.io,Ines Neu,Team Lead,Data,,Europe/Berlin,2026-11-01,,",
        "jon@x.io,Jon New,Team Lead,Data,,UTC,,,",
        f"{personas.outsider.email},Oscar Outsider,Principal Engineer,Product,,UTC,,,",
    )
    hr = Client()
    hr.force_login(personas.hr)
    page = hr.get(f"/people/import/{person_import.pk}/").content.decode()
    assert "Email the 2 new people an invitation to choose a password" in page

    commit(hr, person_import, django_capture_on_commit_callbacks, invite="yes")

    done = hr.get(f"/people/import/{person_import.pk}/").content.decode()
    assert "<strong>2</strong> invited by email to choose a password" in done
    person_import.refresh_from_db()
    assert person_import.status == ImportStatus.IMPORTED
    assert person_import.summary["invited"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ines@x.io", "jon@x.io"]
    message = next(m for m in mail.outbox if m.to == ["ines@x.io"])
    assert message.subject == "You have a Scaffold account: choose your password"
    assert "works once, for 14 days" in str(message.body)
    ines = Person.objects.get(email="ines@x.io")
    assert ines.invited_at is not None
    assert not ines.has_usable_password()
    event = AuditEvent.objects.get(action="people.invited")
    assert (event.target_id, event.data) == (str(person_import.pk), {"people": 2})

    path = welcome_path(message)
    newcomer = Client()
    assert "Welcome, Ines" in newcomer.get(path).content.decode()
    mismatch = newcomer.post(path, {"new_password1": PASSPHRASE, "new_password2": "other"})
    assert mismatch.status_code == 400
    assert not Person.objects.get(pk=ines.pk).has_usable_password()

    signed_in = newcomer.post(
        path, {"new_password1": PASSPHRASE, "new_password2": PASSPHRASE}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] == "/account/profile/"
    assert "Welcome to Scaffold, Ines." in signed_in.content.decode()
    assert Person.objects.get(pk=ines.pk).check_password(PASSPHRASE)
    # The link worked once.
    used = Client().get(path)
    assert used.status_code == 410
    assert "This invitation no longer works" in used.content.decode()


def test_without_invitations_nobody_is_emailed(
    personas: Personas, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person_import = checked_import(personas, "kai@x.io,Kai New,,,,UTC,,,")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.hr).post(
            f"/api/v1/people/imports/{person_import.pk}/commit/", {"invite": False}, format="json"
        )
    assert response.status_code == 202, response.content
    assert response.json()["invite_new_people"] is False
    assert Person.objects.filter(email="kai@x.io", invited_at__isnull=True).exists()
    assert mail.outbox == []
    refused = client_for(personas.hr).post(
        f"/api/v1/people/imports/{person_import.pk}/commit/", {"invite": "no"}, format="json"
    )
    assert refused.status_code == 400


@pytest.mark.clock("2026-11-24T09:00:00Z")
def test_an_invitation_expires_and_cannot_be_forged(personas: Personas, time_machine: Any) -> None:
    person = PersonFactory.create(full_name="Lea Late")
    person.set_unusable_password()
    person.save()
    token = invitation_token(person)
    other = PersonFactory.create()

    time_machine.move_to(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC), tick=False)  # day 13
    assert Client().get(f"/account/welcome/{token}/").status_code == 200
    _, rest = token.split(":", 1)
    # Forged or damaged: a bad request, on the same friendly page.
    assert Client().get(f"/account/welcome/{other.pk}{rest}/").status_code == 400
    assert Client().get(f"/account/welcome/{token[:-2]}xx/").status_code == 400
    assert Client().get("/account/welcome/nonsense/").status_code == 400

    time_machine.move_to(dt.datetime(2026, 12, 8, 9, 0, 1, tzinfo=dt.UTC), tick=False)
    expired = Client().post(
        f"/account/welcome/{token}/", {"new_password1": PASSPHRASE, "new_password2": PASSPHRASE}
    )
    assert expired.status_code == 410
    assert not Person.objects.get(pk=person.pk).has_usable_password()


def test_someone_who_never_chose_a_password_can_ask_for_a_reset_link(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    person = PersonFactory.create()
    person.set_unusable_password()
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/account/password-reset/", {"email": person.email})
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert mail.outbox[0].subject == "Reset your Scaffold password"


def test_admins_invite_again_from_the_roster_until_the_person_signs_in(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    newcomer = PersonFactory.create(full_name="Mo Waiting")
    EnrollmentFactory.create(program=personas.program, person=newcomer)
    admin = Client()
    admin.force_login(personas.program_admin)
    roster_url = f"/programs/{personas.program.pk}/people/"
    roster = admin.get(roster_url).content.decode()
    assert 'aria-label="Invite Mo Waiting"' in roster
    enrollment = newcomer.enrollments.get()
    invite_url = f"/programs/{personas.program.pk}/people/{enrollment.pk}/invite/"

    with django_capture_on_commit_callbacks(execute=True):
        sent = admin.post(invite_url, follow=True).content.decode()
    assert f"An invitation is on its way to {newcomer.email}." in sent
    assert 'aria-label="Invite again: Mo Waiting"' in admin.get(roster_url).content.decode()
    assert [m.to for m in mail.outbox] == [[newcomer.email]]

    Client().force_login(newcomer)  # signing in sets last_login
    with django_capture_on_commit_callbacks(execute=True):
        refused = admin.post(invite_url, follow=True).content.decode()
    assert "has already signed in; they can reset their password." in refused
    assert 'aria-label="Invite Mo Waiting"' not in refused
    assert 'aria-label="Invite again: Mo Waiting"' not in refused
    assert len(mail.outbox) == 1
    assert Client().post(invite_url).status_code == 302  # to the sign-in page
    outsider = Client()
    outsider.force_login(personas.mentor)
    assert outsider.post(invite_url).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_invite_api_matrix(
    personas: Personas,
    client_for: Any,
    persona: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    newcomer = PersonFactory.create()
    EnrollmentFactory.create(program=personas.program, person=newcomer)
    client = client_for(personas.everyone()[persona])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/people/{newcomer.pk}/invite/")
    expected = {"anonymous": 401, "hr": 202, "program_admin": 202}.get(persona, 404)
    assert response.status_code == expected, response.content
    assert len(mail.outbox) == (1 if expected == 202 else 0)
    if persona == "hr":
        signed_in = client.post(f"/api/v1/people/{personas.hr.pk}/invite/")
        assert signed_in.status_code == 400
        assert "has already signed in" in signed_in.json()["error"]["fields"]["person"][0]
