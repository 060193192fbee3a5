"""The matching engine: who should mentor whom, and why.

Pure: no Django, no database. The caller (``pairings.services.matching_run``)
loads the people into the small frozen records below, and this module returns
proposals with a score between 0 and 1 and an explanation a person can read.

Hard rules (a pair breaking one is never proposed): not the same person;
neither is in the other's management chain; the mentor has a free slot; a
program admin has not already declined this pair.

Soft score: a weighted mean of four parts, each between 0 and 1 —

* **focus**: the share of the mentee's focus competencies in the mentor's
  expertise;
* **department**: 1 when the mentor is from another department (a mentor
  outside the reporting line's politics), 0 when from the same one, 0.5 when
  either is not known;
* **time zone**: 1 at the same UTC offset, falling linearly to 0 at
  ``TIME_ZONE_ZERO_AT_HOURS`` apart;
* **experience**: the mentor's years of managing, full marks from
  ``EXPERIENCE_FULL_AT_YEARS``.

A cohort is assigned as one optimal assignment over mentor capacity slots
(``scipy.optimize.linear_sum_assignment``): first as many mentees matched as
the hard rules and capacities allow, then the greatest total score among
those assignments. Scores are computed for all pairs at once with NumPy, and
sentences only for the pairs that are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

TIME_ZONE_ZERO_AT_HOURS = 8.0
EXPERIENCE_FULL_AT_YEARS = 8.0
PART_KEYS = ("focus", "department", "time_zone", "experience")


@dataclass(frozen=True)
class Weights:
    focus: float = 0.4
    department: float = 0.2
    time_zone: float = 0.2
    experience: float = 0.2

    def as_array(self) -> NDArray[np.float64]:
        values = np.array(
            [self.focus, self.department, self.time_zone, self.experience], dtype=np.float64
        )
        if (values < 0).any():
            raise ValueError("Matching weights cannot be negative.")
        return values


@dataclass(frozen=True)
class Mentee:
    id: int
    name: str
    focus: frozenset[int] = frozenset()
    department_id: int | None = None
    utc_offset_minutes: int = 0
    # Everyone above this person in the reporting line.
    managers: frozenset[int] = frozenset()
    # Mentors a program admin already declined for this mentee.
    declined: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Mentor:
    id: int
    name: str
    expertise: frozenset[int] = frozenset()
    department_id: int | None = None
    utc_offset_minutes: int = 0
    years_managing: float | None = None
    managers: frozenset[int] = frozenset()
    # Free slots in this program: capacity minus open pairings.
    slots: int = 1


@dataclass(frozen=True)
class Part:
    key: str
    value: float
    weight: float
    sentence: str

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "value": round(self.value, 3),
            "weight": self.weight,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class Proposal:
    mentee_id: int
    mentor_id: int
    score: float
    parts: tuple[Part, ...]

    @property
    def explanation(self) -> str:
        return " · ".join(part.sentence for part in self.parts if part.weight > 0)


@dataclass(frozen=True)
class Unmatched:
    mentee_id: int
    reason: str


@dataclass
class CohortResult:
    proposals: list[Proposal] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def total_score(self) -> float:
        return sum(proposal.score for proposal in self.proposals)


def blocking_rule(mentee: Mentee, mentor: Mentor) -> str | None:
    """The hard rule this pair breaks (capacity aside), in words, or None."""
    if mentee.id == mentor.id:
        return "is the same person"
    if mentor.id in mentee.managers:
        return f"{mentor.name} is in {mentee.name}'s management chain"
    if mentee.id in mentor.managers:
        return f"{mentee.name} is in {mentor.name}'s management chain"
    if mentor.id in mentee.declined:
        return f"{mentor.name} was declined for {mentee.name}"
    return None


# --------------------------------------------------------------------------
# Scoring


class _Matrices:
    """Every pair's parts and score, computed at once."""

    def __init__(
        self, mentees: Sequence[Mentee], mentors: Sequence[Mentor], weights: Weights
    ) -> None:
        self.weights = weights.as_array()
        weight_sum = float(self.weights.sum())
        competencies = sorted(
            {c for m in mentees for c in m.focus} | {c for m in mentors for c in m.expertise}
        )
        column = {competency: index for index, competency in enumerate(competencies)}
        focus = np.zeros((len(mentees), len(competencies)), dtype=np.float32)
        for row, mentee in enumerate(mentees):
            focus[row, [column[c] for c in mentee.focus]] = 1
        expertise = np.zeros((len(mentors), len(competencies)), dtype=np.float32)
        for row, mentor in enumerate(mentors):
            expertise[row, [column[c] for c in mentor.expertise]] = 1
        focus_count = focus.sum(axis=1, keepdims=True)
        shared = focus @ expertise.T
        focus_part = np.divide(
            shared, focus_count, out=np.zeros_like(shared), where=focus_count > 0
        )

        # Different department 1, same 0, not known (either side) 0.5.
        mentee_department = np.array([m.department_id or 0 for m in mentees])[:, None]
        mentor_department = np.array([m.department_id or 0 for m in mentors])[None, :]
        department_part = np.where(
            (mentee_department == 0) | (mentor_department == 0),
            0.5,
            (mentee_department != mentor_department).astype(np.float32),
        )

        mentee_offset = np.array([m.utc_offset_minutes for m in mentees])[:, None]
        mentor_offset = np.array([m.utc_offset_minutes for m in mentors])[None, :]
        apart = np.abs(mentee_offset - mentor_offset) % (24 * 60)
        apart_hours = np.minimum(apart, 24 * 60 - apart) / 60
        time_zone_part = np.clip(1 - apart_hours / TIME_ZONE_ZERO_AT_HOURS, 0, 1)

        years = np.array([m.years_managing or 0.0 for m in mentors], dtype=np.float32)
        experience_part = np.broadcast_to(
            np.clip(years / EXPERIENCE_FULL_AT_YEARS, 0, 1)[None, :], shared.shape
        )

        self.parts = np.stack(
            [focus_part, department_part, time_zone_part, experience_part], axis=-1
        ).astype(np.float64)
        if weight_sum > 0:
            self.scores = self.parts @ (self.weights / weight_sum)
        else:
            self.scores = np.zeros(shared.shape)

        self.feasible = np.ones(shared.shape, dtype=bool)
        mentor_index = {mentor.id: index for index, mentor in enumerate(mentors)}
        for row, mentee in enumerate(mentees):
            for blocked in (mentee.id, *mentee.managers, *mentee.declined):
                if (blocked_col := mentor_index.get(blocked)) is not None:
                    self.feasible[row, blocked_col] = False
        mentee_index = {mentee.id: index for index, mentee in enumerate(mentees)}
        for col, mentor in enumerate(mentors):
            for blocked in mentor.managers:
                if (blocked_row := mentee_index.get(blocked)) is not None:
                    self.feasible[blocked_row, col] = False


