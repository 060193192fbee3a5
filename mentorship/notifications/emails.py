"""Rendering and sending one email from its three templates:
``templates/emails/<name>.subject.txt``, ``<name>.txt`` and ``<name>.html``."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render(name: str, context: dict[str, Any]) -> RenderedEmail:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}.subject.txt", context)
    return RenderedEmail(
        # A header must be one line, whatever the template's whitespace.
        subject=" ".join(subject.split()),
        text=render_to_string(f"emails/{name}.txt", context),
        html=render_to_string(f"emails/{name}.html", context),
    )


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "scaffold.invalid"


def new_message_id(idstring: str | None = None) -> str:
    return make_msgid(idstring=idstring, domain=site_domain())


def build(
    *,
    to: str,
    name: str,
    context: dict[str, Any],
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[EmailMultiAlternatives, RenderedEmail]:
    rendered = render(name, context)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id or new_message_id(name), **(headers or {})},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message, rendered


def send(
    *,
    to: str,
    name: str,
    context: dict[str, Any],
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """Render and send one email now; returns its Message-ID."""
    message, _ = build(to=to, name=name, context=context, message_id=message_id, headers=headers)
    mailers.default.send_messages([message])
    return str(message.extra_headers["Message-ID"])
