"""Signing in with the company's identity provider, against a real OpenID
Connect provider (django-oauth-toolkit) running in its own process on
loopback: discovery, the authorization code flow with PKCE, the ID token's
signature, audience and expiry — no part of the protocol is mocked."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.shortcuts import resolve_url
from django.test import Client
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError

from mentorship.audit.models import SecurityEvent, SecurityEventKind, SecurityEventVia
from mentorship.people import company_sign_in
from mentorship.people.models import Person
from mentorship.people.services import person_create

pytestmark = pytest.mark.django_db

PASSWORD = "provider passphrase 2026"
SECRET = "scaffold-client-secret-for-the-tests"
ID_TOKEN_SECONDS = 300
USERS: dict[str, dict[str, Any]] = {
    "ada": {"email": "ada@scaffold.test", "name": "Ada Lovelace"},
    "ada-caps": {"email": "ADA@Scaffold.Test", "name": "Ada Lovelace"},
    "ben": {"email": "ben@scaffold.test", "name": "Ben", "verified": False},
    "cleo": {"email": "cleo@scaffold.test", "name": "Cleo Newcomer"},
    "dan": {"email": "dan@elsewhere.io", "name": "Dan"},
}


@dataclass
class Provider:
    issuer: str
    base: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def callback_url() -> str:
    return django_settings.SITE_URL.rstrip("/") + "/account/sign-in/company/done/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    port = _free_port()
    setup = {
        "users": [{"username": name, "password": PASSWORD, **user} for name, user in USERS.items()],
        "clients": [
            {"client_id": "scaffold", "client_secret": SECRET, "redirect_uri": callback_url()},
            {
                "client_id": "another-app",
                "client_secret": "another-secret",
                "redirect_uri": "http://127.0.0.1:9/another/",
            },
        ],
    }
    env = {
        **os.environ,
        "PROVIDER_DB": str(tmp_path_factory.mktemp("provider") / "db.sqlite3"),
        "PROVIDER_PORT": str(port),
        "PROVIDER_SETUP": json.dumps(setup),
        "PROVIDER_ID_TOKEN_SECONDS": str(ID_TOKEN_SECONDS),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        # On this run's clock, as the tokens it signs are read on it (tests/clock.py).
        [sys.executable, "-m", "tests.clock", "tests.oidc_provider.serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.kill()
        raise RuntimeError(f"The provider did not start: {line}{process.stdout.read()}")
    base = f"http://127.0.0.1:{port}"
    try:
        yield Provider(issuer=f"{base}/o", base=base)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def company(provider: Provider, settings: Any) -> Provider:
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = "scaffold"
    settings.OIDC_CLIENT_SECRET = SECRET
    settings.OIDC_ALLOWED_DOMAINS = []
    settings.OIDC_CREATE_PEOPLE = False
    return provider


def signed_in_at(
    provider: Provider, username: str, next_path: str = ""
) -> tuple[requests.Session, requests.Response]:
    """A browser signed in at the provider's own sign-in page, and its answer."""
    browser = requests.Session()
    login = browser.get(f"{provider.base}/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
    assert token is not None
    answer = browser.post(
        f"{provider.base}/login/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": PASSWORD,
            "next": next_path,
        },
        headers={"Referer": f"{provider.base}/login/"},
        allow_redirects=False,
        timeout=10,
    )
    return browser, answer


