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

from mentorship.pairings import selectors
from mentorship.pairings.forms import ApproveForm, ProposalActionForm
from mentorship.pairings.models import Pairing
from mentorship.pairings.services.lifecycle import pairing_decline
from mentorship.pairings.services.matching import (
    matching_request,
    pairing_approve,
    pairing_replace_mentor,
    proposals_approve_all,
)
from mentorship.people.models import Person
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.programs.models import Program
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
    return render(
        request,
        "programs/matching.html",
        {
            "program": program,
            "run": latest,
            "running": latest is not None and not latest.is_finished,
            "proposals": proposals,
        },
    )


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
    approved, problems = proposals_approve_all(
        program=program, by=request.user, starts_on=form.cleaned_data["starts_on"]
    )
    messages.success(
        request,
        f"{approved} pairing{pluralize(approved)} approved; welcome emails are on their way.",
    )
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
                        "their plan and welcome email are on their way.",
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
        },
        status=400 if error else 200,
    )
