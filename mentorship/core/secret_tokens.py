"""Bearer secrets (API tokens, calendar feed addresses): 256 random bits,
shown to their owner once, stored only as a digest.

A fast hash is enough: with 256 random bits there is nothing to
brute-force that a slow password hash would protect."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored and looked up instead of the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()
