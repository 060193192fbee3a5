"""Reads of upward feedback, each scoped to the viewer.

A round's figures exist for the mentee (and their mentor, when shared) only
once it has closed with at least its threshold of answers; a statement too
few people rated (the others said "can't say") shows no figure even then.
HR and program admins read only averages over at least
``SCAFFOLD_MIN_AGGREGATE_GROUP`` managers' rounds, per statement and round
number; no filter narrows those groups.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean

from django.conf import settings
from django.db.models import Count, F, OuterRef, QuerySet, Sum
from django.db.models.functions import Coalesce

from mentorship import access
from mentorship.insights.selectors import programs_for_insights
from mentorship.pairings.models import Pairing
from mentorship.people.models import Person
from mentorship.programs.models import Program
from mentorship.upward.models import (
    FeedbackComment,
    FeedbackLinkUse,
    FeedbackResponse,
    FeedbackRound,
    FeedbackScore,
)
from mentorship.upward.statements import BY_KEY, QUESTIONS, STATEMENTS

NOT_ENOUGH = "Not enough answers to show without identifying anyone."
_shuffle = random.SystemRandom().shuffle


def one_decimal(value: float) -> float:
    """Rounded as people round (2.75 → 2.8, 3.25 → 3.3), not to even."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def rounds_visible_to(viewer: Person) -> QuerySet[FeedbackRound]:
    """Rounds whose results the viewer may read: their own as the mentee,
    those shared with them as the mentor."""
    return FeedbackRound.objects.filter(access.sees_upward_round_q(viewer)).select_related(
        "pairing__mentee", "pairing__mentor", "pairing__program"
    )


def _with_counts(rounds: QuerySet[FeedbackRound]) -> QuerySet[FeedbackRound]:
    return rounds.annotate(
        answered=Coalesce(
            FeedbackResponse.objects.filter(round=OuterRef("pk"))
            .values("round")
            .annotate(n=Count("pk"))
            .values("n"),
            0,
        ),
        used=Coalesce(
            FeedbackLinkUse.objects.filter(round=OuterRef("pk"))
            .values("round")
            .annotate(n=Count("pk"))
            .values("n"),
            0,
        ),
    )


@dataclass
class StatementResult:
    key: str
    text: str
    mean: float | None  # None: too few rated it
    rated: int
    change: float | None = None  # against the round before, when both show


@dataclass
class QuestionAnswers:
    question: str
    answers: list[str]  # in random order


@dataclass
class RoundResults:
    round: FeedbackRound
    answered: int
    declined: int
    shown: bool
    statements: list[StatementResult] = field(default_factory=list)
    comments: list[QuestionAnswers] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return max(0, self.round.invited_count - self.answered - self.declined)

    @property
    def status(self) -> str:
        round_ = self.round
        if round_.closed_at is None:
            return "open"
        if round_.invited_count < round_.min_answers:
            return "too_few_reports"
        return "shown" if self.shown else "not_enough"

    @property
    def focus_statements(self) -> list[StatementResult]:
        by_key = {s.key: s for s in self.statements}
        return [by_key[key] for key in self.round.focus if key in by_key]


def _means(round_ids: list[int]) -> dict[int, dict[str, tuple[float, int]]]:
    """Per round and statement: the mean rating and how many rated it."""
    rows = (
        FeedbackScore.objects.filter(response__round_id__in=round_ids, score__isnull=False)
        .values("response__round_id", "statement")
        .annotate(total=Count("pk"), sum=Sum("score"))
    )
    means: dict[int, dict[str, tuple[float, int]]] = defaultdict(dict)
    for row in rows:
        means[row["response__round_id"]][row["statement"]] = (
            row["sum"] / row["total"],
            row["total"],
        )
    return means


def results_for(rounds: QuerySet[FeedbackRound]) -> list[RoundResults]:
    """Each round with what may be shown of it, oldest first: three queries
    whatever the number of rounds (rounds with counts, ratings, comments)."""
    rows = list(_with_counts(rounds).order_by("pairing_id", "number"))
    shown_ids = [
        r.pk
        for r in rows
        if r.closed_at is not None and r.answered >= r.min_answers  # type: ignore[attr-defined]
    ]
    means = _means(shown_ids) if shown_ids else {}
    comments: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    if shown_ids:
        for comment in FeedbackComment.objects.filter(round_id__in=shown_ids).only(
            "round_id", "question", "text"
        ):
            comments[comment.round_id][comment.question].append(comment.text)
    results: list[RoundResults] = []
    previous: dict[int, RoundResults] = {}
    for round_ in rows:
        answered = round_.answered  # type: ignore[attr-defined]
        result = RoundResults(
            round=round_,
            answered=answered,
            declined=round_.used - answered,  # type: ignore[attr-defined]
            shown=round_.pk in shown_ids,
        )
        if result.shown:
            before = previous.get(round_.pairing_id)
            before_means = {s.key: s.mean for s in before.statements} if before else {}
            for statement in STATEMENTS:
                mean, rated = means[round_.pk].get(statement.key, (0.0, 0))
                shown_mean = one_decimal(mean) if rated >= round_.min_answers else None
                earlier = before_means.get(statement.key)
                result.statements.append(
                    StatementResult(
                        key=statement.key,
                        text=statement.text,
                        mean=shown_mean,
                        rated=rated,
                        change=one_decimal(shown_mean - earlier)
                        if shown_mean is not None and earlier is not None
                        else None,
                    )
                )
            for question in QUESTIONS:
                answers = list(comments[round_.pk][question.key])
                _shuffle(answers)
                result.comments.append(QuestionAnswers(question.text, answers))
            previous[round_.pairing_id] = result
        results.append(result)
    return results