def _sentences(
    mentee: Mentee,
    mentor: Mentor,
    competency_names: Mapping[int, str],
) -> list[str]:
    shared = sorted(
        (competency_names.get(c, str(c)) for c in mentee.focus & mentor.expertise), key=str.lower
    )
    if not mentee.focus:
        focus = "No focus areas chosen"
    elif shared:
        focus = f"Shares {len(shared)} of {len(mentee.focus)} focus areas: {', '.join(shared)}"
    else:
        focus = f"Shares none of {len(mentee.focus)} focus areas"

    if mentee.department_id is None or mentor.department_id is None:
        department = "department not known"
    elif mentee.department_id == mentor.department_id:
        department = "same department"
    else:
        department = "different department"

    apart = abs(mentee.utc_offset_minutes - mentor.utc_offset_minutes) % (24 * 60)
    hours = min(apart, 24 * 60 - apart) / 60
    time_zone = "same time zone" if hours == 0 else f"{hours:g} h apart"

    if mentor.years_managing is None:
        experience = "management experience not known"
    else:
        years = int(mentor.years_managing)
        if years < 1:
            experience = "less than a year managing"
        else:
            experience = f"{years} year{'s' if years != 1 else ''} managing"
    return [focus, department, time_zone, experience]


def _proposal(
    matrices: _Matrices,
    row: int,
    col: int,
    *,
    mentee: Mentee,
    mentor: Mentor,
    competency_names: Mapping[int, str],
) -> Proposal:
    values = matrices.parts[row, col]
    sentences = _sentences(mentee, mentor, competency_names)
    parts = tuple(
        Part(key=key, value=float(values[i]), weight=float(matrices.weights[i]), sentence=text)
        for i, (key, text) in enumerate(zip(PART_KEYS, sentences, strict=True))
    )
    return Proposal(
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        score=round(float(matrices.scores[row, col]), 4),
        parts=parts,
    )


def score_pair(
    mentee: Mentee,
    mentor: Mentor,
    weights: Weights,
    competency_names: Mapping[int, str] | None = None,
) -> Proposal:
    matrices = _Matrices([mentee], [mentor], weights)
    return _proposal(
        matrices, 0, 0, mentee=mentee, mentor=mentor, competency_names=competency_names or {}
    )


