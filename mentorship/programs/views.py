"""The people of a program, for its admins: enroll, see who waits, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mentorship import access
from mentorship.core.forms import attach_service_errors
from mentorship.people.services import person_invite
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.programs import selectors
from mentorship.programs.forms import EnrollForm, EnrollmentEditForm
from mentorship.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Program
from mentorship.programs.services.enrollments import (
    Keep,
    enrollment_create,
    enrollment_update,
    enrollment_withdraw,
)


def _enrollment_or_404(program: Program, enrollment_id: int) -> Enrollment:
    enrollment = (
        Enrollment.objects.filter(program=program, pk=enrollment_id)
        .select_related("person")
        .first()
    )
    if enrollment is None:
        raise Http404
    return enrollment


@login_required
@require_http_methods(["GET", "POST"])
def people(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = get_object_or_404(selectors.programs_administered_by(request.user), pk=program_id)
    # Someone just added from this page comes back with their address filled in.
    form = EnrollForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrollment_create(
                program=program,
                person=data["email"],
                role=data["role"],
                by=request.user,
                focus_competencies=data["focus_competencies"]
                if data["role"] == EnrollmentRole.MENTEE
                else [],
                capacity=data["capacity"] if data["role"] == EnrollmentRole.MENTOR else None,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error("email" if field in ("person", "program") else field, errors)
        else:
            messages.success(request, f"{data['email']} is enrolled as a {data['role']}.")
            return redirect("programs:people", program_id=program.pk)
    if form.errors:
        # The form is at the foot of a long page: say so where people look.
        problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, f"Not enrolled: {problems}")
    roster = list(selectors.program_roster(program))
    mentees = [e for e in roster if e.role == EnrollmentRole.MENTEE]
    mentors = [e for e in roster if e.role == EnrollmentRole.MENTOR]
    return render(
        request,
        "programs/people.html",
        {
            "program": program,
            "form": form,
            "mentees": mentees,
            "mentors": mentors,
            # The headings count those taking part, and the withdrawn apart
            # (listed after them).
            "counts": {
                "mentees": _taking_part(mentees),
                "mentors": _taking_part(mentors),
            },
            "without_focus": selectors.mentees_without_focus(roster),
        },
        status=400 if form.errors else 200,
    )


def _taking_part(enrollments: list[Enrollment]) -> tuple[int, int]:
    """How many take part and how many have withdrawn."""
    withdrawn = sum(e.status == EnrollmentStatus.WITHDRAWN for e in enrollments)
    return len(enrollments) - withdrawn, withdrawn


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_edit(
    request: AuthenticatedHttpRequest, program_id: int, enrollment_id: int
) -> HttpResponse:
    """A mentee's focus areas or a mentor's capacity: changed by the program's
    admins, or by the person for themself."""
    person = request.user
    enrollment = (
        selectors.enrollments_visible_to(person)
        .filter(program_id=program_id, pk=enrollment_id, status=EnrollmentStatus.ACTIVE)
        .first()
    )
    if enrollment is None:
        raise Http404
    runs_it = access.administers(person, program_id)
    back = redirect("programs:people", program_id=program_id) if runs_it else redirect("home")
    form = EnrollmentEditForm(
        request.POST or None,
        enrollment=enrollment,
        initial={
            "focus_competencies": list(enrollment.focus_competencies.all()),
            "capacity": enrollment.capacity,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The form holds the one field this enrollment's role has.
            enrollment_update(
                enrollment=enrollment,
                by=person,
                focus_competencies=data.get("focus_competencies"),
                capacity=data.get("capacity", Keep.KEEP),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            what = "Focus areas" if enrollment.role == EnrollmentRole.MENTEE else "Capacity"
            whose = "" if enrollment.person_id == person.pk else f" of {enrollment.person}"
            messages.success(request, f"{what}{whose} saved.")
            return back
    return render(
        request,
        "programs/enrollment_form.html",
        {
            "enrollment": enrollment,
            "program": enrollment.program,
            "form": form,
            "runs_it": runs_it,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, program_id: int, enrollment_id: int) -> HttpResponse:
    """Email someone of the program who has never signed in an invitation."""
    program = get_object_or_404(selectors.programs_administered_by(request.user), pk=program_id)
    enrollment = _enrollment_or_404(program, enrollment_id)
    try:
        person_invite(person=enrollment.person, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"An invitation is on its way to {enrollment.person.email}.")
    return redirect("programs:people", program_id=program.pk)


@login_required
@require_POST
def withdraw(
    request: AuthenticatedHttpRequest, program_id: int, enrollment_id: int
) -> HttpResponse:
    program = get_object_or_404(selectors.programs_administered_by(request.user), pk=program_id)
    enrollment = _enrollment_or_404(program, enrollment_id)
    try:
        enrollment_withdraw(
            enrollment=enrollment, by=request.user, reason=request.POST.get("reason", "")
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, f"{enrollment.person}: {' '.join(exc.messages)}")
    else:
        messages.success(
            request, f"{enrollment.person} is withdrawn as a {enrollment.role} from {program}."
        )
    return redirect("programs:people", program_id=program.pk)
