"""A program's own pages, for those who run it: the list, a new program,
its overview, its settings, opening, closing and copying it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mentorship import access
from mentorship.core.forms import attach_service_errors
from mentorship.core.timezones import today_for
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.plans.selectors import plans_visible_to
from mentorship.programs import selectors
from mentorship.programs.forms import ProgramCopyForm, ProgramForm
from mentorship.programs.models import Program, ProgramStatus
from mentorship.programs.services import programs as services


def _run_by(request: AuthenticatedHttpRequest, program_id: int) -> Program:
    """A program the person runs, with its counts; 404 for anyone else."""
    return get_object_or_404(selectors.program_overview_for_admin(request.user), pk=program_id)


def _current_plans(request: AuthenticatedHttpRequest) -> Any:
    return plans_visible_to(request.user).filter(is_archived=False).order_by("name")


@login_required
def program_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.roles(request.user).is_program_admin:
        raise Http404
    programs = selectors.program_overview_for_admin(request.user).order_by("-starts_on", "name")
    return render(request, "programs/list.html", {"programs": list(programs)})


@login_required
@require_http_methods(["GET", "POST"])
def program_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.roles(request.user).is_program_admin:
        raise Http404
    form = ProgramForm(request.POST or None, plans=_current_plans(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            program = services.program_create(
                name=data.pop("name"),
                starts_on=data.pop("starts_on"),
                ends_on=data.pop("ends_on"),
                plan=data.pop("plan"),
                description=data.pop("description"),
                admins=data.pop("admins"),
                by=request.user,
                **data,
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            messages.success(
                request,
                f"“{program.name}” is saved as a draft. Enroll people and run matching; "
                "nobody hears of it until you open it.",
            )
            return redirect("programs:detail", program_id=program.pk)
    return render(
        request,
        "programs/form.html",
        {"form": form, "program": None},
        status=400 if form.errors else 200,
    )


@login_required
def program_detail(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = _run_by(request, program_id)
    context: dict[str, Any] = {
        "program": program,
        "admins": list(program.admins.order_by("full_name")),
        "today": today_for(request.user),
    }
    if program.status == ProgramStatus.ACTIVE:
        context["closing"] = services.program_closing(program)
    return render(request, "programs/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = _run_by(request, program_id)
    if program.status == ProgramStatus.CLOSED:
        messages.error(request, "A closed program does not change; copy it for the next cohort.")
        return redirect("programs:detail", program_id=program.pk)
    form = ProgramForm(
        request.POST or None,
        plans=_current_plans(request),
        initial=ProgramForm.initial_for(program),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        admins = data.pop("admins")
        try:
            services.program_update(program=program, by=request.user, admins=admins, **data)
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            messages.success(request, f"“{data['name']}” is saved.")
            return redirect("programs:detail", program_id=program.pk)
    return render(
        request,
        "programs/form.html",
        {"form": form, "program": program},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def program_open(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = _run_by(request, program_id)
    try:
        opened = services.program_activate(program=program, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, f"Not opened: {' '.join(exc.messages)}")
    else:
        started = program.approved_pairing_count  # type: ignore[attr-defined]
        messages.success(
            request,
            f"“{opened.name}” is open."
            + (
                f" {started} approved pairing{'s' if started != 1 else ''} started; "
                "their welcome emails are on their way."
                if started
                else ""
            ),
        )
    return redirect("programs:detail", program_id=program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def program_close(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = _run_by(request, program_id)
    if program.status != ProgramStatus.ACTIVE:
        messages.error(request, "Only an open program can be closed.")
        return redirect("programs:detail", program_id=program.pk)
    if request.method == "POST":
        try:
            done = services.program_close(program=program, by=request.user)
        except ValidationError as exc:
            messages.error(request, f"Not closed: {' '.join(exc.messages)}")
        else:
            messages.success(
                request,
                f"“{program.name}” is closed: "
                f"{_counted(done.pairings_completed, 'pairing')} completed, "
                + (
                    f"{_counted(done.pairings_ended, 'pairing')} not yet started ended, "
                    if done.pairings_ended
                    else ""
                )
                + f"{_counted(done.proposals_declined, 'proposal')} declined, "
                f"{_counted(done.reminders_cancelled, 'unsent email')} cancelled.",
            )
        return redirect("programs:detail", program_id=program.pk)
    return render(
        request,
        "programs/close.html",
        {"program": program, "closing": services.program_closing(program)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_copy(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = _run_by(request, program_id)
    length = program.ends_on - program.starts_on
    starts_on = max(program.ends_on, today_for(request.user))
    form = ProgramCopyForm(
        request.POST or None,
        initial={
            "name": f"{program.name} (next cohort)"[:200],
            "starts_on": starts_on,
            "ends_on": starts_on + length,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.program_copy(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            messages.success(
                request,
                f"“{copy.name}” is a new draft with the settings of “{program.name}”.",
            )
            return redirect("programs:detail", program_id=copy.pk)
    return render(
        request,
        "programs/copy.html",
        {"form": form, "program": program},
        status=400 if form.errors else 200,
    )


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
