"""Upward feedback: what a new manager's own team says, in rounds.

A round belongs to one pairing (opened by a plan step, around day 45 and day
90). Each of the mentee's direct reports at that moment is invited once.

Anonymity is in the schema, not only in the pages: an answer
(``FeedbackResponse`` with its ``FeedbackScore`` rows) and a comment
(``FeedbackComment``) point at the round and nothing else — no person, no
invitation, no timestamp, and a random key rather than a counter, so neither
the order of the rows nor their ids says who answered first. A comment is not
tied to the answer it came with either.

What stops a second answer is ``FeedbackLinkUse``: a keyed digest of the
invitation (an HMAC under the site's secret key), written in the same
transaction as the answer. Without the secret key a digest names nobody, so
someone reading the database cannot tell even *who* answered, let alone
what; the application, which holds the key, can tell who has not answered
yet (for the one reminder), never what anyone said.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from mentorship.upward.statements import KEYS, QUESTION_KEYS


class FeedbackRound(models.Model):
    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    # The plan step that opened it; one round per step.
    milestone = models.OneToOneField(
        "pairings.Milestone",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_round",
    )
    # 1 for the pairing's first round, 2 for its second…
    number = models.PositiveSmallIntegerField()
    # Dates where the mentee is: answers are taken up to the end of closes_on.
    opened_on = models.DateField()
    closes_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    # How many reports were invited (kept: an invitation goes when its person
    # is erased) and how many answers the round needed to show anything.
    invited_count = models.PositiveSmallIntegerField(default=0)
    min_answers = models.PositiveSmallIntegerField()
    shared_with_mentor = models.BooleanField(default=False)
    # Statement keys the pair chose to work on until the next round.
    focus = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["pairing", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "number"], name="round_number_unique"),
            models.CheckConstraint(
                condition=models.Q(min_answers__gte=3), name="round_threshold_at_least_3"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opened_on")),
                name="round_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"Upward feedback round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class FeedbackInvite(models.Model):
    """One report asked in one round. It holds no state: whether they
    answered is a ``FeedbackLinkUse`` only the application can match to it."""

    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="invites")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="invite_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"Invitation to round {self.round_id}"


class FeedbackLinkUse(models.Model):
    """An invitation used, to answer or to decline (services.invite_digest)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="link_uses")
    digest = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return "A used link"


class FeedbackResponse(models.Model):
    """One answer sheet: the round, and nothing that says whose."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="responses")

    def __str__(self) -> str:
        return "An answer"


class FeedbackScore(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="scores")
    statement = models.CharField(max_length=24, choices=[(key, key) for key in KEYS])
    # 1–5; empty for "can't say".
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "statement"], name="score_once_per_answer"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="score_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return "A rating"


class FeedbackComment(models.Model):
    """A free-text answer, tied to its round and question only (not to the
    ratings it came with)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="comments")
    question = models.CharField(max_length=12, choices=[(key, key) for key in QUESTION_KEYS])
    text = models.TextField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="comment_not_empty"),
        ]

    def __str__(self) -> str:
        # Never the text: this string may show in the audit trail.
        return "A comment"
