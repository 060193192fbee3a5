from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from mentorship.core.secret_tokens import digest
from mentorship.people.models import ApiToken
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def ask_for_token(client: APIClient, email: str, password: str, **extra: str) -> Any:
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
    assert response.json()["error"]["message"] == "Invalid or revoked token."


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
    created = client.post("/account/api-tokens/", {"name": "report script"})
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
