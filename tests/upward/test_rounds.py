"""Upward feedback rounds: who is asked, answering once through the link,
the anonymity threshold, dead links, and what the pair does with results."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client, override_settings
from django.utils import timezone

from mentorship.pairings.models import MilestoneStatus, PairingStatus
from mentorship.pairings.services.milestones import milestone_skip
from mentorship.people.models import Person
from mentorship.upward import selectors, services
from mentorship.upward.models import (
    FeedbackComment,
    FeedbackInvite,
    FeedbackLinkUse,
    FeedbackResponse,
    FeedbackRound,
    FeedbackScore,
)
from mentorship.upward.statements import KEYS
from tests.factories import PersonFactory
from tests.upward.builders import answer, close, link_for, open_round, team, token_of, upward_step

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2027-05-12T10:00:00Z")]


def results(viewer: Person, round_: FeedbackRound) -> selectors.RoundResults:
    found = selectors.round_results(viewer, round_.pk)
    assert found is not None
    return found


def test_a_round_invites_each_active_direct_report_of_the_mentee() -> None:
    t = team(4)
    PersonFactory.create(manager=t.mentee, is_active=False)
    PersonFactory.create()  # someone else's report
    round_ = open_round(t)
    assert round_.is_open
    assert round_.number == 1
    assert round_.invited_count == 4
    assert set(FeedbackInvite.objects.filter(round=round_).values_list("person", flat=True)) == {
        p.pk for p in t.reports
    }
    assert round_.closes_on - round_.opened_on == dt.timedelta(days=9)
    # Asking the team was the step's work: it is done.
    step = FeedbackRound.objects.get(pk=round_.pk).milestone
    assert step is not None
    assert step.status == MilestoneStatus.DONE


def test_opening_twice_opens_one_round_and_numbers_follow() -> None:
    t = team(3)
    step = upward_step(t.pairing)
    first = services.round_open(milestone=step, today=timezone.localdate())
    assert services.round_open(milestone=step, today=timezone.localdate()) == first
    second = open_round(t)
    assert (first.number, second.number) == (1, 2)


def test_with_fewer_reports_than_the_threshold_nobody_is_asked() -> None:
    t = team(2)
    round_ = open_round(t)
    assert round_.closed_at is not None
    assert round_.invited_count == 2
    assert not FeedbackInvite.objects.filter(round=round_).exists()
    assert results(t.mentee, round_).status == "too_few_reports"


def test_the_step_opens_its_round_on_its_day_where_the_mentee_is(time_machine: Any) -> None:
    # 13:00 UTC on 12 May is already 13 May in Auckland, still 12 May in Hawaii.
    auckland, honolulu = team(3, zone="Pacific/Auckland"), team(3, zone="Pacific/Honolulu")
    may13 = dt.date(2027, 5, 13)
    upward_step(auckland.pairing, may13)
    upward_step(honolulu.pairing, may13)
    time_machine.move_to(dt.datetime(2027, 5, 12, 11, 59, tzinfo=dt.UTC), tick=False)
    assert services.rounds_open_due(now=timezone.now()) == []
    time_machine.move_to(dt.datetime(2027, 5, 12, 12, 1, tzinfo=dt.UTC), tick=False)
    opened = services.rounds_open_due(now=timezone.now())
    assert [r.pairing_id for r in opened] == [auckland.pairing.pk]
    assert opened[0].opened_on == may13
    time_machine.move_to(dt.datetime(2027, 5, 13, 10, 1, tzinfo=dt.UTC), tick=False)
    assert [r.pairing_id for r in services.rounds_open_due(now=timezone.now())] == [
        honolulu.pairing.pk
    ]


def test_no_round_for_a_step_already_done_or_a_pairing_not_active() -> None:
    t = team(3)
    milestone_skip(milestone=upward_step(t.pairing), by=t.mentee)
    paused = team(3)
    paused.pairing.status = PairingStatus.PAUSED
    paused.pairing.save()
    upward_step(paused.pairing)
    assert services.rounds_open_due(now=timezone.now()) == []


def test_two_answers_show_nothing_three_show_averages() -> None:
    t = team(5)
    round_ = open_round(t)
    assert answer(round_, t.reports[0], 2, keep="MARKER-KEEP-1") == 200
    assert answer(round_, t.reports[1], 4) == 200
    close(round_)
    shown = results(t.mentee, round_)
    assert (shown.status, shown.answered, shown.statements, shown.comments) == (
        "not_enough",
        2,
        [],
        [],
    )
    page = Client()
    page.force_login(t.mentee)
    html = page.get(f"/pairings/{t.pairing.pk}/upward-feedback/").content.decode()
    assert selectors.NOT_ENOUGH in html
    assert "MARKER-KEEP-1" not in html

    t2 = team(5)
    round2 = open_round(t2)
    for person, score in zip(t2.reports[:3], (2, 4, 5), strict=True):
        answer(round2, person, score, keep=f"keep from {score}")
    close(round2)
    shown = results(t2.mentee, round2)
    assert shown.status == "shown"
    assert shown.answered == 3
    assert {s.key: (s.mean, s.rated) for s in shown.statements} == dict.fromkeys(KEYS, (3.7, 3))
    assert sorted(shown.comments[0].answers) == ["keep from 2", "keep from 4", "keep from 5"]


def test_results_wait_for_the_round_to_close() -> None:
    t = team(3)
    round_ = open_round(t)
    for person in t.reports:
        answer(round_, person, 5, keep="too soon")
    shown = results(t.mentee, round_)
    assert shown.status == "open"
    assert shown.answered == 3
    assert shown.statements == []


def test_a_statement_too_few_rated_shows_no_figure() -> None:
    t = team(3)
    round_ = open_round(t)
    for i, person in enumerate(t.reports):
        scores: dict[str, int | None] = dict.fromkeys(KEYS, 3)
        scores["trust"] = None if i else 1  # two "can't say": one rating left
        answer(round_, person, scores=scores)
    close(round_)
    by_key = {s.key: s for s in results(t.mentee, round_).statements}
    assert by_key["trust"].mean is None
    assert by_key["trust"].rated == 1
    assert by_key["care"].mean == 3.0


def test_a_second_answer_through_the_same_link_is_refused_and_changes_nothing() -> None:
    t = team(3)
    round_ = open_round(t)
    assert answer(round_, t.reports[0], 5) == 200
    assert answer(round_, t.reports[0], 1) == 410
    assert FeedbackResponse.objects.filter(round=round_).count() == 1
    assert set(FeedbackScore.objects.values_list("score", flat=True)) == {5}
    opened = Client().get(link_for(round_, t.reports[0]))
    assert opened.status_code == 410
    assert "used already" in opened.content.decode()
    with pytest.raises(ValidationError, match="used already"):
        services.answer_record(
            invite=FeedbackInvite.objects.get(round=round_, person=t.reports[0]),
            scores=dict.fromkeys(KEYS, 3),
            comments={},
        )


def test_declining_uses_the_link_and_counts_as_declined() -> None:
    t = team(4)
    round_ = open_round(t)
    token = token_of(link_for(round_, t.reports[0]))
    declined = Client().post("/feedback/answer/", {"token": token, "decline": "1"})
    assert declined.status_code == 200
    assert "nobody is told" in declined.content.decode()
    assert answer(round_, t.reports[0], 4) == 410
    shown = results(t.mentee, round_)
    assert (shown.answered, shown.declined, shown.waiting) == (0, 1, 3)
    assert not FeedbackResponse.objects.exists()


def test_the_link_dies_when_the_round_closes(time_machine: Any) -> None:
    t = team(3)
    round_ = open_round(t)
    link = link_for(round_, t.reports[0])
    assert Client().get(link).status_code == 200
    # The round's last day ends at midnight where the mentee is (Berlin).
    time_machine.move_to(dt.datetime(2027, 5, 21, 21, 59, tzinfo=dt.UTC), tick=False)
    assert services.rounds_close_due(now=timezone.now()) == []
    assert Client().get(link).status_code == 200
    time_machine.move_to(dt.datetime(2027, 5, 21, 22, 1, tzinfo=dt.UTC), tick=False)
    # Past the last day the link is dead even before the sweep closes the round.
    assert Client().get(link).status_code == 410
    assert [r.pk for r in services.rounds_close_due(now=timezone.now())] == [round_.pk]
    refused = Client().get(link)
    assert refused.status_code == 410
    assert "has closed" in refused.content.decode()
    assert answer(round_, t.reports[0], 4) == 410
    assert not FeedbackResponse.objects.exists()
    assert not FeedbackLinkUse.objects.exists()


def test_a_pairing_ended_early_closes_its_round_at_once() -> None:
    t = team(3)
    round_ = open_round(t)
    t.pairing.status = PairingStatus.ENDED
    t.pairing.save()
    assert answer(round_, t.reports[0], 4) == 410
    assert [r.pk for r in services.rounds_close_due(now=timezone.now())] == [round_.pk]


def test_a_damaged_or_forged_link_says_so() -> None:
    t = team(3)
    round_ = open_round(t)
    good = link_for(round_, t.reports[0])
    assert Client().get(good[:-6] + "xxxxx/").status_code == 400
    assert Client().post("/feedback/answer/", {"token": "nonsense"}).status_code == 400
    assert not FeedbackLinkUse.objects.exists()


def test_bad_input_is_refused_with_reasons_and_keeps_the_link_usable() -> None:
    t = team(3)
    round_ = open_round(t)
    token = token_of(link_for(round_, t.reports[0]))
    empty = Client().post("/feedback/answer/", {"token": token})
    assert empty.status_code == 400
    assert "Rate at least one statement" in empty.content.decode()
    bad = Client().post(
        "/feedback/answer/", {"token": token, "care": "9", "comment_keep": "x" * 2001}
    )
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "Select a valid choice" in text
    assert "keep it to 2000 characters" in text
    assert not FeedbackLinkUse.objects.exists()
    assert answer(round_, t.reports[0], 4) == 200


def test_no_respondent_identity_is_reachable_from_an_answer_row() -> None:
    for model in (FeedbackResponse, FeedbackScore, FeedbackComment, FeedbackLinkUse):
        for f in model._meta.get_fields():
            if f.is_relation and f.many_to_one:
                assert f.related_model in (FeedbackRound, FeedbackResponse), (model, f.name)
            assert not isinstance(f, models.DateField | models.DateTimeField), (model, f.name)
        assert isinstance(model._meta.pk, models.UUIDField)
    t = team(3)
    round_ = open_round(t)
    for person in t.reports:
        answer(round_, person, 4)
    invites = list(FeedbackInvite.objects.filter(round=round_))
    digests = set(FeedbackLinkUse.objects.values_list("digest", flat=True))
    # The application (holding the key) can tell the links were used…
    assert {services.invite_digest(i.pk) for i in invites} == digests
    # …a reader of the database without the key cannot match them to anyone.
    with override_settings(SECRET_KEY="a database reader's guess" * 3):
        assert not {services.invite_digest(i.pk) for i in invites} & digests


def test_the_mentee_shares_a_round_and_the_pair_picks_focus() -> None:
    t = team(3)
    round_ = open_round(t)
    for person in t.reports:
        answer(round_, person, 3, change="MARKER-CHANGE")
    close(round_)
    mentor = t.pairing.mentor
    assert selectors.round_results(mentor, round_.pk) is None
    with pytest.raises(ValidationError):
        services.round_set_focus(round_=round_, by=mentor, keys=["trust"])
    services.round_share(round_=round_, by=t.mentee, shared=True)
    assert results(mentor, round_).status == "shown"
    services.round_set_focus(round_=round_, by=mentor, keys=["trust", "feedback"])
    assert FeedbackRound.objects.get(pk=round_.pk).focus == ["trust", "feedback"]
    with pytest.raises(ValidationError, match="at most 2"):
        services.round_set_focus(round_=round_, by=t.mentee, keys=["trust", "care", "growth"])
    with pytest.raises(ValidationError, match="Only the mentee"):
        services.round_share(round_=round_, by=mentor, shared=False)
    services.round_share(round_=round_, by=t.mentee, shared=False)
    assert selectors.round_results(mentor, round_.pk) is None


def test_focus_waits_for_results() -> None:
    t = team(3)
    round_ = open_round(t)
    with pytest.raises(ValidationError, match="enough answers"):
        services.round_set_focus(round_=round_, by=t.mentee, keys=["trust"])


def test_the_change_between_rounds_per_statement() -> None:
    t = team(3)
    first = open_round(t)
    for person in t.reports:
        answer(first, person, 2)
    close(first)
    second = open_round(t)
    for person, score in zip(t.reports, (4, 4, 3), strict=True):
        answer(second, person, score)
    close(second)
    shown = results(t.mentee, second)
    assert {s.change for s in shown.statements} == {1.7}
    assert {s.change for s in results(t.mentee, first).statements} == {None}


def test_erasing_a_report_drops_their_invitation_and_erasing_the_mentee_the_rounds() -> None:
    from mentorship.people.erasure import person_erase

    hr = PersonFactory.create(is_hr=True)
    t = team(3)
    round_ = open_round(t)
    for person in t.reports:
        answer(round_, person, 4, keep="kept")
    close(round_)
    done = person_erase(person=t.reports[0], by=hr, confirm_email=t.reports[0].email)
    assert done["upward_invitations"] == 1
    # The answers name nobody: they stay, and so do the results.
    assert results(t.mentee, round_).answered == 3
    t.pairing.status = PairingStatus.ENDED
    t.pairing.save()
    done = person_erase(person=t.mentee, by=hr, confirm_email=t.mentee.email)
    assert done["upward_rounds"] == 1
    assert not FeedbackRound.objects.exists()
    assert not FeedbackComment.objects.exists()
    assert not FeedbackScore.objects.exists()
