"""The pure matching engine: scores, explanations, hard rules, and the
cohort assignment against greedy and against brute force."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.pairings.matching import (
    CohortResult,
    Mentee,
    Mentor,
    Weights,
    assign_cohort,
    assign_greedy,
    blocking_rule,
    rank_mentors,
    score_pair,
)

NAMES = {1: "Coaching", 2: "Conflict resolution", 3: "Org design", 4: "Hiring"}


def test_explanation_reads_as_sentences() -> None:
    mentee = Mentee(1, "Sam", focus=frozenset({1, 2, 3, 4}), department_id=10)
    mentor = Mentor(
        2,
        "Maya",
        expertise=frozenset({1, 2, 3}),
        department_id=11,
        utc_offset_minutes=120,
        years_managing=6.4,
    )
    proposal = score_pair(mentee, mentor, Weights(), NAMES)
    assert proposal.explanation == (
        "Shares 3 of 4 focus areas: Coaching, Conflict resolution, Org design"
        " · different department · 2 h apart · 6 years managing"
    )
    # 0.4·0.75 + 0.2·1 + 0.2·(1 − 2/8) + 0.2·(6.4/8)
    assert proposal.score == pytest.approx(0.3 + 0.2 + 0.15 + 0.16, abs=1e-4)
    assert [part.key for part in proposal.parts] == [
        "focus",
        "department",
        "time_zone",
        "experience",
    ]


def test_unknowns_are_said_and_scored_in_the_middle() -> None:
    mentee = Mentee(1, "Sam")
    mentor = Mentor(2, "Maya", utc_offset_minutes=-10 * 60)
    proposal = score_pair(mentee, mentor, Weights(), NAMES)
    assert proposal.explanation == (
        "No focus areas chosen · department not known · 10 h apart"
        " · management experience not known"
    )
    assert proposal.parts[1].value == 0.5
    assert proposal.parts[2].value == 0.0


def test_time_zones_wrap_around_the_date_line() -> None:
    mentee = Mentee(1, "Sam", utc_offset_minutes=13 * 60)  # Auckland in summer
    mentor = Mentor(2, "Maya", utc_offset_minutes=-10 * 60)  # Honolulu
    assert "1 h apart" in score_pair(mentee, mentor, Weights()).explanation


def test_weights_change_the_score_and_zero_weight_parts_are_not_explained() -> None:
    mentee = Mentee(1, "Sam", focus=frozenset({1}), department_id=10)
    mentor = Mentor(2, "Maya", expertise=frozenset({1}), department_id=10)
    only_focus = Weights(focus=1, department=0, time_zone=0, experience=0)
    proposal = score_pair(mentee, mentor, only_focus, NAMES)
    assert proposal.score == 1.0
    assert proposal.explanation == "Shares 1 of 1 focus areas: Coaching"
    with pytest.raises(ValueError, match="negative"):
        score_pair(mentee, mentor, Weights(focus=-1))


def test_hard_rules() -> None:
    boss = Mentor(9, "Boss")
    assert blocking_rule(Mentee(9, "Boss"), boss) == "is the same person"
    assert "management chain" in (
        blocking_rule(Mentee(1, "Sam", managers=frozenset({9})), boss) or ""
    )
    report = Mentor(3, "Report", managers=frozenset({1}))
    assert blocking_rule(Mentee(1, "Sam"), report) == "Sam is in Report's management chain"
    assert blocking_rule(Mentee(1, "Sam"), Mentor(4, "Other")) is None


def test_cohort_prefers_the_assignment_greedy_misses() -> None:
    # Greedy gives A the best mentor X (0.9) and leaves B with Y (0.1):
    # total 1.0. Optimal gives A→Y and B→X: total 1.4.
    focus_a = frozenset({1, 2})
    mentees = [Mentee(1, "A", focus=focus_a), Mentee(2, "B", focus=frozenset({1}))]
    mentors = [
        Mentor(10, "X", expertise=frozenset({1, 2})),
        Mentor(11, "Y", expertise=frozenset({2})),
    ]
    weights = Weights(focus=1, department=0, time_zone=0, experience=0)
    optimal = assign_cohort(mentees, mentors, weights)
    greedy = assign_greedy(mentees, mentors, weights)
    assert {(p.mentee_id, p.mentor_id) for p in optimal.proposals} == {(1, 11), (2, 10)}
    assert optimal.total_score == pytest.approx(1.5)
    assert greedy.total_score == pytest.approx(1.0)


def test_cohort_matches_the_most_people_before_the_best_scores() -> None:
    # X is the better mentor for both, but only A can take Y (B's manager is Y).
    mentees = [
        Mentee(1, "A", focus=frozenset({1})),
        Mentee(2, "B", focus=frozenset({1}), managers=frozenset({11})),
    ]
    mentors = [Mentor(10, "X", expertise=frozenset({1})), Mentor(11, "Y")]
    result = assign_cohort(mentees, mentors, Weights())
    assert {(p.mentee_id, p.mentor_id) for p in result.proposals} == {(1, 11), (2, 10)}
    assert result.unmatched == []


def test_unmatched_mentees_carry_their_reason() -> None:
    mentees = [
        Mentee(1, "Sam", managers=frozenset({10})),
        Mentee(2, "Kim"),
        Mentee(3, "Lee"),
    ]
    mentors = [Mentor(10, "Maya", slots=1)]
    result = assign_cohort(mentees, mentors, Weights())
    reasons = {u.mentee_id: u.reason for u in result.unmatched}
    assert reasons[1] == "No mentor is allowed: Maya is in Sam's management chain."
    assert len(result.proposals) == 1
    (left_out,) = set(reasons) - {1}
    assert "went to other mentees" in reasons[left_out]

    full = assign_cohort([Mentee(2, "Kim")], [Mentor(10, "Maya", slots=0)], Weights())
    assert full.unmatched[0].reason == "The one allowed mentor is at capacity."
    nobody = assign_cohort([Mentee(2, "Kim")], [], Weights())
    assert nobody.unmatched[0].reason == "No mentors are enrolled in this program."


def test_rank_mentors_lists_the_feasible_ones_with_room_best_first() -> None:
    mentee = Mentee(1, "Sam", focus=frozenset({1, 2}), managers=frozenset({12}))
    mentors = [
        Mentor(10, "Half", expertise=frozenset({1})),
        Mentor(11, "Full match", expertise=frozenset({1, 2})),
        Mentor(12, "Manager", expertise=frozenset({1, 2})),
        Mentor(13, "No room", expertise=frozenset({1, 2}), slots=0),
        Mentor(14, "Nothing shared"),
    ]
    ranked = rank_mentors(mentee, mentors, Weights(), NAMES, limit=3)
    assert [p.mentor_id for p in ranked] == [11, 10, 14]


# --------------------------------------------------------------------------
# Properties over random cohorts


@st.composite
def cohorts(draw: st.DrawFn, max_mentees: int = 8, max_mentors: int = 5) -> tuple:
    n_mentees = draw(st.integers(1, max_mentees))
    n_mentors = draw(st.integers(0, max_mentors))
    mentee_ids = list(range(1, n_mentees + 1))
    mentor_ids = list(range(100, 100 + n_mentors))
    # Some people are both a mentee and a mentor (the same id): never paired.
    if n_mentors and draw(st.booleans()):
        mentor_ids[0] = mentee_ids[0]
    competencies = st.frozensets(st.integers(1, 5), max_size=4)
    mentees = [
        Mentee(
            i,
            f"mentee {i}",
            focus=draw(competencies),
            department_id=draw(st.sampled_from([None, 1, 2])),
            utc_offset_minutes=draw(st.sampled_from([-300, 0, 60, 330, 780])),
            managers=draw(st.frozensets(st.sampled_from(mentor_ids), max_size=2))
            if mentor_ids
            else frozenset(),
        )
        for i in mentee_ids
    ]
    mentors = [
        Mentor(
            i,
            f"mentor {i}",
            expertise=draw(competencies),
            department_id=draw(st.sampled_from([None, 1, 2])),
            utc_offset_minutes=draw(st.sampled_from([-300, 0, 60, 330])),
            years_managing=draw(st.one_of(st.none(), st.floats(0, 20))),
            managers=draw(st.frozensets(st.sampled_from(mentee_ids), max_size=1)),
            slots=draw(st.integers(0, 3)),
        )
        for i in mentor_ids
    ]
    return mentees, mentors


def _check_valid(result: CohortResult, mentees: list[Mentee], mentors: list[Mentor]) -> None:
    by_id = {m.id: m for m in mentors}
    mentee_by_id = {m.id: m for m in mentees}
    used = {mentor.id: 0 for mentor in mentors}
    matched = [p.mentee_id for p in result.proposals]
    assert len(matched) == len(set(matched)), "a mentee was matched twice"
    for proposal in result.proposals:
        assert blocking_rule(mentee_by_id[proposal.mentee_id], by_id[proposal.mentor_id]) is None
        used[proposal.mentor_id] += 1
        assert 0 <= proposal.score <= 1
    for mentor in mentors:
        assert used[mentor.id] <= mentor.slots, "capacity exceeded"
    assert {u.mentee_id for u in result.unmatched} | set(matched) == set(mentee_by_id)


@settings(max_examples=150, deadline=None)
@given(cohorts())
def test_optimal_is_valid_and_never_worse_than_greedy(cohort: tuple) -> None:
    mentees, mentors = cohort
    weights = Weights()
    optimal = assign_cohort(mentees, mentors, weights)
    greedy = assign_greedy(mentees, mentors, weights)
    _check_valid(optimal, mentees, mentors)
    _check_valid(greedy, mentees, mentors)
    assert len(optimal.proposals) >= len(greedy.proposals)
    if len(optimal.proposals) == len(greedy.proposals):
        assert optimal.total_score >= greedy.total_score - 1e-9


@settings(max_examples=150, deadline=None)
@given(cohorts())
def test_nobody_is_left_out_while_an_allowed_mentor_has_room(cohort: tuple) -> None:
    mentees, mentors = cohort
    result = assign_cohort(mentees, mentors, Weights())
    used = {mentor.id: 0 for mentor in mentors}
    for proposal in result.proposals:
        used[proposal.mentor_id] += 1
    for unmatched in result.unmatched:
        mentee = next(m for m in mentees if m.id == unmatched.mentee_id)
        for mentor in mentors:
            if blocking_rule(mentee, mentor) is None:
                assert used[mentor.id] >= mentor.slots, unmatched.reason


def _brute_force_best(mentees: list[Mentee], mentors: list[Mentor]) -> tuple[int, float]:
    """The best (matched count, total score) by trying every assignment."""
    slots = [mentor for mentor in mentors for _ in range(mentor.slots)]
    choices = [None, *range(len(slots))]
    scores = {
        (mentee.id, mentor.id): score_pair(mentee, mentor, Weights()).score
        for mentee in mentees
        for mentor in mentors
    }
    best = (0, 0.0)
    for picks in itertools.product(choices, repeat=len(mentees)):
        chosen = [p for p in picks if p is not None]
        if len(chosen) != len(set(chosen)):
            continue
        count, total = 0, 0.0
        for mentee, pick in zip(mentees, picks, strict=True):
            if pick is None:
                continue
            if blocking_rule(mentee, slots[pick]) is not None:
                break
            count += 1
            total += scores[mentee.id, slots[pick].id]
        else:
            best = max(best, (count, round(total, 6)))
    return best


@settings(max_examples=60, deadline=None)
@given(cohorts(max_mentees=4, max_mentors=3))
def test_optimal_equals_brute_force_on_small_cohorts(cohort: tuple) -> None:
    mentees, mentors = cohort
    result = assign_cohort(mentees, mentors, Weights())
    count, total = _brute_force_best(mentees, mentors)
    assert len(result.proposals) == count
    assert result.total_score == pytest.approx(total, abs=1e-3)
