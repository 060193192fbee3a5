"""Rendering and sending one email from its three templates:
``templates/emails/<name>.subject.txt``, ``<name>.txt`` and ``<name>.html``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


# The template engine without autoescaping (settings.TEMPLATES): subjects
# and text bodies are plain text.
TEXT_ENGINE = "text"


def render(name: str, context: dict[str, Any]) -> RenderedEmail:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}.subject.txt", context, using=TEXT_ENGINE)
    return RenderedEmail(
        # A header must be one line, whatever the template's whitespace.
        subject=" ".join(subject.split()),
        text=render_to_string(f"emails/{name}.txt", context, using=TEXT_ENGINE),
        html=render_to_string(f"emails/{name}.html", context),
    )


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "scaffold.invalid"


def new_message_id(idstring: str | None = None) -> str:
    return make_msgid(idstring=idstring, domain=site_domain())


class Email(EmailMultiAlternatives):
    """An email that knows which of its strings are secrets (a link that
    signs its reader in), so a backend that keeps a copy can leave them out."""

    secrets: tuple[str, ...] = ()

    def without_secrets(self, text: str) -> str:
        for secret in self.secrets:
            # As written in the text part, and as escaped in the HTML part.
            text = text.replace(secret, SECRET_PLACEHOLDER)
            text = text.replace(str(escape(secret)), SECRET_PLACEHOLDER)
        return text


SECRET_PLACEHOLDER = "[link delivered to the recipient only]"  # noqa: S105 -- replaces one


def build(
    *,
    to: str,
    name: str,
    context: dict[str, Any],
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    secrets: Sequence[str] = (),
) -> tuple[Email, RenderedEmail]:
    rendered = render(name, context)
    message = Email(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id or new_message_id(name), **(headers or {})},
    )
    message.attach_alternative(rendered.html, "text/html")
    message.secrets = tuple(secret for secret in secrets if secret)
    return message, rendered
