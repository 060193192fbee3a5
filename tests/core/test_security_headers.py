from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/account/sign-in/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    # Scripts and styles come only from this site (or carry the response's
    # nonce when a page uses one); nothing inline is allowed.
    assert re.search(r"script-src 'self'(?: 'nonce-[\w+/=-]+')?;", policy)
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_pages_refuse_framing_and_sniffing(client: Client) -> None:
    response = client.get("/account/sign-in/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_private_pages_and_the_api_are_never_stored_by_a_cache(personas: Any) -> None:
    from rest_framework.test import APIClient

    client = Client()
    client.force_login(personas.mentee)
    api = APIClient()
    api.force_authenticate(personas.mentee)
    answers = {
        "pairing page": client.get(f"/pairings/{personas.pairing.pk}/"),
        "calendar address": client.get("/calendar/"),
        "API tokens": client.get("/account/api-tokens/"),
        "API": api.get("/api/v1/pairings/"),
        "API, not signed in": APIClient().get("/api/v1/pairings/"),
    }
    for name, response in answers.items():
        assert "no-store" in response["Cache-Control"], name
