"""The email backends: SMTP for production (Django's, with one cost taken
out), and the development backend, which keeps every message in the
database, to be read on the outbox page, and echoes it to the terminal.

The secrets an email carries (the link in an invitation or a password reset)
are echoed to the terminal — the developer's stand-in for the recipient's
mailbox — but never written to the database, where the outbox pages would
show them to whoever may read them."""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends import smtp
from django.core.mail.backends.base import BaseEmailBackend

from mentorship.notifications.emails import Email
from mentorship.notifications.models import OutboxMessage


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, remembering the addresses it has checked.

    Before each email Django parses its sender and its recipient through the
    standard library's header registry (to refuse an invalid address or a
    line break smuggled into one): 74 µs of CPU per address, 147 µs per
    email. The answer depends on the address alone, and a worker sends
    every email from the same sender, so each address is checked once per
    process: half of that is saved on every email, all of it on a
    recipient's second. An invalid address raises every time: exceptions
    are not remembered."""

    def prep_address(self, address: Any, force_ascii: bool = True) -> str:
        return _checked_address(str(address), force_ascii)


@functools.lru_cache(maxsize=1024)
def _checked_address(address: str, force_ascii: bool) -> str:
    return str(smtp.EmailBackend.prep_address(None, address, force_ascii))  # type: ignore[arg-type]


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = []
        for message in email_messages:
            kept = message.without_secrets if isinstance(message, Email) else str
            html = ""
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    html = kept(str(content))
            message_id = str(message.extra_headers.get("Message-ID", ""))
            rows += [
                OutboxMessage(
                    to_email=address.lower(),
                    from_email=str(message.from_email),
                    subject=str(message.subject),
                    body_text=kept(str(message.body)),
                    body_html=html,
                    message_id=message_id,
                )
                for address in message.recipients()
            ]
            if settings.OUTBOX_ECHO:
                self._echo(message)
        OutboxMessage.objects.bulk_create(rows)
        return len(email_messages)

    def _echo(self, message: Any) -> None:
        sys.stdout.write(
            "\n".join(
                [
                    "-" * 72,
                    f"Email to {', '.join(message.recipients())}",
                    f"Subject: {message.subject}",
                    "",
                    str(message.body).rstrip(),
                    "-" * 72,
                    "",
                ]
            )
        )
        sys.stdout.flush()