def at_provider(provider: Provider, authorize_url: str, username: str) -> str:
    """A person at the provider: signs in there, and is sent back. Returns
    where the provider sends the browser (our callback, with code and state)."""
    next_path = authorize_url.removeprefix(provider.base)
    browser, answer = signed_in_at(provider, username, next_path)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    while not location.startswith(callback_url()):
        answer = browser.get(
            location if location.startswith("http") else provider.base + location,
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[:2000]
        location = answer.headers["Location"]
    return location


def sign_in(client: Client, provider: Provider, username: str) -> Any:
    """The whole round trip, as a browser makes it."""
    start = client.get("/account/sign-in/company/")
    assert start.status_code == 302, start.content
    back = at_provider(provider, start["Location"], username)
    return client.get(back.removeprefix(django_settings.SITE_URL.rstrip("/")))


def signed_in_as(client: Client) -> str | None:
    response = client.get("/api/v1/me/")
    return response.json()["email"] if response.status_code == 200 else None


def test_a_known_person_signs_in_with_the_company_account(
    company: Provider, client: Client
) -> None:
    ada = person_create(email="ada@scaffold.test", full_name="Ada Lovelace")

    start = client.get("/account/sign-in/company/?next=/account/profile/")
    query = parse_qs(urlsplit(start["Location"]).query)
    # Found by discovery; the authorization code flow with PKCE, a state, a nonce.
    assert start["Location"].startswith(f"{company.issuer}/authorize/")
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"]
    assert query["nonce"]
    assert query["scope"] == ["openid email profile"]
    back = at_provider(company, start["Location"], "ada")
    done = client.get(back.removeprefix(django_settings.SITE_URL.rstrip("/")))

    assert done.status_code == 302
    assert done["Location"] == "/account/profile/"
    assert signed_in_as(client) == ada.email
    event = SecurityEvent.objects.get(person=ada, kind=SecurityEventKind.SIGNED_IN)
    assert event.via == SecurityEventVia.COMPANY


def test_the_address_is_matched_whatever_its_case(company: Provider, client: Client) -> None:
    person_create(email="ada@scaffold.test", full_name="Ada Lovelace")
    assert sign_in(client, company, "ada-caps").status_code == 302
    assert signed_in_as(client) == "ada@scaffold.test"


def test_a_code_is_used_once(company: Provider, client: Client) -> None:
    person_create(email="ada@scaffold.test", full_name="Ada Lovelace")
    start = client.get("/account/sign-in/company/")
    back = at_provider(company, start["Location"], "ada").removeprefix(
        django_settings.SITE_URL.rstrip("/")
    )
    assert client.get(back).status_code == 302
    # Reloaded (or reached by Back) while signed in: nothing failed.
    reloaded = client.get(back)
    assert reloaded.status_code == 302
    assert reloaded["Location"] == resolve_url(django_settings.LOGIN_REDIRECT_URL)
    assert signed_in_as(client) == "ada@scaffold.test"
    client.post("/account/sign-out/")

    again = client.get(back)
    assert again.status_code == 403
    assert "This sign-in link was used already" in again.content.decode()
    assert signed_in_as(client) is None
    refused = SecurityEvent.objects.get(kind=SecurityEventKind.SIGN_IN_FAILED)
    assert refused.what == "Company sign-in refused: a return link used twice, or from another tab"


@pytest.mark.parametrize(
    ("username", "message", "code"),
    [
        (
            "cleo",
            "There is no Scaffold account for cleo@scaffold.test yet. Ask HR",
            "unknown_person",
        ),
        ("ben", "address, ben@scaffold.test, is not verified", "email_not_verified"),
    ],
)
def test_who_cannot_sign_in_is_told_why(
    company: Provider, client: Client, username: str, message: str, code: str
) -> None:
    person_create(email="ben@scaffold.test", full_name="Ben")

    response = sign_in(client, company, username)

    assert response.status_code == 403
    assert message in response.content.decode()
    assert signed_in_as(client) is None
    refused = SecurityEvent.objects.get(kind=SecurityEventKind.SIGN_IN_FAILED)
    assert (refused.via, refused.data) == (SecurityEventVia.COMPANY, {"why": code})
    # HR's log says what it was: no wrong password, and why.
    assert refused.what.startswith("Company sign-in refused: ")
    assert refused.what != "Company sign-in refused: "


def test_only_the_allowed_domains_sign_in(company: Provider, client: Client, settings: Any) -> None:
    settings.OIDC_ALLOWED_DOMAINS = ["scaffold.test"]
    person_create(email="dan@elsewhere.io", full_name="Dan")

    response = sign_in(client, company, "dan")

    assert response.status_code == 403
    assert "Addresses at elsewhere.io cannot sign in to Scaffold" in response.content.decode()


def test_a_closed_account_stays_closed(company: Provider, client: Client) -> None:
    ada = person_create(email="ada@scaffold.test", full_name="Ada Lovelace")
    Person.objects.filter(pk=ada.pk).update(is_active=False)

    response = sign_in(client, company, "ada")

    assert response.status_code == 403
    assert "Your Scaffold account is closed" in response.content.decode()


def test_with_accounts_made_on_first_sign_in_a_newcomer_gets_one(
    company: Provider, client: Client, settings: Any
) -> None:
    settings.OIDC_CREATE_PEOPLE = True

    assert sign_in(client, company, "cleo").status_code == 302

    cleo = Person.objects.get(email="cleo@scaffold.test")
    assert cleo.full_name == "Cleo Newcomer"
    assert not cleo.has_usable_password()
    assert signed_in_as(client) == "cleo@scaffold.test"
    # With no password, there is none to change.
    page = client.get("/account/security/").content.decode()
    assert "no Scaffold password signs you in" in page
    assert 'name="old_password"' not in page
    refused = client.post("/account/security/", {"new_password1": "x", "new_password2": "x"})
    assert refused.status_code == 302


def test_signing_out_ends_the_scaffold_session(company: Provider, client: Client) -> None:
    person_create(email="ada@scaffold.test", full_name="Ada Lovelace")
    sign_in(client, company, "ada")

    signed_out = client.post("/account/sign-out/", follow=True)

    assert signed_in_as(client) is None
    assert client.get("/account/profile/").status_code == 302
    # Said plainly: the company account is another sign-in, still open.
    assert "Your company account stays signed in" in signed_out.content.decode()


# The ID token's checks, on tokens the real provider issued.


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def tokens_for(
    provider: Provider, client_id: str, secret: str, redirect_uri: str
) -> dict[str, Any]:
    """What the provider's token endpoint hands ``client_id`` for ada."""
    verifier, challenge = _pkce()
    nonce = secrets.token_urlsafe(16)
    browser, _ = signed_in_at(provider, "ada")
    authorize = browser.get(
        f"{provider.issuer}/authorize/",
        params={
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": "s",
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        timeout=10,
    )
    code = parse_qs(urlsplit(authorize.headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{provider.issuer}/token/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(client_id, secret),
        timeout=10,
    ).json()
    token["nonce"] = nonce
    return token


def check(token: dict[str, Any]) -> Any:
    """Scaffold's own check of an ID token (what the sign-in runs)."""
    return company_sign_in.client().parse_id_token(
        token,
        nonce=token["nonce"],
        claims_options=company_sign_in.claims_options(),
        leeway=company_sign_in.LEEWAY,
    )


def test_a_token_the_provider_issued_to_us_passes(company: Provider) -> None:
    claims = check(tokens_for(company, "scaffold", SECRET, callback_url()))
    assert (claims["email"], claims["email_verified"]) == ("ada@scaffold.test", True)


def test_a_token_issued_to_another_application_is_refused(company: Provider) -> None:
    token = tokens_for(company, "another-app", "another-secret", "http://127.0.0.1:9/another/")
    with pytest.raises(InvalidClaimError, match="'aud'"):
        check(token)


def test_an_expired_token_is_refused(company: Provider, time_machine: Any) -> None:
    token = tokens_for(company, "scaffold", SECRET, callback_url())
    time_machine.move_to(time.time() + ID_TOKEN_SECONDS + company_sign_in.LEEWAY + 60)
    with pytest.raises(ExpiredTokenError):
        check(token)


def test_a_token_with_a_forged_signature_is_refused(company: Provider) -> None:
    token = tokens_for(company, "scaffold", SECRET, callback_url())
    header, payload, signature = token["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = "hr@scaffold.test"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(JoseError):
        check({**token, "id_token": f"{header}.{forged}.{signature}"})


def test_an_unreachable_provider_is_a_clear_page_not_an_error(
    client: Client, settings: Any
) -> None:
    settings.OIDC_ISSUER = f"http://127.0.0.1:{_free_port()}/o"  # nothing listens there
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "scaffold", SECRET

    response = client.get("/account/sign-in/company/")

    assert response.status_code == 403
    assert "cannot be reached just now" in response.content.decode()


def test_the_sign_in_page_offers_the_company_account(company: Provider, client: Client) -> None:
    page = client.get("/account/sign-in/").content.decode()
    assert 'href="/account/sign-in/company/"' in page
    assert "Sign in with your company account" in page
    assert 'name="password"' in page


def test_without_password_sign_in_the_company_is_the_only_way_in(
    company: Provider, client: Client, settings: Any
) -> None:
    settings.PASSWORD_SIGN_IN = False
    ada = person_create(email="ada@scaffold.test", full_name="Ada", password="a passphrase 2026")

    page = client.get("/account/sign-in/").content.decode()
    assert 'name="password"' not in page
    assert "Forgot your password?" not in page
    client.post("/account/sign-in/", {"username": ada.email, "password": "a passphrase 2026"})
    assert signed_in_as(client) is None
    assert client.get("/account/password-reset/").status_code == 404
    token = client.post(
        "/api/v1/auth/token/",
        {"email": ada.email, "password": "a passphrase 2026"},
        content_type="application/json",
    )
    assert token.status_code == 403
    # Nor does the Django admin's door open to a password.
    ada.is_staff = True
    ada.save(update_fields=["is_staff"])
    client.post("/admin/login/", {"username": ada.email, "password": "a passphrase 2026"})
    assert signed_in_as(client) is None
    assert sign_in(client, company, "ada").status_code == 302


def test_off_without_an_issuer(client: Client) -> None:
    assert client.get("/account/sign-in/company/").status_code == 404
    assert "company account" not in client.get("/account/sign-in/").content.decode()
