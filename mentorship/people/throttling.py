"""Sign-in throttling, shared by the web form and the API token endpoint.

Failures are counted per address and per client address in the cache; past
the limit, sign-in is refused for the rest of the window, even with the right
password, so guessing gains nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _email_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:email:{digest}"


def _client_key(client_ip: str) -> str:
    return f"login-failures:client:{client_ip}"


def _limits() -> tuple[int, int]:
    per_email = settings.LOGIN_ATTEMPTS_LIMIT
    # A whole office can share one address; allow it more.
    return per_email, per_email * 5


def retry_after(*, email: str, client_ip: str) -> int | None:
    """Seconds to wait before trying again, or None if sign-in may proceed."""
    per_email, per_client = _limits()
    try:
        counts = cache.get_many([_email_key(email), _client_key(client_ip)])
    except Exception:
        # Without the cache, sign-in still works (each guess still pays for
        # Argon2); /health/ reports the broken Redis.
        logger.exception("Sign-in throttling is unavailable: the cache did not answer.")
        return None
    if (
        counts.get(_email_key(email), 0) >= per_email
        or counts.get(_client_key(client_ip), 0) >= per_client
    ):
        return int(settings.LOGIN_ATTEMPTS_WINDOW)
    return None


def _count(key: str, window: int) -> int:
    """Add one to a counter that expires ``window`` seconds after it starts."""
    try:
        cache.add(key, 0, timeout=window)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            return 1
    except Exception:
        logger.exception("Could not count in the cache.")
        return 0


def record_failure(*, email: str, client_ip: str) -> None:
    for key in (_email_key(email), _client_key(client_ip)):
        _count(key, settings.LOGIN_ATTEMPTS_WINDOW)


def record_success(*, email: str) -> None:
    try:
        cache.delete(_email_key(email))
    except Exception:
        logger.exception("Could not reset the sign-in counter.")


def client_ip(meta: dict[str, str]) -> str:
    """The address of the client that is signing in.

    With no proxy in front (``TRUSTED_PROXY_COUNT=0``), ``REMOTE_ADDR``: any
    ``X-Forwarded-For`` then comes from the client and would let it pick its
    own key. Behind N proxies that each append the address they saw, the
    client is the N-th address from the right; the ones to its left are the
    client's own claims and are ignored. A header shorter than that, or an
    entry that is not an address, falls back to ``REMOTE_ADDR``."""
    remote = meta.get("REMOTE_ADDR") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


def reset_request_allowed(*, email: str) -> bool:
    """At most a few reset emails an hour per address, so the form cannot be
    used to flood someone's inbox."""
    key = f"password-reset:{hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]}"
    return _count(key, 60 * 60) <= 3
