"""Sign-in throttling, shared by every way to sign in (see backends.py).

Failures are counted in the cache three ways, each with its own allowance:
per address *and* client (the lock a guesser meets), per client (one client
trying many addresses) and per address whatever the client (guessing spread
over many clients, with a much larger allowance). So a stranger cannot lock
someone out from their own machine by mistyping on purpose: the person's own
client keeps its allowance. Past a limit, sign-in is refused for the rest
of the window, even with the right password, so guessing gains nothing. A
password reset clears the address's counts.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _generation(email: str) -> int:
    """Bumped by a password reset: the address's counts start again."""
    try:
        return int(cache.get(f"login-failures:generation:{_digest(_normal(email))}", 0))
    except Exception:
        return 0


def _normal(email: str) -> str:
    return email.strip().lower()


def _keys(email: str, client_ip: str) -> dict[str, int]:
    """Each counter for this attempt, with its allowance."""
    per_pair = settings.LOGIN_ATTEMPTS_LIMIT
    address = f"{_normal(email)}#{_generation(email)}"
    return {
        f"login-failures:pair:{_digest(address + '|' + client_ip)}": per_pair,
        # A whole office can share one client address; allow it more.
        f"login-failures:client:{client_ip}": per_pair * 5,
        f"login-failures:email:{_digest(address)}": per_pair * 10,
    }


def retry_after(*, email: str, client_ip: str) -> int | None:
    """Seconds to wait before trying again, or None if sign-in may proceed."""
    try:
        limits = _keys(email, client_ip)
        counts = cache.get_many(list(limits))
    except Exception:
        # Without the cache, sign-in still works (each guess still pays for
        # Argon2); /health/ reports the broken Redis.
        logger.exception("Sign-in throttling is unavailable: the cache did not answer.")
        return None
    if any(counts.get(key, 0) >= limit for key, limit in limits.items()):
        return int(settings.LOGIN_ATTEMPTS_WINDOW)
    return None


def first_refusal(*, email: str, client_ip: str) -> bool:
    """Whether this is the first refused attempt of the pause, so the
    security log gets one line per pause rather than one per attempt."""
    address = f"{_normal(email)}#{_generation(email)}"
    try:
        return bool(
            cache.add(
                f"login-refused:{_digest(address + '|' + client_ip)}",
                1,
                timeout=settings.LOGIN_ATTEMPTS_WINDOW,
            )
        )
    except Exception:
        return True


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
    for key in _keys(email, client_ip):
        _count(key, settings.LOGIN_ATTEMPTS_WINDOW)


def record_success(*, email: str, client_ip: str) -> None:
    """The right password from this client: its own count starts again."""
    try:
        cache.delete(next(iter(_keys(email, client_ip))))
    except Exception:
        logger.exception("Could not reset the sign-in counter.")


def clear(*, email: str) -> None:
    """A password reset: every count for the address starts again (old
    counters are left to expire)."""
    key = f"login-failures:generation:{_digest(_normal(email))}"
    try:
        cache.add(key, 0, timeout=settings.LOGIN_ATTEMPTS_WINDOW)
        cache.incr(key)
    except Exception:
        logger.exception("Could not clear the sign-in counters.")


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