def rank_mentors(
    mentee: Mentee,
    mentors: Sequence[Mentor],
    weights: Weights,
    competency_names: Mapping[int, str] | None = None,
    *,
    limit: int | None = None,
) -> list[Proposal]:
    """The feasible mentors with a free slot for one mentee, best first
    (ties broken by mentor id, so the order is stable)."""
    candidates = [mentor for mentor in mentors if mentor.slots > 0]
    if not candidates:
        return []
    matrices = _Matrices([mentee], candidates, weights)
    order = sorted(
        (col for col in range(len(candidates)) if matrices.feasible[0, col]),
        key=lambda col: (-matrices.scores[0, col], candidates[col].id),
    )
    if limit is not None:
        order = order[:limit]
    return [
        _proposal(
            matrices,
            0,
            col,
            mentee=mentee,
            mentor=candidates[col],
            competency_names=competency_names or {},
        )
        for col in order
    ]


# --------------------------------------------------------------------------
# Whole-cohort assignment


def _unmatched_reason(
    row: int, mentee: Mentee, mentors: Sequence[Mentor], matrices: _Matrices
) -> str:
    if not mentors:
        return "No mentors are enrolled in this program."
    feasible = [col for col in range(len(mentors)) if matrices.feasible[row, col]]
    with_room = [col for col in feasible if mentors[col].slots > 0]
    if not feasible:
        reasons = sorted(
            {blocking_rule(mentee, mentor) or "" for mentor in mentors} - {""},
        )
        return "No mentor is allowed: " + "; ".join(reasons) + "."
    if not with_room:
        if len(feasible) == 1:
            return "The one allowed mentor is at capacity."
        return f"All {len(feasible)} allowed mentors are at capacity."
    return (
        f"The {len(with_room)} allowed mentor{_s(len(with_room))} with room went to other mentees "
        "who had no other option or a better fit; add a mentor or raise a capacity."
    )


def assign_cohort(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    weights: Weights,
    competency_names: Mapping[int, str] | None = None,
) -> CohortResult:
    """One optimal assignment for the whole cohort.

    Each mentor appears once per free slot (never more slots than mentees,
    which changes nothing and keeps the matrix small). Matching a feasible
    pair is worth ``len(mentees) + 1`` plus its score, so the solver first
    matches as many mentees as possible and then, among those assignments,
    maximises the total score.
    """
    names = competency_names or {}
    result = CohortResult()
    if not mentees:
        return result
    matrices = _Matrices(mentees, mentors, weights)
    slots_per_mentor = np.array(
        [max(0, min(mentor.slots, len(mentees))) for mentor in mentors], dtype=np.int64
    )
    slot_owner = np.repeat(np.arange(len(mentors)), slots_per_mentor)
    matched_rows: set[int] = set()
    if slot_owner.size:
        bonus = float(len(mentees) + 1)
        value = np.where(
            matrices.feasible[:, slot_owner], matrices.scores[:, slot_owner] + bonus, 0.0
        )
        rows, slots = linear_sum_assignment(value, maximize=True)
        for row, slot in zip(rows.tolist(), slots.tolist(), strict=True):
            col = int(slot_owner[slot])
            if not matrices.feasible[row, col]:
                continue
            matched_rows.add(row)
            result.proposals.append(
                _proposal(
                    matrices,
                    row,
                    col,
                    mentee=mentees[row],
                    mentor=mentors[col],
                    competency_names=names,
                )
            )
    for row, mentee in enumerate(mentees):
        if row not in matched_rows:
            result.unmatched.append(
                Unmatched(mentee.id, _unmatched_reason(row, mentee, mentors, matrices))
            )
    result.proposals.sort(key=lambda proposal: proposal.mentee_id)
    return result


def assign_greedy(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    weights: Weights,
    competency_names: Mapping[int, str] | None = None,
) -> CohortResult:
    """Best pair first until nothing fits: the baseline ``assign_cohort`` is
    measured against (never used to make proposals)."""
    names = competency_names or {}
    result = CohortResult()
    if not mentees or not mentors:
        result.unmatched = [Unmatched(m.id, "No mentors.") for m in mentees]
        return result
    matrices = _Matrices(mentees, mentors, weights)
    left = [mentor.slots for mentor in mentors]
    order = np.argsort(-matrices.scores, axis=None, kind="stable")
    taken: set[int] = set()
    for flat in order.tolist():
        row, col = divmod(flat, len(mentors))
        if row in taken or left[col] <= 0 or not matrices.feasible[row, col]:
            continue
        taken.add(row)
        left[col] -= 1
        result.proposals.append(
            _proposal(
                matrices, row, col, mentee=mentees[row], mentor=mentors[col], competency_names=names
            )
        )
    result.unmatched = [
        Unmatched(mentee.id, "Greedy left this mentee out.")
        for row, mentee in enumerate(mentees)
        if row not in taken
    ]
    return result


def _s(count: int) -> str:
    return "" if count == 1 else "s"
