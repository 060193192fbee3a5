"""A new manager with a team and an upward feedback step, for the tests."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from mentorship.notifications import links
from mentorship.pairings.models import Milestone, Pairing
from mentorship.people.models import Person
from mentorship.plans.models import StepKind
from mentorship.upward import services
from mentorship.upward.models import FeedbackInvite, FeedbackRound
from mentorship.upward.statements import KEYS
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory


@dataclass
class Team:
    pairing: Pairing
    reports: list[Person]

    @property
    def mentee(self) -> Person:
        return self.pairing.mentee


def team(reports: int = 4, *, zone: str = "Europe/Berlin", pairing: Pairing | None = None) -> Team:
    if pairing is None:
        pairing = PairingFactory.create(mentee=PersonFactory.create(time_zone=zone))
    people = [PersonFactory.create(manager=pairing.mentee, time_zone=zone) for _ in range(reports)]
    return Team(pairing=pairing, reports=people)


def upward_step(pairing: Pairing, due_on: dt.date | None = None) -> Milestone:
    return MilestoneFactory.create(
        pairing=pairing,
        kind=StepKind.UPWARD,
        title="Feedback from your team",
        due_on=due_on or timezone.localdate(),
    )


def open_round(t: Team, today: dt.date | None = None) -> FeedbackRound:
    today = today or timezone.localdate()
    return services.round_open(milestone=upward_step(t.pairing, today), today=today)


def path_of(url: str) -> str:
    found = re.search(r"https?://[^/]+(/\S*)", url)
    assert found is not None, url
    return found.group(1)


def link_for(round_: FeedbackRound, person: Person) -> str:
    invite = FeedbackInvite.objects.get(round=round_, person=person)
    return path_of(links.upward_url(invite_id=invite.pk))


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def answer(
    round_: FeedbackRound,
    person: Person,
    score: int | None = 4,
    *,
    scores: dict[str, int | None] | None = None,
    keep: str = "",
    change: str = "",
) -> int:
    """Answer through the emailed link, as the report would; the status."""
    values = scores if scores is not None else dict.fromkeys(KEYS, score)
    data = {
        "token": token_of(link_for(round_, person)),
        "comment_keep": keep,
        "comment_change": change,
        **{key: ("na" if value is None else str(value)) for key, value in values.items()},
    }
    return Client().post("/feedback/answer/", data).status_code


def close(round_: FeedbackRound) -> FeedbackRound:
    return services.round_close(round_=round_)