def focus_for(viewer: Person, pairing: Pairing) -> list[str]:
    """The statements the pair chose to work on, from the latest round the
    viewer sees that has a focus: their wording, for the pairing page."""
    for focus in (
        rounds_visible_to(viewer)
        .filter(pairing=pairing)
        .order_by("-number")
        .values_list("focus", flat=True)
    ):
        if focus:
            return [BY_KEY[key].text for key in focus if key in BY_KEY]
    return []


def pairing_results(viewer: Person, pairing: Pairing) -> list[RoundResults]:
    return results_for(rounds_visible_to(viewer).filter(pairing=pairing))


def round_results(viewer: Person, round_id: int) -> RoundResults | None:
    """One round as the viewer may see it (its change needs the rounds
    before it, which the viewer sees when they see this one)."""
    round_ = rounds_visible_to(viewer).filter(pk=round_id).first()
    if round_ is None:
        return None
    earlier = rounds_visible_to(viewer).filter(
        pairing_id=round_.pairing_id, number__lte=round_.number
    )
    if round_.pairing.mentee_id != viewer.pk:
        # The mentor compares only with rounds shared with them too.
        earlier = earlier.filter(shared_with_mentor=True)
    return next(r for r in results_for(earlier) if r.round.pk == round_.pk)


# --------------------------------------------------------------------------
# For HR and program admins: averages over groups of managers


@dataclass
class CohortStatement:
    key: str
    text: str
    means: dict[int, float | None]  # round number → mean of managers' means


@dataclass
class CohortUpward:
    program: Program
    group: int
    # round number → managers in the figures (whole groups of ``group``)
    managers: dict[int, int]
    # round number → managers whose round showed results, waiting for a
    # whole group to be counted
    waiting: dict[int, int]
    statements: list[CohortStatement]
    rounds_held: int


ROUND_NUMBERS = (1, 2)


def cohort_upward(viewer: Person, program: Program) -> CohortUpward | None:
    """Per statement, for round 1 and round 2: the average over the
    program's managers of their own round's mean, taken in whole groups of
    the group threshold (the earliest closed first), so a figure needs at
    least that many and never moves by fewer. Each manager weighs the same
    however many reports they have; a manager's statement that too few
    rated is left out of that statement."""
    if not programs_for_insights(viewer).filter(pk=program.pk).exists():
        return None
    group = settings.SCAFFOLD_MIN_AGGREGATE_GROUP
    rounds = list(
        _with_counts(
            FeedbackRound.objects.filter(
                pairing__program=program, closed_at__isnull=False, number__in=ROUND_NUMBERS
            )
        ).filter(answered__gte=F("min_answers"))  # type: ignore[misc]
    )
    means = _means([r.pk for r in rounds]) if rounds else {}
    per_number: dict[int, list[FeedbackRound]] = defaultdict(list)
    # In the order they closed: a figure takes managers in whole groups, the
    # earliest first, so that it changes only when a whole new group joins
    # and two figures a viewer saw at different times never differ by one
    # manager's results.
    for round_ in sorted(rounds, key=lambda r: (r.closed_at, r.pk)):
        per_number[round_.number].append(round_)
    statements = []
    for statement in STATEMENTS:
        figures: dict[int, float | None] = {}
        for number in ROUND_NUMBERS:
            values = [
                means[r.pk][statement.key][0]
                for r in per_number[number]
                if means[r.pk].get(statement.key, (0, 0))[1] >= r.min_answers
            ]
            values = values[: len(values) // group * group]
            figures[number] = one_decimal(fmean(values)) if values else None
        statements.append(CohortStatement(statement.key, statement.text, figures))
    return CohortUpward(
        program=program,
        group=group,
        managers={number: len(per_number[number]) // group * group for number in ROUND_NUMBERS},
        waiting={number: len(per_number[number]) % group for number in ROUND_NUMBERS},
        statements=statements,
        rounds_held=FeedbackRound.objects.filter(
            pairing__program=program,
            closed_at__isnull=False,
            invited_count__gte=F("min_answers"),
        ).count(),
    )
