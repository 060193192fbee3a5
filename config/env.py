"""Strict reading of settings from environment variables.

A typo in production configuration should stop the process at start-up with a
message naming the variable, not fall back to a default nobody chose. So every
reader here refuses values it does not understand: ``DEBUG=ture`` is an
error, not ``False``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


class Env:
    """Typed, strict accessors over a mapping of environment variables."""

    def __init__(self, environ_: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ_ is None else environ_

    def _raw(self, name: str) -> str | None:
        value = self._environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def is_set(self, name: str) -> bool:
        return self._raw(name) is not None

    def text(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self._raw(name)
        if value is None:
            if required or default is None:
                raise ImproperlyConfigured(f"{name} must be set.")
            return default
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a boolean; use one of: true, false, 1, 0, yes, no, on, off."
        )

    def number(
        self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
        if maximum is not None and number > maximum:
            raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
        return number

    def days_or_forever(self, name: str, default: int | None, *, minimum: int) -> int | None:
        """A number of days, or ``forever`` (``None``): how long to keep something."""
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() == "forever":
            return None
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}={value!r} is neither a whole number of days nor 'forever'."
            ) from None
        if number < minimum:
            raise ImproperlyConfigured(
                f"{name}={number} is below the minimum of {minimum} days (or say 'forever')."
            )
        return number

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}.")
        return value

    def items(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def url(self, name: str, default: str, *, schemes: tuple[str, ...]) -> str:
        value = self.text(name, default)
        check_url(name, value, schemes=schemes)
        return value

    def database(self, name: str, default: str) -> dict[str, Any]:
        value = self.url(name, default, schemes=("sqlite", "postgres", "postgresql"))
        try:
            config: dict[str, Any] = environ.Env.db_url_config(value)
        except Exception as exc:  # the parser raises several unrelated types
            raise ImproperlyConfigured(f"{name} could not be parsed: {exc}") from None
        return config


def check_url(name: str, value: str, *, schemes: tuple[str, ...]) -> None:
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}={value!r} must start with one of: {', '.join(s + '://' for s in schemes)}"
        )
    if parts.scheme not in {"sqlite", "unix"} and not parts.hostname:
        raise ImproperlyConfigured(f"{name}={value!r} has no host name.")
    try:
        parts.port  # noqa: B018 -- reading the port validates it
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} has an invalid port.") from None
