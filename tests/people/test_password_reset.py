from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from mentorship.people.models import Person
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_inline(celery_eager: None) -> None:
    """The web request queues the email after commit; here the task runs in
    process (tests/core/test_celery_live.py covers the real worker)."""


def request_reset(client: Client, email: str, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/account/password-reset/", {"email": email})


def test_a_reset_link_sets_a_new_password(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    response = request_reset(client, personas.mentee.email, django_capture_on_commit_callbacks)
    assert response.status_code == 302

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [personas.mentee.email]
    assert message.subject == "Reset your Scaffold password"
    link = re.search(r"http://\S+/account/password-reset/\S+/\S+/", str(message.body))
    assert link is not None
    assert message.alternatives[0][0].count(link.group(0)) == 1  # type: ignore[attr-defined]

    path = link.group(0).split("8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done.status_code == 302
    assert Person.objects.get(pk=personas.mentee.pk).check_password("a brand new passphrase")

    # The link works once.
    assert "This link no longer works" in client.get(path, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client: Client, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    response = request_reset(client, "nobody@scaffold.test", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/sent/"
    assert mail.outbox == []


def test_at_most_three_reset_emails_an_hour_per_address(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    for _ in range(5):
        request_reset(client, personas.mentee.email, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 3
