from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from mentorship.core.secret_tokens import digest
from mentorship.people import selectors
from mentorship.people.models import ApiToken
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def ask_for_token(client: APIClient, email: str, password: str, **extra: Any) -> Any:
    return client.post(
        "/api/v1/auth/token/", {"email": email, "password": password, **extra}, format="json"
    )


def test_a_token_is_exchanged_for_email_and_password_and_then_works(personas: Personas) -> None:
    client = APIClient()
    response = ask_for_token(client, personas.mentor.email, PASSWORD, name="weekly script")

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "weekly script"
    token = body["token"]
    assert token.startswith("scf_")

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == personas.mentor.email


def test_only_a_digest_of_the_token_is_stored(personas: Personas) -> None:
    token = ask_for_token(APIClient(), personas.mentor.email, PASSWORD).json()["token"]

    row = ApiToken.objects.get(person=personas.mentor)
    assert row.digest == digest(token)
    assert token not in {row.digest, row.prefix, row.name}


def test_a_wrong_password_gets_a_field_error_in_the_common_shape(personas: Personas) -> None:
    response = ask_for_token(APIClient(), personas.mentor.email, "nope")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "Some of the data sent is not valid.",
            "fields": {
                "non_field_errors": ["That email and password do not match an active account."]
            },
        }
    }


def test_missing_fields_are_named(db: None) -> None:
    response = APIClient().post("/api/v1/auth/token/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"email", "password"}


def test_too_many_failures_get_429_with_retry_after(personas: Personas, settings: Any) -> None:
    settings.LOGIN_ATTEMPTS_LIMIT = 2
    client = APIClient()
    for _ in range(2):
        assert ask_for_token(client, personas.mentor.email, "nope").status_code == 400

    response = ask_for_token(client, personas.mentor.email, PASSWORD)

    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.LOGIN_ATTEMPTS_WINDOW
    assert response.json()["error"]["code"] == "throttled"


def test_a_token_revokes_itself(personas: Personas) -> None:
    client = APIClient()
    token = ask_for_token(client, personas.mentor.email, PASSWORD).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.delete("/api/v1/auth/token/").status_code == 204

    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["message"] == "Invalid, expired or revoked token."


def test_a_session_has_no_token_to_revoke(personas: Personas) -> None:
    client = APIClient()
    client.force_login(personas.mentor)

    response = client.delete("/api/v1/auth/token/")

    assert response.status_code == 400
    assert "not made with a token" in response.json()["error"]["fields"]["non_field_errors"][0]


def test_a_deactivated_persons_token_stops_working(personas: Personas) -> None:
    client = APIClient()
    token = ask_for_token(client, personas.mentor.email, PASSWORD).json()["token"]
    personas.mentor.is_active = False
    personas.mentor.save()

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").status_code == 401


def test_tokens_are_made_and_revoked_on_the_web_page(client: Any, personas: Personas) -> None:
    client.force_login(personas.mentor)
    created = client.post("/account/api-tokens/", {"name": "report script"}, follow=True)
    html = created.content.decode()
    assert "Copy it now: it is shown only once." in html
    token = ApiToken.objects.get(person=personas.mentor)

    revoked = client.post(f"/account/api-tokens/{token.pk}/revoke/", follow=True)

    assert "is revoked" in revoked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Someone else's token is not found, let alone revoked.
    other = ApiToken.objects.create(person=personas.mentee, prefix="x", digest="y" * 64)
    assert client.post(f"/account/api-tokens/{other.pk}/revoke/").status_code == 404


def test_a_token_can_be_made_to_expire_and_then_stops_working(personas: Personas) -> None:
    client = APIClient()
    body = ask_for_token(client, personas.mentor.email, PASSWORD, expires_in_days=30).json()
    created = dt.datetime.fromisoformat(body["created_at"])
    lasts = dt.datetime.fromisoformat(body["expires_at"]) - created
    assert abs(lasts - dt.timedelta(days=30)) < dt.timedelta(seconds=5)
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")

    with time_machine.travel(created + dt.timedelta(days=29, hours=23), tick=False):
        assert client.get("/api/v1/me/").status_code == 200
        listed = client.get("/api/v1/auth/tokens/").json()["results"]
        assert [t["expires_at"] for t in listed] == [body["expires_at"]]
    with time_machine.travel(created + dt.timedelta(days=30, seconds=1), tick=False):
        response = client.get("/api/v1/me/")
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "Invalid, expired or revoked token."
        # Expired tokens are no longer among the person's live ones.
        assert not ApiToken.objects.filter(pk=body["id"]).filter(
            pk__in=selectors.api_tokens_for(personas.mentor)
        )


def test_without_an_expiry_a_token_lasts_until_revoked(personas: Personas) -> None:
    body = ask_for_token(APIClient(), personas.mentor.email, PASSWORD).json()
    assert body["expires_at"] is None


@pytest.mark.parametrize("days", [0, -1, 367, "soon"])
def test_an_expiry_out_of_range_is_refused_by_name(personas: Personas, days: Any) -> None:
    response = ask_for_token(APIClient(), personas.mentor.email, PASSWORD, expires_in_days=days)
    assert response.status_code == 400
    assert "expires_in_days" in response.json()["error"]["fields"]
    assert not ApiToken.objects.exists()


def test_the_web_page_makes_tokens_that_expire_in_90_days_unless_told(
    client: Any, personas: Personas
) -> None:
    client.force_login(personas.mentor)
    client.post("/account/api-tokens/", {"name": "default", "expires_in_days": "90"})
    client.post("/account/api-tokens/", {"name": "forever", "expires_in_days": ""})

    tokens = {t.name: t for t in ApiToken.objects.filter(person=personas.mentor)}
    default, forever = tokens["default"], tokens["forever"]
    assert default.expires_at is not None
    assert abs(default.expires_at - default.created_at - dt.timedelta(days=90)) < dt.timedelta(
        seconds=5
    )
    assert forever.expires_at is None
    page = client.get("/account/api-tokens/").content.decode()
    assert re.search(r"<option value=\"90\" selected>90 days</option>", page)


def test_a_reload_after_making_a_token_makes_no_second_one(client: Any, personas: Personas) -> None:
    client.force_login(personas.mentor)
    made = client.post("/account/api-tokens/", {"name": "sync", "expires_in_days": ""}, follow=True)
    shown = re.search(r'<code id="new-token">(scf_[^<]+)</code>', made.content.decode())
    assert shown is not None

    reload = client.get("/account/api-tokens/").content.decode()

    assert ApiToken.objects.filter(person=personas.mentor).count() == 1
    assert shown.group(1) not in reload  # shown once, then gone
    assert "api_tokens.new_token" not in client.session
