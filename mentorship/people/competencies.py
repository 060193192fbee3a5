"""The competencies every onboarding plan is built around. Installed by a
data migration, so a new installation can build plans straight away; admins
can add more."""

from __future__ import annotations

from typing import Any

from mentorship.people.models import Competency

COMPETENCIES = [
    (
        "coaching-and-feedback",
        "Coaching and feedback",
        "Helping people grow through questions, regular 1:1s and feedback that is specific "
        "and kind.",
    ),
    (
        "prioritization-and-delegation",
        "Prioritization and delegation",
        "Choosing what the team does and does not do, and handing work over with the context "
        "to own it.",
    ),
    (
        "conflict-resolution",
        "Conflict resolution",
        "Noticing tension early and holding the difficult conversation instead of avoiding it.",
    ),
    (
        "organizational-design",
        "Organizational design",
        "Shaping roles, team boundaries and decision rights so work flows.",
    ),
    (
        "hiring-and-team-building",
        "Hiring and team building",
        "Defining roles, interviewing fairly and welcoming new people well.",
    ),
    (
        "performance-management",
        "Performance management",
        "Setting expectations, recognising good work and addressing under-performance fairly.",
    ),
    (
        "stakeholder-management",
        "Stakeholder management",
        "Understanding what peers and leaders need from the team, and managing up and across.",
    ),
    (
        "managing-former-peers",
        "Managing former peers",
        "Resetting relationships with people who were colleagues yesterday and report to you "
        "today.",
    ),
]


def competencies_install(model: Any = None) -> None:
    """Create or refresh the standard competencies (idempotent). ``model`` is
    the migration's historical model when called from a migration."""
    if model is None:
        model = Competency
    for position, (slug, name, description) in enumerate(COMPETENCIES, start=1):
        model.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
