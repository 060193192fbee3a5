"""Web pages for program admins: run matching, review and approve proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorship import access
from mentorship.core.forms import attach_service_errors
from mentorship.pairings import selectors
from mentorship.pairings.forms import ApproveForm, ProposalActionForm, RematchForm
from mentorship.pairings.models import Pairing
from mentorship.pairings.services.lifecycle import pairing_decline
from mentorship.pairings.services.matching import (
    first_day_bounds,
    matching_request,
    pairing_approve,
    pairing_rematch,
    pairing_replace_mentor,
    proposals_approve_all,
)
from mentorship.people.models import Person
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.programs.models import Program, ProgramStatus
from mentorship.programs.selectors import programs_administered_by


def _proposal(person: Person, program: Program, pairing_id: int) -> Pairing:
    pairing = selectors.proposals_for(person, program).filter(pk=pairing_id).first()
    if pairing is None:
        raise Http404
    return pairing


@login_required
@require_http_methods(["GET", "POST"])
def matching_page(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    person = request.user
    program = get_object_or_404(programs_administered_by(person), pk=program_id)
    if request.method == "POST":
        try:
            matching_request(program=program, by=person)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Matching started. Proposals appear here when it is done.")
        return redirect("programs:matching", program_id=program.pk)
    runs = list(selectors.matching_runs_for(person, program)[:1])
    latest = runs[0] if runs else None
    proposals = list(selectors.proposals_for(person, program))
    first_day, last_day = first_day_bounds(program, person)
    return render(
        request,
        "programs/matching.html",
        {
            "program": program,
            "run": latest,
            "running": latest is not None and not latest.is_finished,
            "proposals": [p for p in proposals if p.approved_at is None],
            "approved": [p for p in proposals if p.approved_at is not None],
            "first_day": first_day,
            "last_day": last_day,
        },
    )


def _approved_message(program: Program, count: int) -> str:
    pairings = f"{count} pairing{pluralize(count)}"
    if program.status == ProgramStatus.DRAFT:
        return (
            f"{pairings} approved. {'It starts' if count == 1 else 'They start'} when you "
            "open the program; nobody is told before."
        )
    return f"{pairings} approved; welcome emails are on their way."


@login_required
@require_GET
def matching_progress(
    request: AuthenticatedHttpRequest, program_id: int, run_id: int
) -> JsonResponse:
    """What the page polls while a run is under way."""
    program = get_object_or_404(programs_administered_by(request.user), pk=program_id)
    run = selectors.matching_runs_for(request.user, program).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return JsonResponse(
        {
            "status": run.status,
            "stage": run.stage or run.get_status_display(),
            "finished": run.is_finished,
        }
    )


@login_required
@require_POST
def approve_all(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = get_object_or_404(programs_administered_by(request.user), pk=program_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The first day is not a date (use YYYY-MM-DD).")
        return redirect("programs:matching", program_id=program.pk)
    try:
        approved, problems = proposals_approve_all(
            program=program, by=request.user, starts_on=form.cleaned_data["starts_on"]
        )
    except ValidationError as exc:
        messages.error(request, f"Nothing approved: {' '.join(exc.messages)}")
        return redirect("programs:matching", program_id=program.pk)
    messages.success(request, _approved_message(program, approved))
    for problem in problems:
        messages.error(request, f"Not approved: {problem}")
    return redirect("programs:matching", program_id=program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(
    request: AuthenticatedHttpRequest, program_id: int, pairing_id: int
) -> HttpResponse:
    """One proposal: its explanation, approve or decline it, or choose
    another mentor from the ranked alternatives."""
    person = request.user
    program = get_object_or_404(programs_administered_by(person), pk=program_id)
    pairing = _proposal(person, program, pairing_id)
    back = reverse("programs:matching", kwargs={"program_id": program.pk})
    error = None
    if request.method == "POST":
        form = ProposalActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "approve":
                    pairing_approve(pairing=pairing, by=person, starts_on=data["starts_on"])
                    messages.success(
                        request,
                        f"{pairing.mentee} and {pairing.mentor} are paired; "
                        + (
                            "they start when you open the program."
                            if program.status == ProgramStatus.DRAFT
                            else "their plan and welcome email are on their way."
                        ),
                    )
                    return redirect(back)
                if data["action"] == "decline":
                    pairing_decline(pairing=pairing, by=person, reason=data["reason"])
                    messages.success(request, f"The proposal for {pairing.mentee} is declined.")
                    return redirect(back)
                mentor = Person.objects.filter(pk=data["mentor"] or 0, is_active=True).first()
                if mentor is None:
                    raise ValidationError({"mentor": "Choose one of the mentors listed."})
                pairing_replace_mentor(pairing=pairing, mentor=mentor, by=person)
                messages.success(request, f"{mentor} is now proposed for {pairing.mentee}.")
                return redirect(back)
            except PermissionDenied:
                raise
            except ValidationError as exc:
                error = " ".join(exc.messages)
        else:
            error = "Choose what to do with this proposal."
    return render(
        request,
        "programs/proposal.html",
        {
            "program": program,
            "pairing": pairing,
            "alternatives": selectors.with_mentors(
                selectors.mentor_alternatives(pairing, limit=None)
            ),
            "error": error,
            "back": back,
            "first_day": first_day_bounds(program, person)[0],
            "last_day": program.ends_on,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rematch(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """End a pairing that is not working and find the mentee another mentor:
    the best fit with room is proposed at once, for review."""
    person = request.user
    pairing = (
        selectors.pairings_visible_to(person)
        .live()
        .filter(access.administers_q(person, program="program_id"), pk=pairing_id)
        .first()
    )
    if pairing is None:
        raise Http404
    form = RematchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = pairing_rematch(
                pairing=pairing, by=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            if proposal is None:
                messages.warning(
                    request,
                    f"The pairing has ended. No mentor has room for {pairing.mentee} right now: "
                    "enroll another mentor or raise a capacity, then run matching.",
                )
                return redirect("programs:matching", program_id=pairing.program_id)
            messages.success(
                request,
                f"The pairing has ended. {proposal.mentor} is proposed as {pairing.mentee}'s "
                "new mentor: approve, or choose another below.",
            )
            return redirect(
                "programs:proposal", program_id=pairing.program_id, pairing_id=proposal.pk
            )
    return render(
        request,
        "programs/rematch.html",
        {"pairing": pairing, "form": form},
        status=400 if form.errors else 200,
    )
