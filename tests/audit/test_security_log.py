"""The security log: what is recorded for each way into an account, that
it never holds a secret, and that only HR reads it (ASVS 5.0 V16)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from mentorship.audit.models import SecurityEvent, SecurityEventKind
from mentorship.people import services
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

K = SecurityEventKind


def kinds(person: Any = None) -> list[str]:
    events = SecurityEvent.objects.order_by("at", "id")
    if person is not None:
        events = events.filter(person=person)
    return list(events.values_list("kind", flat=True))


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post(
        "/account/sign-in/",
        {"username": email, "password": password},
        HTTP_USER_AGENT="Firefox/140",
        REMOTE_ADDR="203.0.113.7",
    )


def test_a_sign_in_and_a_wrong_password_are_recorded_with_the_client(
    personas: Personas,
) -> None:
    sign_in(Client(), personas.mentee.email, "guess")
    sign_in(Client(), personas.mentee.email, PASSWORD)

    failed, succeeded = SecurityEvent.objects.filter(person=personas.mentee).order_by("id")
    assert (failed.kind, succeeded.kind) == (K.SIGN_IN_FAILED, K.SIGNED_IN)
    assert (succeeded.via, succeeded.client_ip, succeeded.user_agent) == (
        "site",
        "203.0.113.7",
        "Firefox/140",
    )


def test_an_address_nobody_has_is_not_written_down(db: None) -> None:
    """People type their password into the address field."""
    sign_in(Client(), "MyS3cret!Pass", "MyS3cret!Pass")

    (event,) = SecurityEvent.objects.all()
    assert event.kind == K.SIGN_IN_FAILED
    assert event.person is None
    assert event.data == {"unknown_address": True}
    assert "MyS3cret" not in json.dumps(list(SecurityEvent.objects.values()), default=str)


def test_a_pause_is_recorded_once_not_per_refused_attempt(
    personas: Personas, settings: Any
) -> None:
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    client = Client()
    for _ in range(3):
        sign_in(client, personas.mentee.email, "guess")
    for _ in range(5):
        sign_in(client, personas.mentee.email, PASSWORD)

    assert kinds(personas.mentee) == [K.SIGN_IN_FAILED] * 3 + [K.SIGN_IN_REFUSED]


def test_the_admin_and_the_api_are_named_as_the_way_in(personas: Personas) -> None:
    hr = personas.hr
    hr.is_staff = True
    hr.save(update_fields=["is_staff"])
    Client().post("/admin/login/?next=/admin/", {"username": hr.email, "password": PASSWORD})
    APIClient().post(
        "/api/v1/auth/token/", {"email": hr.email, "password": PASSWORD}, format="json"
    )

    events = SecurityEvent.objects.filter(person=hr).order_by("id")
    assert [(e.kind, e.via) for e in events] == [
        (K.SIGNED_IN, "admin"),
        (K.SIGNED_IN, "api"),
        (K.TOKEN_CREATED, "api"),
    ]


def test_tokens_are_named_by_prefix_never_by_value(personas: Personas) -> None:
    token, raw = services.api_token_create(person=personas.mentor, name="report")
    services.api_token_revoke(token=token, by=personas.mentor)

    assert kinds(personas.mentor) == [K.TOKEN_CREATED, K.TOKEN_REVOKED]
    dumped = json.dumps(list(SecurityEvent.objects.values()), default=str)
    assert token.prefix in dumped
    assert raw not in dumped
    assert raw[len(token.prefix) :] not in dumped


def test_a_password_reset_is_recorded_when_asked_for_and_when_used(
    personas: Personas, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    services.api_token_create(person=personas.mentee, name="script")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/password-reset/", {"email": personas.mentee.email})
    link = re.search(r"/account/password-reset/\S+/\S+/", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(0), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "fresh passphrase 9", "new_password2": "fresh passphrase 9"},
    )

    assert kinds(personas.mentee) == [
        K.TOKEN_CREATED,
        K.PASSWORD_RESET_REQUESTED,
        K.PASSWORD_RESET,
        K.TOKEN_REVOKED,
    ]
    dumped = json.dumps(list(SecurityEvent.objects.values()), default=str)
    assert link.group(0).split("/")[-2] not in dumped  # the reset token


def test_an_accepted_invitation_is_recorded(personas: Personas) -> None:
    from mentorship.people.services import invitation_token
    from tests.factories import PersonFactory

    newcomer = PersonFactory.create(password=None, last_login=None)
    newcomer.set_unusable_password()
    newcomer.save()
    token = invitation_token(newcomer)
    Client().post(
        f"/account/welcome/{token}/",
        {"new_password1": "my first passphrase", "new_password2": "my first passphrase"},
    )

    assert kinds(newcomer) == [K.INVITATION_ACCEPTED]


# --------------------------------------------------------------------------
# HR reads it; nobody else does.


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("program_admin", 404),
        ("mentor", 404),
        ("mentee", 404),
        ("line_manager", 404),
        ("outsider", 404),
    ],
)
def test_only_hr_reads_the_security_log(
    personas: Personas, client: Client, persona: str, status: int
) -> None:
    person = personas.everyone()[persona]
    assert person is not None
    client.force_login(person)
    assert client.get("/people/security/").status_code == status


def test_signed_out_the_log_asks_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/people/security/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_hr_filters_by_kind_and_person(personas: Personas, client: Client) -> None:
    sign_in(Client(), personas.mentee.email, "guess")
    sign_in(Client(), personas.mentor.email, "guess")
    sign_in(Client(), personas.mentor.email, PASSWORD)
    client.force_login(personas.hr)

    page = client.get(
        "/people/security/", {"kind": K.SIGN_IN_FAILED, "email": personas.mentor.email}
    ).content.decode()

    rows = re.findall(r"<tr>\s*<td>.*?</tr>", page, flags=re.S)
    assert len(rows) == 1
    assert "Wrong password" in rows[0]
    assert personas.mentor.email in rows[0]


def test_the_log_pages_through_every_event_once_in_constant_queries(
    personas: Personas, client: Client, django_assert_max_num_queries: Any
) -> None:
    now = timezone.now()
    # Many events at the same moment: the page boundary must fall inside them.
    SecurityEvent.objects.bulk_create(
        SecurityEvent(at=now, kind=K.SIGNED_IN, person=personas.mentee, client_ip=f"10.0.0.{i}")
        for i in range(120)
    )
    client.force_login(personas.hr)
    client.get("/people/security/")  # warm the session and the nav's caches
    seen: list[str] = []
    url = "/people/security/"
    pages = 0
    while url:
        with django_assert_max_num_queries(5):
            page = client.get(url).content.decode()
        seen += re.findall(r"10\.0\.0\.\d+", page)
        older = re.search(r'href="(\?[^"]*before=\d+)"', page)
        url = "/people/security/" + older.group(1).replace("&amp;", "&") if older else ""
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(f"10.0.0.{i}" for i in range(120))
