"""Signing in with the company's identity provider (OpenID Connect).

On when ``OIDC_ISSUER`` is set (config/settings.py). The provider is found
by discovery (``<issuer>/.well-known/openid-configuration``); sign-in is the
authorization code flow with PKCE (S256), a state and a nonce kept in the
session. The ID token is checked by Authlib against the provider's published
keys: signature, issuer, audience (our client id: ``claims_options``),
expiry (one minute of leeway for clocks), nonce, and the access token's hash.

Who it signs in: the person whose address the provider *verified*
(``email_verified``), at one of ``OIDC_ALLOWED_DOMAINS`` when that is set,
who already has an active account (HR imports or adds people) — or, with
``OIDC_CREATE_PEOPLE``, a new account made for them. Anyone else is refused
with a page that says why and what to do. Signing out ends the Scaffold
session only.
"""

from __future__ import annotations

from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from joserfc.errors import JoseError

from mentorship.people import services
from mentorship.people.models import Person

# Seconds of clock difference allowed between us and the provider.
LEEWAY = 60
SCOPE = "openid email profile"

_clients: dict[tuple[str, str, str], Any] = {}


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def client() -> Any:
    """The provider's client, made once per configuration (its discovery
    document and keys are fetched when first needed, then kept)."""
    key = (settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET)
    if key not in _clients:
        oauth = OAuth()
        oauth.register(
            "company",
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET,
            server_metadata_url=settings.OIDC_ISSUER.rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
        )
        _clients[key] = oauth.create_client("company")
    return _clients[key]


def claims_options() -> dict[str, Any]:
    """What an ID token must say beyond its signature and expiry: issued by
    our provider, to us (Authlib checks the audience only when told to)."""
    return {
        "iss": {"essential": True, "values": [client().load_server_metadata()["issuer"]]},
        "aud": {"essential": True, "values": [settings.OIDC_CLIENT_ID]},
    }


def redirect_uri() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("company-sign-in-done")


# The code of a return link that came back to a session that did not send it.
STATE_MISMATCH = "state_mismatch"


class SignInRefused(Exception):  # noqa: N818 -- a refusal, said to the person
    """Why the provider's answer signs nobody in, in words for the person;
    ``code`` goes to the security log."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def start(request: HttpRequest) -> HttpResponse:
    """Off to the provider (state, nonce and PKCE verifier kept in the session)."""
    try:
        response: HttpResponse = client().authorize_redirect(request, redirect_uri())
    except (OAuthError, requests.RequestException, ValueError) as exc:
        raise SignInRefused(
            "Your company's sign-in service cannot be reached just now. Try again in a minute.",
            "provider_unreachable",
        ) from exc
    return response


def finish(request: HttpRequest) -> Person:
    """Back from the provider: exchange the code, check the ID token, and
    find whom it names."""
    try:
        token = client().authorize_access_token(
            request, leeway=LEEWAY, claims_options=claims_options()
        )
    except MismatchingStateError as exc:
        # The return link came back to a session that did not send it: used
        # twice (reloaded, or Back), or begun in another tab or browser.
        raise SignInRefused(
            "This sign-in link was used already, or began in another tab or browser. "
            "Start again from the sign-in page.",
            STATE_MISMATCH,
        ) from exc
    except OAuthError as exc:
        raise SignInRefused(
            "The sign-in with your company account did not complete "
            f"({exc.description or exc.error}). Start again from the sign-in page.",
            "provider_refused",
        ) from exc
    except (JoseError, ValueError, KeyError) as exc:
        raise SignInRefused(
            "Your company's sign-in service answered with a token Scaffold cannot trust. "
            "Start again; if it keeps happening, tell your IT team.",
            "token_invalid",
        ) from exc
    except requests.RequestException as exc:
        raise SignInRefused(
            "Your company's sign-in service cannot be reached just now. Try again in a minute.",
            "provider_unreachable",
        ) from exc
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused(
            "Your company's sign-in service did not say who you are. Start again.",
            "no_id_token",
        )
    return person_for(dict(claims))


def person_for(claims: dict[str, Any]) -> Person:
    """The person the provider's verified claims name, or a refusal."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise SignInRefused(
            "Your company account did not share an email address with Scaffold, so it "
            "cannot tell who you are. Ask your IT team to allow the 'email' scope.",
            "no_email",
        )
    if claims.get("email_verified") is not True:
        raise SignInRefused(
            f"Your company account's address, {email}, is not verified. Ask your IT team.",
            "email_not_verified",
        )
    domain = email.rsplit("@", 1)[1]
    if settings.OIDC_ALLOWED_DOMAINS and domain not in settings.OIDC_ALLOWED_DOMAINS:
        raise SignInRefused(
            f"Addresses at {domain} cannot sign in to Scaffold. Use your work account.",
            "domain_not_allowed",
        )
    person = Person.objects.filter(email__iexact=email).first()
    if person is None:
        if not settings.OIDC_CREATE_PEOPLE:
            raise SignInRefused(
                f"There is no Scaffold account for {email} yet. Ask HR to add you, "
                "then sign in again.",
                "unknown_person",
            )
        name = str(claims.get("name") or "").strip() or email.split("@")[0]
        person = services.person_create(email=email, full_name=name[:200])
    if not person.is_active:
        raise SignInRefused(
            "Your Scaffold account is closed. Ask HR if you think it should not be.",
            "account_closed",
        )
    return person
