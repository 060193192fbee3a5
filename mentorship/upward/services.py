"""Upward feedback rounds: opened by a plan step, answered through one-click
links, closed after ``SCAFFOLD_UPWARD_ROUND_DAYS``.

Nothing here records who answered what (models.py says how the schema keeps
it so); nothing here writes an answer to the audit trail either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mentorship.audit.services import audit_record
from mentorship.core.text_limits import text_too_long
from mentorship.core.timezones import local_today
from mentorship.pairings.models import Milestone, MilestoneStatus, Pairing, PairingStatus
from mentorship.pairings.services.milestones import milestone_complete
from mentorship.people.models import Person
from mentorship.plans.models import StepKind
from mentorship.upward.models import (
    FeedbackComment,
    FeedbackInvite,
    FeedbackLinkUse,
    FeedbackResponse,
    FeedbackRound,
    FeedbackScore,
)
from mentorship.upward.statements import BY_KEY, KEYS, MAX_FOCUS, QUESTION_KEYS, QUESTIONS

COMMENT_MAX_LENGTH = 2000
_DIGEST_SALT = "scaffold.upward.invite-used"


def min_answers() -> int:
    """The anonymity threshold: never below 3, whatever the setting says."""
    return max(3, settings.SCAFFOLD_UPWARD_MIN_ANSWERS)


def invite_digest(invite_id: int) -> str:
    """What marks an invitation as used: keyed with the site's secret, so the
    database alone cannot say whose it is."""
    return salted_hmac(_DIGEST_SALT, str(invite_id), algorithm="sha256").hexdigest()


def invite_used(invite: FeedbackInvite) -> bool:
    return FeedbackLinkUse.objects.filter(digest=invite_digest(invite.pk)).exists()


def round_shows_results(round_: FeedbackRound) -> bool:
    """Closed (so no answer can arrive later and be read off the change) with
    at least the threshold of answers."""
    return (
        round_.closed_at is not None
        and FeedbackResponse.objects.filter(round=round_).count() >= round_.min_answers
    )


def round_takes_answers(round_: FeedbackRound, *, now: dt.datetime | None = None) -> bool:
    """Open, and not past its last day where the mentee is (nor its pairing
    ended early)."""
    if round_.closed_at is not None or round_.pairing.status == PairingStatus.ENDED:
        return False
    today = local_today(now or timezone.now(), round_.pairing.mentee.time_zone)
    return today <= round_.closes_on


# --------------------------------------------------------------------------
# Opening and closing


def round_open(
    *, milestone: Milestone, today: dt.date, now: dt.datetime | None = None
) -> FeedbackRound:
    """Open the round of an upward feedback step, inviting each of the
    mentee's direct reports as they are today, and mark the step done (its
    work, asking the team, is; the results follow when the round closes).
    With fewer reports than the threshold nobody is asked (no result could
    ever be shown): the round is kept, closed, so the mentee sees why."""
    now = now or timezone.now()
    with transaction.atomic():
        pairing = (
            Pairing.objects.select_for_update()
            .select_related("mentee")
            .get(pk=milestone.pairing_id)
        )
        existing = FeedbackRound.objects.filter(milestone=milestone).first()
        if existing is not None:
            return existing
        reports = list(
            Person.objects.filter(manager=pairing.mentee, is_active=True)
            .exclude(pk__in=(pairing.mentor_id, pairing.mentee_id))
            .values_list("pk", flat=True)
        )
        threshold = min_answers()
        last = FeedbackRound.objects.filter(pairing=pairing).aggregate(n=Max("number"))["n"]
        round_ = FeedbackRound.objects.create(
            pairing=pairing,
            milestone=milestone,
            number=(last or 0) + 1,
            opened_on=today,
            closes_on=today + dt.timedelta(days=settings.SCAFFOLD_UPWARD_ROUND_DAYS - 1),
            invited_count=len(reports),
            min_answers=threshold,
            closed_at=now if len(reports) < threshold else None,
        )
        if round_.closed_at is None:
            FeedbackInvite.objects.bulk_create(
                FeedbackInvite(round=round_, person_id=person_id) for person_id in reports
            )
        if Milestone.objects.filter(pk=milestone.pk, status=MilestoneStatus.OPEN).exists():
            milestone_complete(milestone=milestone, by=None, when=now)
        audit_record(
            actor=None,
            action="upward.round_opened",
            target=round_,
            program=pairing.program,
            data={"pairing": pairing.pk, "invited": len(reports), "asked": round_.is_open},
        )
    return round_


def rounds_open_due(*, now: dt.datetime) -> list[FeedbackRound]:
    """Every upward feedback step whose day has come where the mentee is,
    on an active pairing, without a round yet."""
    utc_today = now.astimezone(dt.UTC).date()
    steps = Milestone.objects.filter(
        kind=StepKind.UPWARD,
        status=MilestoneStatus.OPEN,
        pairing__status=PairingStatus.ACTIVE,
        feedback_round__isnull=True,
        # Earliest zone is 14 hours ahead of UTC: a day's margin either side.
        due_on__lte=utc_today + dt.timedelta(days=1),
    ).select_related("pairing__mentee")
    opened = []
    for step in steps:
        today = local_today(now, step.pairing.mentee.time_zone)
        if step.due_on <= today:
            opened.append(round_open(milestone=step, today=today))
    return opened


def round_close(*, round_: FeedbackRound, now: dt.datetime | None = None) -> FeedbackRound:
    """Stop taking answers: every link dies, and the results show if enough
    people answered."""
    with transaction.atomic():
        locked = FeedbackRound.objects.select_for_update().get(pk=round_.pk)
        if locked.closed_at is not None:
            return locked
        locked.closed_at = now or timezone.now()
        locked.save(update_fields=["closed_at"])
        audit_record(
            actor=None,
            action="upward.round_closed",
            target=locked,
            program=round_.pairing.program,
            data={"pairing": locked.pairing_id},
        )
    return locked


def rounds_close_due(*, now: dt.datetime) -> list[FeedbackRound]:
    """Close the rounds past their last day where the mentee is, and those
    of pairings ended early (their links die at once; a pairing
    that completes lets its round finish)."""
    utc_today = now.astimezone(dt.UTC).date()
    rounds = FeedbackRound.objects.filter(closed_at__isnull=True).select_related(
        "pairing__mentee", "pairing__program"
    )
    closed = []
    for round_ in rounds.filter(closes_on__lt=utc_today + dt.timedelta(days=1)) | rounds.filter(
        pairing__status=PairingStatus.ENDED
    ):
        ended = round_.pairing.status == PairingStatus.ENDED
        if ended or local_today(now, round_.pairing.mentee.time_zone) > round_.closes_on:
            closed.append(round_close(round_=round_, now=now))
    return closed


# --------------------------------------------------------------------------
# Answering


def _check_answer(
    scores: Mapping[str, int | None], comments: Mapping[str, str]
) -> tuple[dict[str, int | None], dict[str, str]]:
    errors: dict[str, str] = {}
    unknown = sorted(set(scores) - set(KEYS))
    if unknown:
        errors["scores"] = f"Not a statement of this survey: {', '.join(unknown)}."
    clean_scores: dict[str, int | None] = {}
    for key in KEYS:
        value = scores.get(key)
        if value is not None and not (isinstance(value, int) and 1 <= value <= 5):
            errors[key] = "Pick 1 to 5, or “can't say”."
        clean_scores[key] = value
    unknown_questions = sorted(set(comments) - set(QUESTION_KEYS))
    if unknown_questions:
        errors["comments"] = f"Not a question of this survey: {', '.join(unknown_questions)}."
    clean_comments: dict[str, str] = {}
    for question in QUESTIONS:
        text = (comments.get(question.key) or "").strip()
        if too_long := text_too_long("This answer", text, COMMENT_MAX_LENGTH):
            errors[question.key] = too_long
        elif text:
            clean_comments[question.key] = text
    if not errors and all(value is None for value in clean_scores.values()) and not clean_comments:
        errors["scores"] = (
            "Rate at least one statement or write an answer; or decline instead, which is fine too."
        )
    if errors:
        raise ValidationError(errors)
    return clean_scores, clean_comments


def _use_invite(invite: FeedbackInvite, *, now: dt.datetime | None) -> FeedbackRound:
    """Mark the invitation used, or say why it cannot be (within the
    caller's transaction)."""
    round_ = (
        FeedbackRound.objects.select_for_update()
        .select_related("pairing__mentee")
        .get(pk=invite.round_id)
    )
    if not round_takes_answers(round_, now=now):
        raise ValidationError(
            {"round": "This round of feedback has closed; answers are no longer taken."}
        )
    try:
        with transaction.atomic():
            FeedbackLinkUse.objects.create(round=round_, digest=invite_digest(invite.pk))
    except IntegrityError:
        raise ValidationError(
            {"round": "This link has been used already: each person answers once per round."}
        ) from None
    return round_


def answer_record(
    *,
    invite: FeedbackInvite,
    scores: Mapping[str, int | None],
    comments: Mapping[str, str],
    now: dt.datetime | None = None,
) -> None:
    """One report's answer, kept apart from them: ratings on an answer sheet
    that names nobody, each comment on its own. All or nothing."""
    clean_scores, clean_comments = _check_answer(scores, comments)
    with transaction.atomic():
        round_ = _use_invite(invite, now=now)
        response = FeedbackResponse.objects.create(round=round_)
        FeedbackScore.objects.bulk_create(
            FeedbackScore(response=response, statement=key, score=value)
            for key, value in clean_scores.items()
        )
        FeedbackComment.objects.bulk_create(
            FeedbackComment(round=round_, question=key, text=text)
            for key, text in clean_comments.items()
        )


def invite_decline(*, invite: FeedbackInvite, now: dt.datetime | None = None) -> None:
    """A report would rather not answer: the link is used up, nothing else."""
    with transaction.atomic():
        _use_invite(invite, now=now)


# --------------------------------------------------------------------------
# What the pair does with the results


def _locked(round_: FeedbackRound) -> FeedbackRound:
    return (
        FeedbackRound.objects.select_for_update()
        .select_related("pairing__program")
        .get(pk=round_.pk)
    )


def round_share(*, round_: FeedbackRound, by: Person, shared: bool) -> FeedbackRound:
    with transaction.atomic():
        locked = _locked(round_)
        if by.pk != locked.pairing.mentee_id:
            raise ValidationError({"shared_with_mentor": "Only the mentee shares their results."})
        locked.shared_with_mentor = shared
        locked.save(update_fields=["shared_with_mentor"])
        audit_record(
            actor=by,
            action="upward.round_shared" if shared else "upward.round_unshared",
            target=locked,
            program=locked.pairing.program,
            data={"pairing": locked.pairing_id},
        )
    return locked


def round_set_focus(*, round_: FeedbackRound, by: Person, keys: list[str]) -> FeedbackRound:
    """The pair picks one or two statements to work on until the next round
    (the mentee always; the mentor once the results are shared with them)."""
    chosen = list(dict.fromkeys(keys))
    unknown = [key for key in chosen if key not in BY_KEY]
    if unknown:
        raise ValidationError({"focus": f"Not a statement of this survey: {', '.join(unknown)}."})
    if len(chosen) > MAX_FOCUS:
        raise ValidationError({"focus": f"Pick at most {MAX_FOCUS} statements to focus on."})
    with transaction.atomic():
        locked = _locked(round_)
        pairing = locked.pairing
        mentor_may = by.pk == pairing.mentor_id and locked.shared_with_mentor
        if by.pk != pairing.mentee_id and not mentor_may:
            raise ValidationError(
                {
                    "focus": "Only the mentee, or their mentor once the results are shared, "
                    "picks focus."
                }
            )
        if chosen and not round_shows_results(locked):
            raise ValidationError(
                {"focus": "Pick a focus once the round has closed with enough answers to show."}
            )
        locked.focus = chosen
        locked.save(update_fields=["focus"])
        # How many, not which: the statements chosen hint at the results.
        audit_record(
            actor=by,
            action="upward.focus_set",
            target=locked,
            program=pairing.program,
            data={"pairing": pairing.pk, "statements": len(chosen)},
        )
    return locked


def sweep(*, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "opened": len(rounds_open_due(now=now)),
        "closed": len(rounds_close_due(now=now)),
    }
