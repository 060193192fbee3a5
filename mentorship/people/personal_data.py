"""Everything Scaffold holds about one person, as one JSON document: what a
person downloads from their profile, and what HR exports for them.

Each part is read through the same selectors as the pages, as the person
asking (``viewer``), so the export shows no more than the pages would:

- for **the person themself**: everything, their private notes and
  reflections included (nobody else's: their partner's private notes are
  not theirs);
- for **HR**: who they are, their programs, pairings, milestones, that each
  check-in happened, the emails sent to them, their account's security log
  and what they did — never the pair's notes, action items or pulses, their
  self-assessment ratings or feedback, and never a private note or
  reflection. HR reads none of those on a page either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from mentorship import access
from mentorship.agreements.selectors import agreements_visible_to
from mentorship.audit.models import AuditEvent
from mentorship.audit.selectors import account_activity
from mentorship.checkins import selectors as checkins
from mentorship.feeds.models import CalendarFeed
from mentorship.notifications.models import EmailOptOut
from mentorship.notifications.selectors import notifications_visible_to
from mentorship.pairings import selectors as pairings
from mentorship.pairings.models import Feedback, Pairing
from mentorship.people.models import ApiToken, Person
from mentorship.programs.models import Enrollment
from mentorship.upward.selectors import results_for as upward_results
from mentorship.upward.selectors import rounds_visible_to as upward_rounds_visible_to

FORMAT = "scaffold-personal-data/1"


def may_export(viewer: Person, person: Person) -> bool:
    return viewer.pk == person.pk or access.manages_people(viewer)


def personal_data(
    viewer: Person, person: Person, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The document. Refuses anyone but the person and HR."""
    if not may_export(viewer, person):
        raise PermissionDenied("Only the person themself and HR can export their data.")
    own = viewer.pk == person.pk
    their_pairings = list(
        pairings.pairings_visible_to(viewer)
        .filter(access.member_q(person))
        .order_by("created_at", "pk")
    )
    pairing_ids = [p.pk for p in their_pairings]
    document: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": now or timezone.now(),
        "exported_for": "the person themself" if own else "HR",
        "times_in": timezone.get_current_timezone_name(),
        "person": _person(person),
        "enrollments": _enrollments(person),
        "pairings": [_pairing(p, person) for p in their_pairings],
        "milestones": _milestones(viewer, pairing_ids, own=own),
        "check_ins": _checkins(viewer, pairing_ids, own=own),
        "emails": _emails(viewer, person),
        "account_activity": [
            {
                "at": e.at,
                "what": e.what,
                "via": e.via,
                "client_ip": e.client_ip,
                "user_agent": e.user_agent,
            }
            for e in account_activity(person)
        ],
        "actions_taken": [
            {"at": e.at, "action": e.action, "on": e.target_repr}
            for e in AuditEvent.objects.filter(actor=person).order_by("at", "pk")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "expires_at": t.expires_at,
                "revoked_at": t.revoked_at,
            }
            for t in ApiToken.objects.filter(person=person).order_by("created_at", "pk")
        ],
        "calendar_feed": [
            {"prefix": f.prefix, "created_at": f.created_at, "last_fetched_at": f.last_fetched_at}
            for f in CalendarFeed.objects.filter(person=person)
        ],
        "emails_turned_off": sorted(
            EmailOptOut.objects.filter(person=person).values_list("kind", flat=True)
        ),
    }
    if not own:
        document["left_out"] = [
            "what the pair wrote in check-ins (notes, action items, confidence pulses)",
            "self-assessment ratings, where their weeks went, and pairing feedback",
            "what their team said of them (upward feedback) and their agreement with their "
            "line manager",
            "private notes and reflections, which only their author ever reads",
        ]
    if own:
        document["action_items"] = _action_items(person)
        document["self_assessments"] = _assessments(person)
        document["week_splits"] = [
            {
                "pairing": w.pairing_id,
                "week_of": w.week_of,
                "individual": w.individual,
                "people": w.people,
                "direction": w.direction,
                "other": w.other,
            }
            for w in checkins.week_splits_visible_to(person)
            .filter(pairing__mentee=person)
            .order_by("pairing_id", "week_of")
        ]
        # What their own reports said of them, as they may read it: averages
        # of rounds that closed with enough answers. The comments stay on the
        # page (written by others, word for word), and what they answered
        # about their own manager cannot be included: it names nobody.
        document["upward_feedback"] = [
            {
                "pairing": r.round.pairing_id,
                "round": r.round.number,
                "opened_on": r.round.opened_on,
                "closes_on": r.round.closes_on,
                "status": r.status,
                "invited": r.round.invited_count,
                "answered": r.answered,
                "averages": {s.key: s.mean for s in r.statements},
                "focus": r.round.focus,
                "shared_with_mentor": r.round.shared_with_mentor,
            }
            for r in upward_results(upward_rounds_visible_to(person).filter(pairing__mentee=person))
        ]
        document["agreements_with_line_manager"] = [
            {
                "pairing": a.pairing_id,
                "line_manager": _name(a.line_manager),
                "success": a.success,
                "decisions": a.decisions,
                "handoffs": a.handoffs,
                "handoffs_by": a.handoffs_by,
                "confirmed_at": a.confirmed_at,
                "review": {
                    "success": a.review_success,
                    "decisions": a.review_decisions,
                    "handoffs": a.review_handoffs,
                    "at": a.reviewed_at,
                },
            }
            for a in agreements_visible_to(person).filter(
                Q(pairing__mentee=person) | Q(line_manager=person)
            )
        ]
        document["feedback_given"] = [
            {"pairing": f.pairing_id, "rating": f.rating, "comment": f.comment, "at": f.created_at}
            for f in Feedback.objects.filter(author=person).order_by("created_at", "pk")
        ]
    return _local_times(document)


