"""A change to how someone signs in is told to them by email at once
(ASVS 5.0 V6.3.7): what changed, when in their own time, from where, and
what to do if it was not them — never a secret, never a link that signs in."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from mentorship.audit.models import SecurityEvent, SecurityEventKind
from mentorship.notifications.kinds import optional_kinds
from mentorship.notifications.models import Notification
from mentorship.people import services, two_factor
from mentorship.people.models import Person
from tests.fixtures.personas import PASSWORD, Personas
from tests.people.test_two_factor import code_of

pytestmark = pytest.mark.django_db

NEW = "a whole new passphrase 2026"
K = SecurityEventKind


@pytest.fixture(autouse=True)
def _tasks_run_inline(celery_eager: None) -> None:
    """The delivery task runs in process once the change commits."""


@pytest.fixture
def sent(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], Any]], list[Any]]:
    """Do something, let its transaction's tasks run, and return the emails
    it sent."""

    def run(action: Callable[[], Any]) -> list[Any]:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return list(mail.outbox[before:])

    return run


def signed_in(person: Person) -> Client:
    client = Client()
    response = client.post("/account/sign-in/", {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_password_change_is_told_at_once_in_the_persons_own_time(
    personas: Personas, sent: Any
) -> None:
    client = signed_in(personas.mentee)
    mail.outbox.clear()

    emails = sent(
        lambda: client.post(
            "/account/security/",
            {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
            REMOTE_ADDR="127.0.0.9",
        )
    )

    assert [(m.to, m.subject) for m in emails] == [
        ([personas.mentee.email], "Your Scaffold password was changed")
    ]
    body = emails[0].body
    event = SecurityEvent.objects.get(kind=K.PASSWORD_CHANGED, person=personas.mentee)
    local = event.at.astimezone(ZoneInfo(personas.mentee.time_zone))
    assert f"{local:%H:%M}, your time ({personas.mentee.time_zone})." in body
    assert "From: IP address 127.0.0.9, on the website." in body
    assert "someone else has your password: choose a new password now" in body
    # What to do if it was not them: the ordinary reset page, which signs
    # nobody in by itself.
    assert re.search(r"http://\S+/account/password-reset/\n", body)
    assert re.search(r"http://\S+/account/security/\n", body)
    assert NEW not in body
    assert PASSWORD not in body
    html = emails[0].alternatives[0][0]
    assert "Choose a new password" in html
    assert NEW not in html


def test_a_new_api_token_is_named_by_its_prefix_never_by_value(
    personas: Personas, sent: Any
) -> None:
    made: list[str] = []

    def make() -> None:
        token, raw = services.api_token_create(person=personas.mentor, name="Reporting script")
        made.extend([token.prefix, raw])

    emails = sent(make)

    prefix, raw = made
    assert [m.subject for m in emails] == ["A new API token for your Scaffold account"]
    assert re.search(r"Your API tokens: http://\S+/account/api-tokens/\n", emails[0].body)
    assert f"“Reporting script”, starting {prefix}…" in emails[0].body
    assert raw not in emails[0].body
    assert raw not in emails[0].alternatives[0][0]
    stored = Notification.objects.get(kind="account_changed")
    assert raw not in f"{stored.email_subject} {stored.dedup_key} {stored.last_error}"


def test_two_factor_on_new_codes_and_off_by_an_operator_each_send_one(
    personas: Personas, sent: Any
) -> None:
    person = personas.mentor
    device = two_factor.pending_device(person)

    on = sent(lambda: two_factor.enable(person=person, device=device, code=code_of(device)))
    renewed = sent(lambda: two_factor.recovery_codes_renew(person=person))
    off = sent(lambda: two_factor.disable(person=person, by=personas.hr))

    assert [m.subject for m in on] == ["Two-factor sign-in is on for your Scaffold account"]
    assert [m.subject for m in renewed] == ["New recovery codes for your Scaffold account"]
    assert [m.subject for m in off] == ["Two-factor sign-in is off for your Scaffold account"]
    assert f"It was done for you by {personas.hr.email}." in off[0].body
    # Each change says its own remedy: a stranger's authenticator is removed
    # by HR, not by a new password.
    assert "Ask your HR team to turn two-factor sign-in off for you" in on[0].body
    # The recovery codes themselves are shown once, on the page; never mailed.
    assert not re.search(r"\b[2-9a-z]{5}-[2-9a-z]{5}\b", renewed[0].body)


def test_turning_it_off_oneself_does_not_name_an_operator(personas: Personas, sent: Any) -> None:
    person = personas.mentee
    device = two_factor.pending_device(person)
    two_factor.enable(person=person, device=device, code=code_of(device))

    off = sent(lambda: two_factor.disable(person=person))

    assert len(off) == 1
    assert "done for you" not in off[0].body


def test_a_password_reset_is_followed_by_word_that_it_happened(
    client: Client, personas: Personas, sent: Any
) -> None:
    asked = sent(lambda: client.post("/account/password-reset/", {"email": personas.mentee.email}))
    link = re.search(r"http://\S+?(/account/password-reset/\S+/\S+/)", asked[0].body)
    assert link is not None
    form = client.get(link.group(1), follow=True)

    done = sent(
        lambda: client.post(
            form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
        )
    )

    assert [m.subject for m in done] == ["Your Scaffold password was reset"]
    # The mentee had no tokens: the email says none stopped working.
    assert "stopped working" not in done[0].body
    assert "If this was you, there is nothing to do." in done[0].body
    assert "From: IP address 127.0.0.1, on the website." in done[0].body
    assert "someone can read your email" in done[0].body


def test_a_password_change_that_revoked_tokens_says_to_make_new_ones(
    personas: Personas, sent: Any
) -> None:
    """A script stops working with the old password: the email says so,
    instead of "nothing to do", and links to the tokens page."""
    services.api_token_create(person=personas.mentor, name="laptop")
    services.api_token_create(person=personas.mentor, name="script")
    client = signed_in(personas.mentor)

    emails = sent(
        lambda: client.post(
            "/account/security/",
            {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        )
    )

    changed = [m for m in emails if m.subject == "Your Scaffold password was changed"]
    assert len(changed) == 1
    body = changed[0].body
    assert "Your 2 API tokens stopped working with the old password." in body
    assert "If this was you, make a new API token for each script or tool" in body
    assert "nothing to do" not in body
    assert re.search(r"Your API tokens: http://\S+/account/api-tokens/\n", body)
    assert "Your 2 API tokens stopped working" in changed[0].alternatives[0][0]


def test_an_expired_token_is_not_counted_as_stopped_by_a_new_password(
    personas: Personas, sent: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from mentorship.people.models import ApiToken

    expired, _ = services.api_token_create(person=personas.mentor, name="old")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    services.api_token_create(person=personas.mentor, name="script")
    client = signed_in(personas.mentor)

    emails = sent(
        lambda: client.post(
            "/account/security/",
            {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        )
    )

    changed = [m for m in emails if m.subject == "Your Scaffold password was changed"]
    assert "Your API token stopped working with the old password." in changed[0].body


def test_signing_in_and_revoking_a_token_send_nothing(personas: Personas, sent: Any) -> None:
    """Only changes to how one signs in are mailed: a sign-in is in the
    security log, and an email per sign-in would teach people to ignore them."""
    token, _ = services.api_token_create(person=personas.mentor)

    emails = sent(
        lambda: (
            signed_in(personas.mentor),
            services.api_token_revoke(token=token, by=personas.mentor),
        )
    )

    assert emails == []


def test_a_change_rolled_back_sends_nothing_and_logs_nothing(personas: Personas) -> None:
    before = SecurityEvent.objects.count()

    def change_then_fail() -> None:
        with transaction.atomic():
            services.password_change(person=personas.mentee, new_password=NEW)
            raise RuntimeError("the request failed after the change")

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert SecurityEvent.objects.count() == before
    assert not Notification.objects.filter(kind="account_changed").exists()
    personas.mentee.refresh_from_db()
    assert personas.mentee.check_password(PASSWORD)


def test_only_changes_to_signing_in_are_mailed(personas: Personas) -> None:
    with pytest.raises(ValueError, match="not a change to how someone signs in"):
        services.account_change_record(K.SIGNED_IN, person=personas.mentee)


def test_nobody_can_turn_it_off() -> None:
    assert "account_changed" not in {kind.name for kind in optional_kinds()}
