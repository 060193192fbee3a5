"""The plan Scaffold starts with: "New manager: the first 90 days".

A starting point HR can duplicate and adapt. Steps move from the first
conversations (day 0) through the work that changes most when output becomes
the team's (delegation, feedback, the first difficult conversation) to the
organisation around the team, with a confidence self-assessment at day 0,
30, 60 and 90 and two rounds of anonymous feedback from the mentee's own
reports (day 40 and day 78, so each closes with results before day 50 and
day 90), and an agreement with the mentee's own manager (day 10) reviewed
at day 84.
"""

from __future__ import annotations

from django.db import transaction

from mentorship.people.models import Competency, Person
from mentorship.plans.models import OnboardingPlan, StepAnchor, StepKind, StepOwner
from mentorship.plans.services import StepSpec, plan_create

NAME = "New manager: the first 90 days"
DESCRIPTION = (
    "A 90-day arc for someone who has just moved from individual contributor to manager: "
    "first conversations, handing off your own work, feedback and delegation, a first "
    "difficult conversation, and a look at the organisation around your team. Confidence "
    "self-assessments at day 0, 30, 60 and 90."
)

# (title, guidance, competency slug, owner, kind, offset days, anchor)
STEPS: list[tuple[str, str, str | None, str, str, int, str]] = [
    (
        "Kickoff with your mentor",
        "Meet for an hour. Agree how you will work together: how often, which channel, what "
        "stays between you. Share what worries you most about the new role, and what you hope "
        "to be good at in 90 days.",
        "coaching-and-feedback",
        StepOwner.BOTH,
        StepKind.KICKOFF,
        0,
        StepAnchor.PAIRING_START,
    ),
    (
        "Day-0 self-assessment and reflection",
        "Rate your confidence in each competency from 1 to 5; there are no wrong answers, this "
        "is your baseline. Then write privately: why do I want this role? Only you will ever "
        "read it.",
        None,
        StepOwner.MENTEE,
        StepKind.ASSESSMENT,
        0,
        StepAnchor.PAIRING_START,
    ),
    (
        "First 1:1 with every report",
        "Hold a first 1:1 with each person on your team. Ask what they want from you, what "
        "they enjoy, what frustrates them and how they like to get feedback. Write down what "
        "you hear; do not promise fixes yet.",
        "coaching-and-feedback",
        StepOwner.MENTEE,
        StepKind.MILESTONE,
        7,
        StepAnchor.PAIRING_START,
    ),
    (
        "Reset with your former peers",
        "If you now manage people who were your peers, talk about it openly with each of "
        "them: what changes, what does not, and how you will handle disagreements.",
        "managing-former-peers",
        StepOwner.MENTEE,
        StepKind.MILESTONE,
        10,
        StepAnchor.PAIRING_START,
    ),
    (
        "Agree on success with your manager",
        "Talk with your own manager about three things, and let them write them down here: "
        "what success looks like for you at 90 days, which decisions are now yours, and what "
        "individual work you hand off, to whom and by when. Then confirm it. Scaffold emails "
        "them the link on this day; you can also ask earlier from the agreement page.",
        "prioritization-and-delegation",
        StepOwner.MENTEE,
        StepKind.AGREEMENT,
        10,
        StepAnchor.PAIRING_START,
    ),
    (
        "Read your team's last reviews and goals",
        "Read the last performance reviews and current goals of your reports, so your first "
        "feedback builds on what they were told before.",
        "performance-management",
        StepOwner.MENTEE,
        StepKind.MILESTONE,
        21,
        StepAnchor.PROMOTION_DATE,
    ),
    (
        'Agree what "done" means now',
        "Your output is now the team's. With your manager, write down the three outcomes your "
        "team will be judged on this quarter, and how you will know your own week went well "
        "when you wrote no code and closed no deals.",
        "prioritization-and-delegation",
        StepOwner.MENTEE,
        StepKind.MILESTONE,
        14,
        StepAnchor.PAIRING_START,
    ),
    (
        "Hand off the work you still own",
        "List the code, accounts or projects you still personally own. Hand each one to "
        "someone on the team with the context they need, and stop being the bottleneck.",
        "prioritization-and-delegation",
        StepOwner.MENTEE,
        StepKind.MILESTONE,
        21,
        StepAnchor.PAIRING_START,
    ),
    (
        "A delegation experiment",
        "Pick one decision you would normally make yourself and delegate it fully, with the "
        "outcome and constraints but not the method. Discuss with your mentor what it felt "
        "like and what happened.",
        "prioritization-and-delegation",
        StepOwner.BOTH,
        StepKind.MILESTONE,
        28,
        StepAnchor.PAIRING_START,
    ),
    (
        "Day-30 self-assessment",
        "Rate your confidence in each competency again. Compare with day 0 and bring the "
        "biggest change, up or down, to your next check-in.",
        None,
        StepOwner.MENTEE,
        StepKind.ASSESSMENT,
        30,
        StepAnchor.PAIRING_START,
    ),
    (
        "Map your stakeholders",
        "Draw the people outside your team whose work depends on it, or on whom it depends. "
        "For each: what do they need from you, and when did you last talk?",
        "stakeholder-management",
        StepOwner.MENTEE,
        StepKind.MILESTONE,
        35,
        StepAnchor.PAIRING_START,
    ),
    (
        "First round of feedback from your team",
        "Your direct reports are asked, anonymously, about ten things a manager does, with "
        "two open questions. Scaffold emails them; you see the averages once the round "
        "closes, if at least three people answer. Pick one or two statements to work on "
        "with your mentor until the second round.",
        "coaching-and-feedback",
        StepOwner.MENTEE,
        StepKind.UPWARD,
        40,
        StepAnchor.PAIRING_START,
    ),
    (
        "A first difficult conversation",
        "Prepare with your mentor for a conversation you have been putting off: a missed "
        "expectation, a conflict between two people, a no to a stakeholder. Hold it within "
        "two weeks and debrief.",
        "conflict-resolution",
        StepOwner.BOTH,
        StepKind.MILESTONE,
        45,
        StepAnchor.PAIRING_START,
    ),
    (
        "Written feedback for every report",
        "Give each report one piece of specific written feedback: something to keep doing and "
        "something to change, with an example of each.",
        "coaching-and-feedback",
        StepOwner.MENTEE,
        StepKind.MILESTONE,
        50,
        StepAnchor.PAIRING_START,
    ),
    (
        "A skip-level conversation",
        "Meet your manager's manager. Ask what the organisation needs from your team in the "
        "next six months, and share one thing you have learnt as a new manager.",
        "stakeholder-management",
        StepOwner.MENTEE,
        StepKind.MILESTONE,
        56,
        StepAnchor.PAIRING_START,
    ),
    (
        "Day-60 self-assessment",
        "Rate your confidence in each competency again.",
        None,
        StepOwner.MENTEE,
        StepKind.ASSESSMENT,
        60,
        StepAnchor.PAIRING_START,
    ),
    (
        "Org-design review",
        "Sketch your team's structure, who decides what, and where work waits. With your "
        "mentor, pick one change to roles or decision rights and propose it.",
        "organizational-design",
        StepOwner.BOTH,
        StepKind.MILESTONE,
        70,
        StepAnchor.PAIRING_START,
    ),
    (
        "Hiring: run an interview loop",
        "Write or revise the description of a role on your team and run, or shadow, a full "
        "interview loop with a structured scorecard.",
        "hiring-and-team-building",
        StepOwner.MENTEE,
        StepKind.MILESTONE,
        77,
        StepAnchor.PAIRING_START,
    ),
    (
        "Second round of feedback from your team",
        "Your reports are asked the same questions again. Compare with the first round: did "
        "what you chose to work on move? Results show once the round closes, if at least "
        "three people answer.",
        "coaching-and-feedback",
        StepOwner.MENTEE,
        StepKind.UPWARD,
        78,
        StepAnchor.PAIRING_START,
    ),
    (
        "Review the agreement with your manager",
        "Look back with your manager at what you agreed on around day 10: done, partly or not "
        "yet, for each of the three. Either of you may record it.",
        "prioritization-and-delegation",
        StepOwner.MENTEE,
        StepKind.AGREEMENT_REVIEW,
        84,
        StepAnchor.PAIRING_START,
    ),
    (
        "Wrap-up with your mentor",
        "Look back together over the 90 days: what changed, what is still hard, and what you "
        "want to keep working on. Decide whether and how to keep meeting.",
        None,
        StepOwner.BOTH,
        StepKind.WRAP_UP,
        88,
        StepAnchor.PAIRING_START,
    ),
    (
        "Day-90 self-assessment and reflection",
        "Rate your confidence one last time, then reread your day-0 reflection privately: do "
        "you still want this role? Choosing the individual-contributor track is a good "
        "outcome too.",
        None,
        StepOwner.MENTEE,
        StepKind.ASSESSMENT,
        90,
        StepAnchor.PAIRING_START,
    ),
]


def default_plan_install(*, by: Person | None) -> OnboardingPlan:
    """Create the default plan unless a plan of that name exists already."""
    existing = OnboardingPlan.objects.filter(name=NAME).order_by("-version").first()
    if existing is not None:
        return existing
    competencies = {c.slug: c for c in Competency.objects.all()}
    specs = [
        StepSpec(
            title=title,
            description=guidance,
            competency=competencies.get(slug) if slug else None,
            owner=owner,
            kind=kind,
            offset_days=offset,
            anchor=anchor,
        )
        for title, guidance, slug, owner, kind, offset, anchor in STEPS
    ]
    with transaction.atomic():
        return plan_create(name=NAME, description=DESCRIPTION, steps=specs, by=by)
