"""What a new manager's own team is asked, twice in the 90 days.

Ten statements about what a manager does, each answered 1–5 ("strongly
disagree" to "strongly agree") or "can't say". They follow what large studies
of effective managers keep finding: regular one-to-ones with real feedback,
coaching rather than doing the work, sharing context and a clear direction,
caring about people's growth and wellbeing, trusting people with their work,
and being someone people would want to work for again. The wording is
Scaffold's own; it describes behaviour a report can observe, never traits.

Keys are stored with each answer, so a key never changes meaning: rewording a
statement keeps its key, a new idea gets a new one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    key: str
    text: str


STATEMENTS: tuple[Statement, ...] = (
    Statement("one_to_ones", "We have regular one-to-ones that are worth my time."),
    Statement("feedback", "They give me specific feedback I can act on."),
    Statement("coaching", "When I am stuck they help me find a way forward rather than take over."),
    Statement("context", "They share the context and priorities I need to do my work well."),
    Statement("direction", "I know what our team is trying to achieve and why it matters."),
    Statement("growth", "They support my growth: skills, stretch work, where my career is going."),
    Statement("trust", "They trust me to decide how to do my work, without micromanaging."),
    Statement("care", "They care about how I am doing, not only about what I deliver."),
    Statement("fairness", "They treat everyone on the team fairly and listen to every voice."),
    Statement("recommend", "I would recommend them as a manager to a friend."),
)
KEYS = tuple(statement.key for statement in STATEMENTS)
BY_KEY = {statement.key: statement for statement in STATEMENTS}

SCALE = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither"),
    (4, "Agree"),
    (5, "Strongly agree"),
)

# The two free-text questions, both optional.
QUESTIONS: tuple[Statement, ...] = (
    Statement("keep", "What should they keep doing?"),
    Statement("change", "What one thing would make them a better manager for you?"),
)
QUESTION_KEYS = tuple(question.key for question in QUESTIONS)

# A pair may pick this many statements to work on until the next round.
MAX_FOCUS = 2
