"""Rendering and sending one email from its three templates:
``templates/emails/<name>.subject.txt``, ``<name>.txt`` and ``<name>.html``."""

from __future__ import annotations

import email.charset
import email.policy
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formatdate, make_msgid
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


# Bodies in UTF-8, quoted-printable: readable in the raw message, and safe
# over any SMTP server (no 8BITMIME needed).
_UTF8_QP = email.charset.Charset("utf-8")
_UTF8_QP.body_encoding = email.charset.QP


class Email(EmailMultiAlternatives):
    """An email that knows which of its strings are secrets (a link that
    signs its reader in), so a backend that keeps a copy can leave them out.

    It also builds its MIME message the quick way when it can. Django builds
    every message with the standard library's modern ``EmailMessage``, which
    parses and refolds each header through the header registry: 1.7 ms of
    CPU per reminder, a third of what a worker spends on one (docs/benchmarks.md).
    Our emails are always the same simple shape, a text part and an HTML part
    from our own templates to one address, so for them the legacy MIME classes
    produce the same message in about 0.6 ms. Anything else (an attachment,
    an address or header outside ASCII, a line break in a header) takes
    Django's way, which handles every case and refuses header injection."""

    secrets: tuple[str, ...] = ()

    # A legacy Message where Django returns the modern EmailMessage: Django's
    # backends (SMTP, console, file, locmem) only serialise or validate it,
    # which both do alike; nothing here asks it for the modern API.
    def message(  # type: ignore[override]
        self, *, policy: email.policy.Policy | None = email.policy.default
    ) -> Message:
        if not self._simple():
            return super().message(policy=policy)
        legacy = QUICK_FOLD.clone(linesep=(policy or email.policy.default).linesep)
        parts = [_text_part(str(self.body), "plain", legacy)] + [
            _text_part(str(content), "html", legacy) for content, _ in self.alternatives
        ]
        if len(parts) == 1:
            message: Message = parts[0]
        else:
            message = MIMEMultipart(
                "alternative", boundary=_boundary(), _subparts=parts, policy=legacy
            )
        subject = str(self.subject)
        # The legacy classes take a Header (RFC 2047 encoding) where typeshed says str.
        message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # type: ignore[assignment]
        message["From"] = str(self.from_email)
        message["To"] = ", ".join(self.to)
        if self.cc:
            message["Cc"] = ", ".join(self.cc)
        if self.reply_to:
            message["Reply-To"] = ", ".join(self.reply_to)
        if "date" not in {name.lower() for name in self.extra_headers}:
            message["Date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
        if "message-id" not in {name.lower() for name in self.extra_headers}:
            message["Message-ID"] = new_message_id()
        for name, value in self.extra_headers.items():
            message[name] = str(value)
        return message

    def _simple(self) -> bool:
        """Whether the quick way builds exactly what Django would."""
        if self.attachments or any(kind != "text/html" for _, kind in self.alternatives):
            return False
        if {name.lower() for name in self.extra_headers} & {"from", "to", "cc", "reply-to"}:
            return False  # Django's own rules for an address header given twice
        headers = [str(self.from_email), *self.to, *self.cc, *self.reply_to]
        headers += [f"{name}{value}" for name, value in self.extra_headers.items()]
        if not all(value.isascii() for value in headers):
            return False  # an address to IDNA-encode, a name to RFC 2047-encode
        return not any("\r" in value or "\n" in value for value in [*headers, str(self.subject)])

    def without_secrets(self, text: str) -> str:
        for secret in self.secrets:
            # As written in the text part, and as escaped in the HTML part.
            text = text.replace(secret, SECRET_PLACEHOLDER)
            text = text.replace(str(escape(secret)), SECRET_PLACEHOLDER)
        return text


class QuickFold(email.policy.Compat32):
    """The legacy policy, with its common case written out. Every header is
    folded through ``email.header.Header``, a third of the time it takes to
    write one of our messages out; but a header of ASCII text on one line
    that fits within the line length comes out of it as it went in. That
    case is written directly here, and every other header (long, non-ASCII,
    a ``Header`` object) is folded by the legacy policy itself.
    ``tests/notifications/test_email_mime.py`` checks that both agree."""

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if (
            isinstance(value, str)
            and value.isascii()
            and "\r" not in value
            and "\n" not in value
            and self.max_line_length is not None
            and len(name) + 2 + len(value) <= self.max_line_length
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc]


QUICK_FOLD = QuickFold()


def _text_part(text: str, subtype: str, policy: email.policy.Policy) -> MIMENonMultipart:
    """A UTF-8, quoted-printable text part that ends with a line break, as
    Django's own parts do."""
    part = MIMENonMultipart("text", subtype, policy=policy)
    part.set_payload(text if text.endswith("\n") else text + "\n", _UTF8_QP)
    return part


def _boundary() -> str:
    """A multipart boundary chosen here, as the standard library would, but
    without its check that the text does not hold it: that check compiles a
    regular expression for each message (a random boundary, so never a
    cached one): writing a reminder out took 296 µs with it, 186 µs
    without (medians). Our parts are quoted-printable,
    where an ``=`` is always followed by two hex digits or a line break,
    so no line of them can be ``--`` and a run of ``=``: this boundary
    cannot occur in them."""
    return f"{'=' * 15}{secrets.token_hex(10)}=="


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
