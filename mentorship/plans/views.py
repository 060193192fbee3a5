from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mentorship import access
from mentorship.core.timezones import today_for
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.plans import selectors, services
from mentorship.plans.forms import (
    PlanForm,
    PreviewForm,
    Rearranged,
    rearranged,
    step_formset,
    step_initial,
)
from mentorship.plans.models import OnboardingPlan


def _require_admin(request: AuthenticatedHttpRequest) -> None:
    if not access.roles(request.user).is_program_admin:
        raise PermissionDenied


def _plan_or_404(request: AuthenticatedHttpRequest, plan_id: int) -> OnboardingPlan:
    plan = selectors.plans_visible_to(request.user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


@login_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    show_archived = request.GET.get("archived") == "1"
    plans = selectors.plan_overview(request.user, include_archived=show_archived)
    return render(request, "plans/list.html", {"plans": plans, "show_archived": show_archived})


@login_required
def plan_detail(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    _require_admin(request)
    plan = _plan_or_404(request, plan_id)
    preview_form = PreviewForm.default(request.GET, today_for(request.user))
    preview = None
    if preview_form.is_valid():
        preview = services.plan_preview(
            plan,
            starts_on=preview_form.cleaned_data["starts_on"],
            promoted_on=preview_form.cleaned_data["promoted_on"],
        )
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "steps": plan.steps.select_related("competency").order_by("position"),
            "versions": selectors.plan_versions(plan),
            "programs": selectors.programs_using(plan),
            "in_use": services.plan_in_use(plan),
            "preview_form": preview_form,
            "preview": preview,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    form = PlanForm(request.POST or None)
    steps = step_formset(request.POST or None)
    if request.method == "POST" and (moved := _rearranged(request)) is not None:
        return _render_rearranged(request, moved, plan=None)
    if request.method == "POST" and all([form.is_valid(), steps.is_valid()]):
        try:
            plan = services.plan_create(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                steps=steps.specs(),
                by=request.user,
            )
        except ValidationError as exc:
            _show_service_errors(exc, form, steps)
        else:
            messages.success(request, f"The plan “{plan.name}” is saved.")
            return redirect("plans:detail", plan_id=plan.pk)
    return render(request, "plans/form.html", {"form": form, "steps": steps, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    _require_admin(request)
    plan = _plan_or_404(request, plan_id)
    if plan.is_archived:
        messages.error(request, "This is an archived version; edit the current version instead.")
        return redirect("plans:detail", plan_id=plan.pk)
    initial: dict[str, Any] = {"name": plan.name, "description": plan.description}
    form = PlanForm(request.POST or None, initial=initial)
    # A submission carries every row, so only the page's first load needs
    # the plan's steps as they are.
    steps = (
        step_formset(request.POST)
        if request.method == "POST"
        else step_formset(initial=step_initial(plan))
    )
    in_use = services.plan_in_use(plan)
    if request.method == "POST" and (moved := _rearranged(request)) is not None:
        return _render_rearranged(request, moved, plan=plan, in_use=in_use)
    if request.method == "POST" and all([form.is_valid(), steps.is_valid()]):
        try:
            saved = services.plan_update(
                plan=plan,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                steps=steps.specs(),
                by=request.user,
            )
        except ValidationError as exc:
            _show_service_errors(exc, form, steps)
        except PermissionDenied as exc:
            # Programs on this plan that the editor does not run: say which.
            form.add_error(None, str(exc))
        else:
            if saved.pk != plan.pk:
                messages.success(
                    request,
                    f"Saved as version {saved.version}. Pairings already under way keep the "
                    "milestones they were given; new pairings get this version.",
                )
            else:
                messages.success(request, "The plan is saved.")
            return redirect("plans:detail", plan_id=saved.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "steps": steps, "plan": plan, "in_use": in_use},
    )


@login_required
@require_POST
def plan_duplicate(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    _require_admin(request)
    plan = _plan_or_404(request, plan_id)
    copy = services.plan_duplicate(plan=plan, by=request.user)
    messages.success(request, f"“{copy.name}” is a copy you can change freely.")
    return redirect("plans:edit", plan_id=copy.pk)


def _rearranged(request: AuthenticatedHttpRequest) -> Rearranged | None:
    """The rows as a row button left them, if one was pressed (a stale button
    moves nothing, and saves nothing either)."""
    action = request.POST.get("row", "")
    if not action:
        return None
    return (
        rearranged(request.POST, action)
        or rearranged(request.POST, "keep")
        or Rearranged(rows=[], blanks=1, focus=0)
    )


def _render_rearranged(
    request: AuthenticatedHttpRequest,
    moved: Rearranged,
    *,
    plan: OnboardingPlan | None,
    in_use: bool = False,
) -> HttpResponse:
    """The editor as the buttons left it: nothing is checked yet, so no
    error shows before the plan is saved."""
    form = PlanForm(
        initial={
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
        }
    )
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "steps": step_formset(initial=moved.rows, blanks=moved.blanks),
            "plan": plan,
            "in_use": in_use,
            "rearranged": True,
            "focus": moved.focus,
        },
    )


def _show_service_errors(exc: ValidationError, form: PlanForm, steps: Any) -> None:
    """Put a service's errors next to the fields they are about."""
    included = steps.kept_forms()
    for key, problems in exc.message_dict.items():
        row, _, field = key.partition("].")
        if row.startswith("steps[") and field:
            index = int(row[len("steps[") :])
            step_form = included[index] if index < len(included) else None
            if step_form is not None and field in step_form.fields:
                for problem in problems:
                    step_form.add_error(field, problem)
                continue
        if key in form.fields:
            for problem in problems:
                form.add_error(key, problem)
        else:
            form.add_error(None, " ".join(problems))
