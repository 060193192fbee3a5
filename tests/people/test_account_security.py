"""A person's own account: changing the password, signing out everywhere
else, and how long a session lasts (ASVS 5.0 level 2, V6 and V7)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorship.audit.models import SecurityEvent, SecurityEventKind
from mentorship.people.models import Person
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

NEW = "a whole new passphrase 2026"


def signed_in(person: Person) -> Client:
    """A real sign-in (not force_login), as a browser makes it."""
    client = Client()
    response = client.post("/account/sign-in/", {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/account/profile/").status_code == 200


def change(client: Client, old: str, new: str = NEW, again: str | None = None) -> Any:
    return client.post(
        "/account/security/",
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_changing_the_password_needs_the_current_one(personas: Personas) -> None:
    client = signed_in(personas.mentee)

    response = change(client, "not my password")

    assert response.status_code == 400
    assert "Your old password was entered incorrectly" in response.content.decode()
    personas.mentee.refresh_from_db()
    assert personas.mentee.check_password(PASSWORD)


def test_a_new_password_keeps_this_session_and_ends_every_other(personas: Personas) -> None:
    here, elsewhere = signed_in(personas.mentee), signed_in(personas.mentee)

    response = change(here, PASSWORD)

    assert response.status_code == 302
    personas.mentee.refresh_from_db()
    assert personas.mentee.check_password(NEW)
    assert is_signed_in(here)
    # The other device meets the sign-in page, told why, once.
    response = elsewhere.get("/account/profile/", follow=True)
    assert response.redirect_chain[0][0].startswith("/account/sign-in/")
    assert "You were signed out because how you sign in changed" in response.content.decode()
    again = elsewhere.get("/account/sign-in/").content.decode()
    assert "You were signed out because" not in again
    assert not is_signed_in(elsewhere)
    assert SecurityEvent.objects.filter(
        person=personas.mentee, kind=SecurityEventKind.PASSWORD_CHANGED
    ).exists()


def test_a_new_password_revokes_every_api_token_and_says_so(personas: Personas) -> None:
    """Whoever knew the old password could have made a token with it: a
    change revokes them all, as a reset does, and the page says how many."""
    from rest_framework.test import APIClient

    from mentorship.people.models import ApiToken
    from mentorship.people.services import api_token_create

    _, raw = api_token_create(person=personas.mentee, name="laptop")
    api_token_create(person=personas.mentee, name="script")
    _, others = api_token_create(person=personas.mentor, name="not hers")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/pairings/").status_code == 200

    response = change(signed_in(personas.mentee), PASSWORD)

    page = response.client.get(response["Location"]).content.decode()
    assert "Your 2 API tokens were revoked with the old password" in page
    assert api.get("/api/v1/pairings/").status_code == 401
    assert not ApiToken.objects.filter(person=personas.mentee, revoked_at__isnull=True).exists()
    # Someone else's tokens are theirs.
    api.credentials(HTTP_AUTHORIZATION=f"Token {others}")
    assert api.get("/api/v1/pairings/").status_code == 200
    assert (
        SecurityEvent.objects.filter(
            person=personas.mentee, kind=SecurityEventKind.TOKEN_REVOKED
        ).count()
        == 2
    )


def test_the_page_says_before_the_change_that_it_revokes_the_tokens(personas: Personas) -> None:
    """Whoever runs a script on a token learns it will stop before they
    change the password, not after."""
    from mentorship.people.services import api_token_create, api_token_revoke

    client = signed_in(personas.mentee)

    def said() -> str:
        html = client.get("/account/security/").content.decode()
        return " ".join(re.sub(r"<[^>]+>", "", html).split())

    before = said()
    assert "Changing it signs you out everywhere else. A calendar address" in before

    api_token_create(person=personas.mentee, name="laptop")
    one = said()
    assert "signs you out everywhere else and revokes your API token: whatever uses it" in one

    gone, _ = api_token_create(person=personas.mentee, name="old")
    api_token_create(person=personas.mentee, name="script")
    api_token_revoke(token=gone, by=personas.mentee)
    two = said()
    # Counted from the live tokens only.
    assert "revokes your 2 API tokens: whatever uses them will need a new one" in two


def test_a_new_password_without_tokens_says_nothing_of_them(personas: Personas) -> None:
    response = change(signed_in(personas.mentee), PASSWORD)

    page = response.client.get(response["Location"]).content.decode()
    assert "Every other session is signed out." in page
    assert "API token" not in page.split("Every other session is signed out.")[1][:200]


def test_the_new_password_must_pass_the_password_rules(personas: Personas) -> None:
    client = signed_in(personas.mentee)

    response = change(client, PASSWORD, new="short", again="short")

    assert response.status_code == 400
    assert "too short" in response.content.decode()
    personas.mentee.refresh_from_db()
    assert personas.mentee.check_password(PASSWORD)


def test_guessing_the_current_password_meets_the_sign_in_allowance(
    personas: Personas, settings: Any
) -> None:
    """A borrowed session must not become an unthrottled password oracle."""
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    client = signed_in(personas.mentee)
    for _ in range(3):
        assert change(client, "guess").status_code == 400

    refused = change(client, PASSWORD)

    assert "Too many wrong passwords" in refused.content.decode()
    personas.mentee.refresh_from_db()
    assert personas.mentee.check_password(PASSWORD)


def test_sign_out_everywhere_else_keeps_only_this_session(personas: Personas) -> None:
    here, laptop, phone = (signed_in(personas.mentor) for _ in range(3))
    someone_else = signed_in(personas.mentee)

    response = here.post("/account/security/sign-out-elsewhere/")

    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert is_signed_in(someone_else)
    # The password still works: signing in again is a new session.
    assert is_signed_in(signed_in(personas.mentor))
    assert SecurityEvent.objects.filter(
        person=personas.mentor, kind=SecurityEventKind.SIGNED_OUT_ELSEWHERE
    ).exists()


def test_sign_out_everywhere_else_takes_a_post(personas: Personas) -> None:
    client = signed_in(personas.mentor)
    assert client.get("/account/security/sign-out-elsewhere/").status_code == 405


def test_the_page_lists_the_persons_own_recent_activity_only(personas: Personas) -> None:
    Client().post("/account/sign-in/", {"username": personas.mentor.email, "password": "x"})
    client = signed_in(personas.mentee)

    page = client.get("/account/security/").content.decode()

    assert "Signed in" in page
    assert "Wrong password" not in page  # the mentor's failure is the mentor's


def test_a_session_ends_after_the_idle_timeout(personas: Personas, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 2 * 3600
    client = signed_in(personas.mentee)
    start = timezone.now()

    # Active every 90 minutes: still signed in five hours on.
    for minutes in (90, 180, 270, 300):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert is_signed_in(client), minutes
    # Then two hours and a minute without a request.
    with time_machine.travel(start + dt.timedelta(minutes=300 + 121), tick=False):
        response = client.get("/account/profile/", follow=True)
    assert response.redirect_chain[0][0].startswith("/account/sign-in/")
    assert "You were signed out after 2 hours without activity" in response.content.decode()


def test_a_session_ends_at_its_absolute_age_however_active(
    personas: Personas, settings: Any
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 2 * 3600
    settings.SESSION_COOKIE_AGE = 5 * 3600
    client = signed_in(personas.mentee)
    start = timezone.now()

    for minutes in range(60, 300, 60):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert is_signed_in(client), minutes
    with time_machine.travel(start + dt.timedelta(minutes=301), tick=False):
        response = client.get("/account/profile/", follow=True)
    assert response.redirect_chain[0][0].startswith("/account/sign-in/")
    assert "You were signed out 5 hours after signing in" in response.content.decode()


def session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/account/profile/").status_code == 200
    return sum(
        1
        for query in queries.captured_queries
        if "django_session" in query["sql"] and not query["sql"].startswith("SELECT")
    )


def test_an_active_session_writes_its_stamp_at_most_once_a_minute(
    personas: Personas, settings: Any
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 2 * 3600
    client = signed_in(personas.mentee)
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert session_writes(client) == 0
    with time_machine.travel(start + dt.timedelta(seconds=90), tick=False):
        assert session_writes(client) == 1
    with time_machine.travel(start + dt.timedelta(seconds=120), tick=False):
        assert session_writes(client) == 0
