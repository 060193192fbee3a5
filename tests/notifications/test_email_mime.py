"""Our emails build their MIME message the quick way (the legacy classes)
when they are the usual shape; the message must read exactly as Django's
own would, and anything unusual must still go Django's way."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage as ParsedMessage

import pytest
from django.core.mail import EmailMultiAlternatives
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.notifications.backends import SMTPBackend
from mentorship.notifications.emails import QUICK_FOLD, Email

HEADERS = {
    "Message-ID": "<scaffold.notification.7@scaffold.test>",
    "Auto-Submitted": "auto-generated",
    "List-Unsubscribe": "<https://scaffold.test/notifications/unsubscribe/abc/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def both(**kwargs: object) -> tuple[Email, EmailMultiAlternatives]:
    html = str(kwargs.pop("html", "<p>Hello</p>"))
    ours = Email(**kwargs)  # type: ignore[arg-type]
    django = EmailMultiAlternatives(**kwargs)  # type: ignore[arg-type]
    for message in (ours, django):
        message.attach_alternative(html, "text/html")
    return ours, django


def parsed(message: EmailMultiAlternatives) -> ParsedMessage:
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    result = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(result, ParsedMessage)
    return result


@pytest.mark.parametrize(
    ("subject", "body", "html"),
    [
        ("Due in 2 days: Hold a first round of 1:1s", "Hello Ada,\n\nPlain text.\n", "<p>Hi</p>"),
        # Accents, typographic quotes, a long line and an equals sign.
        (
            "Jos\u00e9\u2019s milestone \u2014 \u201cRun a skip-level\u201d is due",
            "Hallo Zoë,\nline=two " + "lang " * 40 + "\n",
            "<p>Grüße, <b>José</b></p>",
        ),
        ("No final line break", "ends here", "<p>ends here</p>"),
    ],
)
def test_the_quick_message_reads_exactly_as_djangos(subject: str, body: str, html: str) -> None:
    ours, django = both(
        subject=subject,
        body=body,
        html=html,
        from_email="Scaffold <scaffold@localhost>",
        to=["ada@scaffold.test"],
        headers=HEADERS,
    )
    assert ours._simple()
    mine, theirs = parsed(ours), parsed(django)
    for name in ["Subject", "From", "To", *HEADERS]:
        assert mine[name] == theirs[name], name
    assert mine.get_content_type() == theirs.get_content_type() == "multipart/alternative"
    for kind in ("plain", "html"):
        mine_part, their_part = mine.get_body((kind,)), theirs.get_body((kind,))
        assert mine_part is not None
        assert their_part is not None
        assert mine_part.get_content() == their_part.get_content()
        assert mine_part.get_content_charset() == "utf-8"
    assert mine["Date"] is not None
    assert mine["MIME-Version"] == "1.0"


def test_every_line_of_the_raw_message_ends_as_smtp_wants() -> None:
    ours, _ = both(subject="Hi", body="one\ntwo\n", to=["ada@scaffold.test"], headers=HEADERS)
    raw = ours.message(policy=email.policy.SMTP).as_bytes()
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_a_missing_message_id_and_date_are_added() -> None:
    ours, _ = both(subject="Hi", body="x", to=["ada@scaffold.test"])
    message = parsed(ours)
    assert message["Message-ID"].startswith("<")
    assert message["Date"]


@pytest.mark.parametrize(
    "unusual",
    [
        {"to": ["zoë@bücher.example"]},  # an address to encode
        {"from_email": "Zoë Scaffold <scaffold@localhost>"},  # a name to encode
        {"headers": {**HEADERS, "From": "Other <other@scaffold.test>"}},
        {"headers": {**HEADERS, "X-Note": "café"}},
    ],
)
def test_anything_unusual_goes_djangos_way(unusual: dict[str, object]) -> None:
    kwargs: dict[str, object] = {
        "subject": "Hi",
        "body": "x",
        "from_email": "Scaffold <scaffold@localhost>",
        "to": ["ada@scaffold.test"],
        "headers": HEADERS,
        **unusual,
    }
    ours, django = both(**kwargs)
    assert not ours._simple()
    mine, theirs = parsed(ours), parsed(django)
    for name in ("From", "To", "Subject"):
        assert mine[name] == theirs[name]


def test_an_attachment_goes_djangos_way() -> None:
    ours, _ = both(subject="Hi", body="x", to=["ada@scaffold.test"])
    ours.attach("plan.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    assert not ours._simple()
    assert any(part.get_filename() == "plan.ics" for part in parsed(ours).iter_attachments())


def test_a_line_break_in_a_header_is_still_refused() -> None:
    ours, _ = both(subject="Hi\nBcc: everyone@scaffold.test", body="x", to=["ada@scaffold.test"])
    assert not ours._simple()
    with pytest.raises(ValueError, match=r"linefeed|newline|CR|LF"):
        ours.message(policy=email.policy.SMTP)


_HEADER_TEXT = st.text(
    # Every printable ASCII character and the whitespace a header may hold,
    # and a few outside ASCII, so both ways are taken.
    alphabet=st.sampled_from([chr(c) for c in range(32, 127)] + ["\t", "é", "\u2014"]),
    max_size=120,
)


@settings(max_examples=2_000, deadline=None)
@given(
    name=st.sampled_from(["Subject", "To", "Message-ID", "List-Unsubscribe"]), value=_HEADER_TEXT
)
def test_the_quick_fold_writes_every_header_as_the_legacy_policy_does(
    name: str, value: str
) -> None:
    for linesep in ("\n", "\r\n"):
        quick = QUICK_FOLD.clone(linesep=linesep)
        legacy = email.policy.compat32.clone(linesep=linesep)
        assert quick.fold(name, value) == legacy.fold(name, value)
        assert quick.fold_binary(name, value) == legacy.fold_binary(name, value)


def test_a_long_header_is_still_folded() -> None:
    value = "<https://scaffold.test/mail/unsubscribe/" + "a" * 120 + "/>"
    assert QUICK_FOLD.fold("List-Unsubscribe", value) == email.policy.compat32.fold(
        "List-Unsubscribe", value
    )


@settings(max_examples=150, deadline=None)
@given(
    body=st.text(alphabet=st.sampled_from("-=abc \n"), max_size=200),
    html=st.text(alphabet=st.sampled_from("-=<p> \n"), max_size=200),
)
def test_no_text_can_hold_the_boundary(body: str, html: str) -> None:
    # The boundary is chosen without looking at the text (the standard
    # library's look compiles a pattern per message): text made of dashes,
    # equals signs and line breaks still parses back as exactly its two parts.
    ours, _ = both(subject="Hi", body=body, html=html, to=["ada@scaffold.test"])
    assert ours._simple()
    message = parsed(ours)
    boundary = message.get_boundary()
    assert boundary is not None
    assert boundary.startswith("=" * 15)
    assert boundary.endswith("==")
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    text, markup = (part.get_content().replace("\r\n", "\n") for part in parts)
    assert text.rstrip("\n") == body.rstrip("\n")
    assert markup.rstrip("\n") == html.rstrip("\n")


def test_the_smtp_backend_checks_each_address_as_django_does() -> None:
    backend = SMTPBackend.__new__(SMTPBackend)  # prep_address needs no connection
    assert backend.prep_address("Scaffold <scaffold@localhost>") == "scaffold@localhost"
    assert backend.prep_address("Scaffold <scaffold@localhost>") == "scaffold@localhost"
    for _ in range(2):  # refused every time, not only the first
        with pytest.raises(ValueError, match="Invalid address"):
            backend.prep_address("ada@scaffold.test\r\nBcc: eve@example.com")
