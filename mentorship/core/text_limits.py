"""One wording for text over its limit, on web forms and in services:
"Notes for the two of you are too long: keep them to 10000 characters (they
have 10412)." It names what was refused, so the person knows which field to
shorten, and nothing is kept half-way."""

from __future__ import annotations


def too_long_message(what: str, *, plural: bool = False) -> str:
    """The message, with Django's ``%(limit_value)s`` and ``%(show_value)s``
    left in: as a form field's ``max_length`` error message it is filled in
    by Django; ``text_too_long`` fills it in for services."""
    verb, pronoun, has = ("are", "them", "they have") if plural else ("is", "it", "it has")
    return (
        f"{what} {verb} too long: keep {pronoun} to %(limit_value)s characters "
        f"({has} %(show_value)s)."
    )


def text_too_long(what: str, text: str, limit: int, *, plural: bool = False) -> str | None:
    """The refusal for ``text`` if, stripped as forms strip it, it is longer
    than ``limit``; None if it fits."""
    length = len(text.strip())
    if length <= limit:
        return None
    return too_long_message(what, plural=plural) % {"limit_value": limit, "show_value": length}
