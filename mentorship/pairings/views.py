from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mentorship import access
from mentorship.agreements.selectors import agreement_state
from mentorship.checkins import selectors as checkin_selectors
from mentorship.core.timezones import today_for
from mentorship.notifications import links
from mentorship.notifications.models import SignedLinkUse
from mentorship.notifications.views import link_not_working
from mentorship.pairings import selectors
from mentorship.pairings.forms import FeedbackForm, ManageForm, MilestoneNoteForm
from mentorship.pairings.models import (
    ChangeRequestStatus,
    Milestone,
    Pairing,
    PairingOutcome,
)
from mentorship.pairings.services.change_requests import change_request_decide, change_request_open
from mentorship.pairings.services.lifecycle import (
    feedback_submit,
    pairing_complete,
    pairing_end,
    pairing_pause,
    pairing_record_outcome,
    pairing_resume,
)
from mentorship.pairings.services.matching import pairing_request
from mentorship.pairings.services.milestones import (
    LinkAlreadyUsed,
    milestone_act_from_email,
    milestone_complete,
    milestone_reopen,
    milestone_require_member,
    milestone_skip,
)
from mentorship.people.models import Person
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.upward.selectors import focus_for


@login_required
@require_POST
def mentor_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A waiting mentee asks for one of their recommended mentors."""
    person = request.user
    program = (
        selectors.programs_waiting_for_a_mentor(person)
        .filter(pk=_int(request.POST.get("program")))
        .first()
    )
    mentor_id = _int(request.POST.get("mentor"))
    if program is None or not mentor_id:
        messages.error(request, "Choose one of the mentors recommended to you.")
        return redirect("home")
    try:
        pairing = pairing_request(program=program, mentee=person, mentor_id=mentor_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"You asked for {pairing.mentor.full_name}. The program admins will confirm."
        )
    return redirect("home")


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 18 else 0


@login_required
def pairing_detail(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    person = request.user
    pairing = selectors.pairing_visible_to(person, pairing_id)
    if pairing is None:
        raise Http404
    today = today_for(person)
    member = access.is_member(person, pairing)
    admin = access.administers(person, pairing.program_id)
    timeline = selectors.milestone_timeline(pairing, today=today)
    closed = pairing.is_closed
    now = timezone.now()
    history = checkin_selectors.pairing_history(person, pairing, timeline.closed, now=now)
    change_requests = (
        list(selectors.change_requests_visible_to(person).filter(pairing=pairing))
        if member or admin
        else []
    )
    return render(
        request,
        "pairings/detail.html",
        {
            "pairing": pairing,
            "timeline": timeline,
            # Once closed, what was left open is history, not overdue.
            "left_open": [*timeline.overdue, *timeline.this_week, *timeline.upcoming]
            if closed
            else None,
            "today": today,
            "is_member": member,
            "is_admin": admin,
            "can_act": member and pairing.is_live and not pairing.starts_after(today),
            "starts_later": pairing.is_live and pairing.starts_after(today),
            "is_mentee": person.pk == pairing.mentee_id,
            "history": history,
            "open_items": checkin_selectors.open_action_items(person, pairing) if member else [],
            "change_requests": change_requests,
            # One open request at a time: no form to ask for a second.
            "request_waiting": any(
                change.status == ChangeRequestStatus.OPEN for change in change_requests
            ),
            "outcomes": PairingOutcome.choices,
            # That the agreement with the line manager happened, and when:
            # everyone who sees the pairing may know that much.
            "agreement_state": agreement_state(pairing),
            "team_focus": focus_for(person, pairing) if member else [],
            "is_line_manager": access.is_line_manager(person, pairing.mentee),
        },
    )


MANAGE_DONE = {
    "request_pause": "Your request to pause is with the program admins.",
    "request_end": "Your request to end the pairing is with the program admins.",
    "approve_request": "The request is approved; the pairing is {status}.",
    "decline_request": "The request is declined.",
    "pause": "The pairing is paused.",
    "resume": "The pairing is active again.",
    "complete": "The pairing is complete; both are asked for their feedback.",
    "end": "The pairing has ended.",
    "outcome": "The outcome is recorded.",
}


def _admin_action(pairing: Pairing, person: Person, action: str, data: dict[str, Any]) -> None:
    access.require_administers(person, pairing.program)
    moves: dict[str, Callable[[], object]] = {
        "pause": lambda: pairing_pause(pairing=pairing, by=person, reason=data["reason"]),
        "resume": lambda: pairing_resume(pairing=pairing, by=person),
        "complete": lambda: pairing_complete(pairing=pairing, by=person, outcome=data["outcome"]),
        "end": lambda: pairing_end(
            pairing=pairing, by=person, reason=data["reason"], outcome=data["outcome"]
        ),
        "outcome": lambda: pairing_record_outcome(
            pairing=pairing, by=person, outcome=data["outcome"]
        ),
    }
    moves[action]()


@login_required
@require_POST
def pairing_manage(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """The lifecycle from the pairing page: the pair asks to pause or end;
    program admins decide, and pause, resume, complete or end themselves."""
    person = request.user
    pairing = selectors.pairing_visible_to(person, pairing_id)
    if pairing is None:
        raise Http404
    form = ManageForm(request.POST)
    if not form.is_valid():
        # A reason or note too long is said so; nothing is done without it.
        problems = [str(e) for field in ("reason", "note") for e in form.errors.get(field, [])]
        messages.error(request, " ".join(problems) or "That action is not available here.")
        return redirect("pairings:detail", pairing_id=pairing.pk)
    data = form.cleaned_data
    action = data["action"]
    try:
        if action in ("request_pause", "request_end"):
            change_request_open(
                pairing=pairing,
                by=person,
                kind=action.removeprefix("request_"),
                reason=data["reason"],
            )
        elif action in ("approve_request", "decline_request"):
            change = (
                selectors.change_requests_visible_to(person)
                .filter(pairing=pairing, pk=data["change_request"] or 0)
                .first()
            )
            if change is None:
                raise Http404
            change_request_decide(
                change_request=change,
                by=person,
                approve=action == "approve_request",
                note=data["note"],
            )
        else:
            _admin_action(pairing, person, action, data)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        pairing.refresh_from_db()
        messages.success(
            request,
            MANAGE_DONE[action].format(status=pairing.get_status_display().lower()),
        )
    return redirect("pairings:detail", pairing_id=pairing.pk)


MILESTONE_ACTIONS = {
    "complete": "“{title}” is done.",
    "skip": "“{title}” is skipped.",
    "reopen": "“{title}” is open again.",
}


@login_required
@require_POST
def milestone_action(
    request: AuthenticatedHttpRequest, milestone_id: int, action: str
) -> HttpResponse:
    person = request.user
    milestone = selectors.milestones_visible_to(person).filter(pk=milestone_id).first()
    if milestone is None or action not in MILESTONE_ACTIONS:
        raise Http404
    detail = reverse("pairings:detail", args=[milestone.pairing_id])
    form = MilestoneNoteForm(request.POST if action != "reopen" else {})
    if not form.is_valid():
        # Refused whole: the milestone stays as it was rather than lose the note.
        messages.error(request, f"“{milestone.title}” is still open. {form.problems()}")
        return redirect(f"{detail}#milestone-{milestone.pk}")
    note = form.cleaned_data["note"]
    try:
        milestone_require_member(milestone=milestone, person=person)
        if action == "complete":
            milestone_complete(milestone=milestone, by=person, note=note)
        elif action == "skip":
            milestone_skip(milestone=milestone, by=person, note=note)
        else:
            milestone_reopen(milestone=milestone, by=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, MILESTONE_ACTIONS[action].format(title=milestone.title))
    return redirect(f"{detail}#milestone-{milestone.pk}")


def _action_link(token: str) -> tuple[links.ActionLink, Person, Milestone]:
    """What a one-click link acts on; a ``LinkError`` when it cannot act."""
    link = links.read_action(token)
    person = Person.objects.filter(pk=link.person_id, is_active=True).first()
    milestone = (
        Milestone.objects.select_related("pairing__mentee", "pairing__mentor", "pairing__program")
        .filter(pk=link.object_id)
        .first()
    )
    if person is None or milestone is None:
        raise links.LinkGone
    return link, person, milestone


@require_http_methods(["GET", "POST"])
def email_action(request: HttpRequest, token: str) -> HttpResponse:
    """The "mark done" and "snooze" links in reminders. They work without
    signing in, once. Opening the link shows what it will do and one button:
    mail scanners that open links never change anything."""
    try:
        link, person, milestone = _action_link(token)
    except links.LinkError as exc:
        return link_not_working(request, exc)
    if SignedLinkUse.objects.filter(digest=link.digest).exists():
        return render(
            request, "pairings/email_action_used.html", {"milestone": milestone}, status=410
        )
    context = {"milestone": milestone, "person": person, "action": link.action}
    if request.method == "POST":
        return _act_from_email(request, link, person, milestone, context)
    return render(request, "pairings/email_action_confirm.html", context)


def _act_from_email(
    request: HttpRequest,
    link: links.ActionLink,
    person: Person,
    milestone: Milestone,
    context: dict[str, Any],
) -> HttpResponse:
    form = MilestoneNoteForm(request.POST)
    if not form.is_valid():
        # Nothing is done, and the link still works: shorten the note and send again.
        return render(
            request,
            "pairings/email_action_confirm.html",
            {**context, "problem": form.problems(), "note": request.POST.get("note", "")},
            status=400,
        )
    note = form.cleaned_data["note"]
    try:
        milestone = milestone_act_from_email(
            link=link, person=person, milestone=milestone, note=note
        )
    except LinkAlreadyUsed:
        return render(
            request, "pairings/email_action_used.html", {"milestone": milestone}, status=410
        )
    except ValidationError as exc:
        return render(
            request,
            "pairings/email_action_done.html",
            {**context, "problem": " ".join(exc.messages)},
        )
    return render(request, "pairings/email_action_done.html", {**context, "milestone": milestone})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_feedback(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """End-of-pairing feedback, from the mentor and the mentee."""
    person = request.user
    pairing = selectors.pairing_visible_to(person, pairing_id)
    if pairing is None or not access.is_member(person, pairing):
        raise Http404
    given = pairing.feedback.filter(author=person).first()
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and given is None and form.is_valid():
        try:
            feedback_submit(
                pairing=pairing,
                author=person,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: your feedback is recorded.")
            return redirect("pairings:detail", pairing_id=pairing.pk)
    return render(
        request,
        "pairings/feedback.html",
        {"pairing": pairing, "form": form, "given": given},
        status=400 if form.errors else 200,
    )
