"""Signed links in emails: act in one step without signing in.

A link names an action, the person it was sent to and the object it acts
on, signed with the site's secret and stamped with its creation time.
State-changing links expire and work once (``SignedLinkUse``); an
unsubscribe link lasts longer and may be used again, since opting out twice
changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

ACTION_SALT = "scaffold.email-action"
WEEK_SALT = "scaffold.email-week"
UNSUBSCRIBE_SALT = "scaffold.email-unsubscribe"
UPWARD_SALT = "scaffold.email-upward"
AGREEMENT_SALT = "scaffold.email-agreement"
ACTION_MAX_AGE = timedelta(days=14)
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)
# The round decides when an upward feedback link dies; this only bounds it.
UPWARD_MAX_AGE = timedelta(days=31)
# A line manager may come back to their agreement within this time.
AGREEMENT_MAX_AGE = timedelta(days=45)

ACTIONS = ("milestone_done", "milestone_snooze")


class LinkError(Exception):
    """Why a link from an email cannot act."""


class LinkExpired(LinkError):  # noqa: N818 -- reads as the page it leads to
    """It was good, and is too old now (or used up)."""


class LinkInvalid(LinkError):  # noqa: N818
    """Damaged on its way, or forged: the signature does not hold."""


class LinkGone(LinkError):  # noqa: N818
    """Good, but what it was about (or for) is no longer there."""


@dataclass(frozen=True)
class ActionLink:
    action: str
    person_id: int
    object_id: int
    digest: str  # identifies this exact link, to make it single-use


@dataclass(frozen=True)
class WeekLink:
    person_id: int
    pairing_id: int
    week_of: date


@dataclass(frozen=True)
class UnsubscribeLink:
    person_id: int
    kind: str


def action_url(*, action: str, person_id: int, object_id: int) -> str:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action}")
    token = signing.dumps(
        {"a": action, "p": person_id, "o": object_id, "n": secrets.token_hex(4)},
        salt=ACTION_SALT,
        compress=True,
    )
    return settings.SITE_URL + reverse("pairings:email-action", kwargs={"token": token})


def _load(token: str, *, salt: str, max_age: timedelta) -> Any:
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None


def read_action(token: str) -> ActionLink:
    data = _load(token, salt=ACTION_SALT, max_age=ACTION_MAX_AGE)
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        raise LinkInvalid
    return ActionLink(
        action=data["a"],
        person_id=int(data["p"]),
        object_id=int(data["o"]),
        digest=hashlib.sha256(token.encode()).hexdigest(),
    )


def week_url(*, person_id: int, pairing_id: int, week_of: date) -> str:
    """Say where one week went, without signing in: for the mentee it was
    sent to, about one pairing and one week. It may be used again within
    its two weeks (a second answer replaces the first)."""
    token = signing.dumps(
        {"p": person_id, "o": pairing_id, "w": week_of.isoformat()}, salt=WEEK_SALT, compress=True
    )
    return settings.SITE_URL + reverse("checkins:week-from-email", kwargs={"token": token})


def read_week(token: str) -> WeekLink:
    data = _load(token, salt=WEEK_SALT, max_age=ACTION_MAX_AGE)
    try:
        return WeekLink(
            person_id=int(data["p"]),
            pairing_id=int(data["o"]),
            week_of=date.fromisoformat(data["w"]),
        )
    except (KeyError, TypeError, ValueError):
        raise LinkInvalid from None


def upward_url(*, invite_id: int) -> str:
    """Answer (or decline) one round of upward feedback, without signing in.
    The link names the invitation only; it works once, while the round is
    open."""
    token = signing.dumps({"i": invite_id}, salt=UPWARD_SALT, compress=True)
    return settings.SITE_URL + reverse("upward:respond", kwargs={"token": token})


def read_upward(token: str) -> int:
    data = _load(token, salt=UPWARD_SALT, max_age=UPWARD_MAX_AGE)
    try:
        return int(data["i"])
    except (KeyError, TypeError, ValueError):
        raise LinkInvalid from None


@dataclass(frozen=True)
class AgreementLink:
    person_id: int
    agreement_id: int


def agreement_url(*, person_id: int, agreement_id: int) -> str:
    """For the line manager: write (or review) the agreement without
    signing in. It may be used again while it lasts; each save replaces the
    last."""
    token = signing.dumps({"p": person_id, "a": agreement_id}, salt=AGREEMENT_SALT, compress=True)
    return settings.SITE_URL + reverse("agreements:from-email", kwargs={"token": token})


def read_agreement(token: str) -> AgreementLink:
    data = _load(token, salt=AGREEMENT_SALT, max_age=AGREEMENT_MAX_AGE)
    try:
        return AgreementLink(person_id=int(data["p"]), agreement_id=int(data["a"]))
    except (KeyError, TypeError, ValueError):
        raise LinkInvalid from None


def unsubscribe_url(*, person_id: int, kind: str) -> str:
    token = signing.dumps({"p": person_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)
    return settings.SITE_URL + reverse("notifications:unsubscribe", kwargs={"token": token})


def read_unsubscribe(token: str) -> UnsubscribeLink:
    data = _load(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or "p" not in data or "k" not in data:
        raise LinkInvalid
    return UnsubscribeLink(person_id=int(data["p"]), kind=str(data["k"]))