def _local_times(value: Any) -> Any:
    """Every moment in the reader's own time zone (``times_in``), with its
    offset, as the pages show them."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value)
    if isinstance(value, dict):
        return {key: _local_times(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_local_times(item) for item in value]
    return value


def _name(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"full_name": person.full_name, "email": person.email}


def _person(person: Person) -> dict[str, Any]:
    return {
        "email": person.email,
        "full_name": person.full_name,
        "title": person.title,
        "department": person.department.name if person.department else None,
        "manager": _name(person.manager),
        "time_zone": person.time_zone,
        "became_manager_on": person.became_manager_on,
        "expertise": sorted(person.expertise.values_list("name", flat=True)),
        "default_mentor_capacity": person.default_mentor_capacity,
        "is_hr": person.is_hr,
        "emails_on_weekdays_only": person.email_weekdays_only,
        "active": person.is_active,
        "joined": person.date_joined,
        "last_sign_in": person.last_login,
        "invited_at": person.invited_at,
        "two_factor_since": person.two_factor_since,
    }


def _enrollments(person: Person) -> list[dict[str, Any]]:
    rows = (
        Enrollment.objects.filter(person=person)
        .select_related("program")
        .prefetch_related("focus_competencies")
        .order_by("created_at", "pk")
    )
    return [
        {
            "program": e.program.name,
            "role": e.role,
            "status": e.status,
            "focus_areas": sorted(c.name for c in e.focus_competencies.all()),
            "capacity": e.capacity,
            "enrolled_at": e.created_at,
            "withdrawn_at": e.withdrawn_at,
            "withdrawn_reason": e.withdrawn_reason,
        }
        for e in rows
    ]


def _pairing(pairing: Pairing, person: Person) -> dict[str, Any]:
    as_mentee = pairing.mentee_id == person.pk
    return {
        "id": pairing.pk,
        "program": pairing.program.name,
        "role": "mentee" if as_mentee else "mentor",
        "partner": _name(pairing.mentor if as_mentee else pairing.mentee),
        "status": pairing.status,
        "starts_on": pairing.starts_on,
        "ends_on": pairing.ends_on,
        "closed_at": pairing.closed_at,
        "close_reason": pairing.close_reason,
        "outcome": pairing.outcome,
    }


def _milestones(viewer: Person, pairing_ids: list[int], *, own: bool) -> list[dict[str, Any]]:
    rows = (
        pairings.milestones_visible_to(viewer)
        .filter(pairing_id__in=pairing_ids)
        .order_by("pairing_id", "position", "pk")
    )
    return [
        {
            "pairing": m.pairing_id,
            "title": m.title,
            "due_on": m.due_on,
            "status": m.status,
            "completed_at": m.completed_at,
            **({"note": m.note} if own else {}),
        }
        for m in rows
    ]


def _checkins(viewer: Person, pairing_ids: list[int], *, own: bool) -> list[dict[str, Any]]:
    rows = list(
        checkins.checkins_visible_to(viewer, related=False)
        .filter(pairing_id__in=pairing_ids)
        .order_by("occurred_on", "pk")
    )
    checkins.attach_related(viewer, rows)
    document = []
    for c in rows:
        row: dict[str, Any] = {
            "id": c.pk,
            "pairing": c.pairing_id,
            "occurred_on": c.occurred_on,
            "duration_minutes": c.duration_minutes,
            "kind": c.kind,
            "topics": [t.name for t in c.listed_topics],  # type: ignore[attr-defined]
            "logged_by": c.logged_by.full_name,
        }
        if own:
            # The selector already holds these to the pair and the note to
            # its author; the viewer here is the person themself.
            row["shared_notes"] = c.readable_shared_notes  # type: ignore[attr-defined]
            row["confidence_pulse"] = c.readable_pulse  # type: ignore[attr-defined]
            row["my_private_note"] = c.own_private_note  # type: ignore[attr-defined]
        document.append(row)
    return document


def _action_items(person: Person) -> list[dict[str, Any]]:
    rows = checkins.action_items_visible_to(person).order_by("created_at", "pk")
    return [
        {
            "pairing": i.pairing_id,
            "text": i.text,
            "owner": i.owner.full_name,
            "due_on": i.due_on,
            "done_at": i.done_at,
        }
        for i in rows
    ]


def _assessments(person: Person) -> list[dict[str, Any]]:
    rows = checkins.assessments_visible_to(person).filter(mentee=person).order_by("taken_on", "pk")
    return [
        {
            "pairing": a.pairing_id,
            "occasion": a.get_occasion_display(),
            "taken_on": a.taken_on,
            "shared_with_mentor": a.shared_with_mentor,
            "ratings": {r.competency.name: r.score for r in a.ratings.all()},
            "my_reflection": a.own_reflection,  # type: ignore[attr-defined]
        }
        for a in rows
    ]


def _emails(viewer: Person, person: Person) -> list[dict[str, Any]]:
    rows = notifications_visible_to(viewer).filter(recipient=person).order_by("send_after", "pk")
    return [
        {
            "kind": n.kind,
            "subject": n.email_subject,
            "status": n.status,
            "due": n.send_after,
            "sent_at": n.sent_at,
        }
        for n in rows
    ]
