"""The site's front page: each person's starting point, with a section for
every role they hold (program admin, mentee, mentor, line manager)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from mentorship import access
from mentorship.checkins.selectors import action_items_to_do, with_last_checkin
from mentorship.core.timezones import today_for
from mentorship.pairings import selectors
from mentorship.pairings.models import ChangeRequestStatus, Pairing, PairingStatus
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.programs.selectors import (
    mentoring_places_of,
    program_overview_for_admin,
)

# How many open action items the home page lists before "and more".
TO_DO_SHOWN = 8


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person's starting point, with a section per role they hold."""
    person = request.user
    roles = access.roles(person)
    today = today_for(person)
    context: dict[str, object] = {"today": today}

    if roles.is_program_admin:
        context["programs"] = list(program_overview_for_admin(person))
        context["open_requests"] = list(
            selectors.change_requests_visible_to(person)
            .filter(
                access.administers_q(person, program="pairing__program_id"),
                status=ChangeRequestStatus.OPEN,
            )
            .select_related("pairing__mentee", "pairing__mentor")
            .order_by("created_at")
        )

    # Proposals and declined proposals are HR's business, not a pairing yet.
    visible = selectors.with_milestone_progress(
        with_last_checkin(selectors.pairings_visible_to(person).visible_to_participants()),
        today=today,
    ).order_by("-starts_on", "-id")
    mine: list[Pairing] = []
    theirs: list[Pairing] = []
    if roles.is_mentee:
        mine = list(visible.filter(mentee=person))
        context["as_mentee"] = mine
        context["next_milestones"] = selectors.upcoming_milestones(
            person,
            [p.pk for p in mine if p.status == PairingStatus.ACTIVE],
        )
    if roles.is_mentee:
        context["waiting"] = selectors.waiting_for_a_mentor(person)
    if roles.is_mentor:
        theirs = list(visible.filter(mentor=person))
        context["as_mentor"] = theirs
        context["mentoring_places"] = list(mentoring_places_of(person))
    if roles.is_mentee or roles.is_mentor:
        # What to do next: one's own open action items, and each live
        # pairing's last check-in, with a way to log the next one.
        items = list(action_items_to_do(person)[: TO_DO_SHOWN + 1])
        context["to_do"] = items[:TO_DO_SHOWN]
        context["more_to_do"] = len(items) > TO_DO_SHOWN
        live = [p for p in [*mine, *theirs] if p.is_live]
        for pairing in live:
            last = pairing.last_checkin  # type: ignore[attr-defined]
            pairing.quiet_days = (today - last).days if last else None  # type: ignore[attr-defined]
        # The longest quiet first: that is the one to log next.
        context["live_pairings"] = sorted(
            live,
            key=lambda p: p.last_checkin or dt.date.min,  # type: ignore[attr-defined]
        )
    if roles.is_line_manager:
        context["reports"] = list(visible.filter(access.line_manager_q(person, of="mentee__")))
    return render(request, "home/home.html", context)
