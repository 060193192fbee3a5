from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.checkins import selectors, services
from mentorship.checkins.chart import confidence_chart, week_chart
from mentorship.checkins.forms import (
    DEFAULT_REFLECTION_PROMPT,
    REFLECTION_PROMPTS,
    AssessmentForm,
    CheckInForm,
    CloseItemsForm,
    NewActionItemFormSet,
    PrivateNoteForm,
    ShareForm,
    WeekSplitForm,
)
from mentorship.checkins.models import AssessmentOccasion, CheckIn, WeekSplit
from mentorship.core.forms import attach_service_errors
from mentorship.core.timezones import today_for
from mentorship.insights.risk import INDIVIDUAL_HIGH_AFTER_DAY, individual_still_high
from mentorship.notifications import links
from mentorship.notifications.views import link_not_working
from mentorship.pairings.models import Pairing
from mentorship.people.signed_in import AuthenticatedHttpRequest


def _own_pairing(request: AuthenticatedHttpRequest, pairing_id: int) -> Pairing:
    pairing = selectors.pairings_of_pair(request.user).filter(pk=pairing_id).first()
    if pairing is None:
        raise Http404
    return pairing


def _detail(pairing_id: int, anchor: str = "") -> str:
    url = reverse("pairings:detail", kwargs={"pairing_id": pairing_id})
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_http_methods(["GET", "POST"])
def checkin_new(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """Log a check-in: the open action items carry over to tick off."""
    person = request.user
    pairing = _own_pairing(request, pairing_id)
    if not pairing.is_live:
        messages.error(
            request,
            f"This pairing is {pairing.get_status_display().lower()}; "
            "check-ins can no longer be logged.",
        )
        return redirect(_detail(pairing.pk))
    if (not_yet := _not_started(request, pairing)) is not None:
        return not_yet
    is_mentee = person.pk == pairing.mentee_id
    open_items = selectors.open_action_items(person, pairing)
    data = request.POST if request.method == "POST" else None
    form = CheckInForm(
        data, is_mentee=is_mentee, asks_week=True, initial={"occurred_on": today_for(person)}
    )
    carry = CloseItemsForm(data, prefix="carry", items=open_items)
    new_items = NewActionItemFormSet(data, prefix="items", form_kwargs={"pairing": pairing})
    # Each part checked, so every mistake shows at once, not one part a round.
    if data is not None and all([form.is_valid(), carry.is_valid(), new_items.is_valid()]):
        owners = {"mentee": pairing.mentee, "mentor": pairing.mentor}
        try:
            checkin = services.checkin_log(
                pairing=pairing,
                by=person,
                **form.checkin_fields(),
                action_items=[
                    services.ActionItemSpec(
                        text=row["text"], owner=owners[row["owner"]], due_on=row["due_on"]
                    )
                    # Rows left blank are no items (each other row was
                    # checked to have its text and owner).
                    for row in new_items.cleaned_data
                    if row.get("text")
                ],
                close_action_items=carry.cleaned_data["done"],
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            messages.success(request, "Check-in logged.")
            return redirect(_detail(pairing.pk, f"checkin-{checkin.pk}"))
    invalid = bool(form.errors or carry.errors or new_items.total_error_count())
    return render(
        request,
        "checkins/checkin_form.html",
        {
            "pairing": pairing,
            "form": form,
            "carry": carry,
            "new_items": new_items,
            "open_items": open_items,
            "editing": None,
            "problems": _problems(form, carry, *new_items) if invalid else [],
        },
        status=400 if invalid else 200,
    )


def _problems(*forms: forms.Form) -> list[str]:
    """Every field's mistake, named by its field, for the list at the top of
    a long form: each is also said beside its field, which may be out of
    view. (An action item's messages name their row already.)"""
    said: list[str] = []
    for each in forms:
        for name, errors in each.errors.items():
            if name == NON_FIELD_ERRORS:
                continue  # shown at the top already (core/form_errors.html)
            label = str(each.fields[name].label or name)
            for error in map(str, errors):
                named = error.startswith(("Action item", label))
                said.append(error if named else f"{label}: {error}")
    return said


@login_required
@require_http_methods(["GET", "POST"])
def checkin_edit(request: AuthenticatedHttpRequest, checkin_id: int) -> HttpResponse:
    """The author changes their check-in, within a week."""
    person = request.user
    checkin: CheckIn | None = selectors.checkins_visible_to(person).filter(pk=checkin_id).first()
    if checkin is None or not checkin.viewer_in_pair:  # type: ignore[attr-defined]
        raise Http404
    pairing = checkin.pairing
    if not selectors.checkin_editable_by(person, checkin, now=timezone.now()):
        messages.error(
            request,
            f"Only its author can change a check-in, within {selectors.EDIT_WINDOW.days} days.",
        )
        return redirect(_detail(pairing.pk, f"checkin-{checkin.pk}"))
    initial = {
        "occurred_on": checkin.occurred_on,
        "duration_minutes": checkin.duration_minutes,
        "kind": checkin.kind,
        "topics": list(checkin.topics.all()),
        "shared_notes": checkin.readable_shared_notes,  # type: ignore[attr-defined]
        "private_note": checkin.own_private_note or "",  # type: ignore[attr-defined]
        "confidence_pulse": checkin.readable_pulse,  # type: ignore[attr-defined]
    }
    form = CheckInForm(
        request.POST if request.method == "POST" else None,
        is_mentee=person.pk == pairing.mentee_id,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_edit(
                checkin=checkin,
                by=person,
                **form.checkin_fields(),
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            messages.success(request, "Check-in updated.")
            return redirect(_detail(pairing.pk, f"checkin-{checkin.pk}"))
    return render(
        request,
        "checkins/checkin_form.html",
        {"pairing": pairing, "form": form, "editing": checkin},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def action_item_done(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = selectors.action_items_visible_to(request.user).filter(pk=item_id).first()
    if item is None:
        raise Http404
    try:
        services.action_item_complete(item=item, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Action item done.")
    return redirect(_detail(item.pairing_id, "action-items"))


@login_required
@require_POST
def private_note(request: AuthenticatedHttpRequest, checkin_id: int) -> HttpResponse:
    """Either side keeps their own note on any check-in of the pair."""
    checkin = selectors.checkins_visible_to(request.user).filter(pk=checkin_id).first()
    if checkin is None or not checkin.viewer_in_pair:  # type: ignore[attr-defined]
        raise Http404
    form = PrivateNoteForm(request.POST)
    if "private_note" not in request.POST:
        # Removing takes an empty note, not a form that lost its field.
        messages.error(request, "Nothing was sent to save as your private note.")
    elif not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["private_note"]))
    elif services.private_note_write(
        checkin=checkin, by=request.user, text=form.cleaned_data["private_note"]
    ):
        removed = not form.cleaned_data["private_note"].strip()
        messages.success(request, "Private note removed." if removed else "Private note saved.")
    return redirect(_detail(checkin.pairing_id, f"checkin-{checkin.pk}"))


def _occasion_choices(pairing: Pairing) -> tuple[list[tuple[str, str]], set[str]]:
    taken = set(pairing.assessments.values_list("occasion", flat=True))
    choices = []
    for occasion, milestone in sorted(
        selectors.scheduled_assessments(pairing).items(), key=lambda item: item[1].due_on
    ):
        if occasion not in taken:
            label = AssessmentOccasion(occasion).label
            choices.append((occasion, f"{label} (due {milestone.due_on:%-d %b})"))
    choices.append((AssessmentOccasion.AD_HOC, "Any time (ad hoc)"))
    return choices, taken


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """The mentee rates their confidence in each competency of the plan."""
    person = request.user
    pairing = _own_pairing(request, pairing_id)
    if pairing.mentee_id != person.pk:
        raise Http404
    if not pairing.is_live:
        messages.error(request, "This pairing is closed; self-assessments are closed with it.")
        return redirect(_detail(pairing.pk))
    if (not_yet := _not_started(request, pairing)) is not None:
        return not_yet
    occasions, _taken = _occasion_choices(pairing)
    due = selectors.next_assessment_due(pairing, today=today_for(person))
    asked = request.GET.get("occasion")
    occasion = asked if asked in dict(occasions) else (due[0] if due else AssessmentOccasion.AD_HOC)
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        competencies=selectors.plan_competencies(pairing),
        occasions=occasions,
        initial={"occasion": occasion},
    )
    form.fields["reflection"].label = REFLECTION_PROMPTS.get(
        request.POST.get("occasion", occasion), DEFAULT_REFLECTION_PROMPT
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                pairing=pairing,
                by=person,
                occasion=form.cleaned_data["occasion"],
                ratings=form.ratings(),
                shared_with_mentor=form.cleaned_data["shared_with_mentor"],
                reflection=form.cleaned_data["reflection"],
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            messages.success(request, "Your self-assessment is recorded.")
            return redirect("checkins:confidence", pairing_id=pairing.pk)
    return render(
        request,
        "checkins/assessment_form.html",
        {"pairing": pairing, "form": form, "reflection_prompts": REFLECTION_PROMPTS},
        status=400 if form.errors else 200,
    )


@login_required
def confidence(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """Confidence per competency over time: the mentee's own, or what the
    mentee shared with their mentor."""
    person = request.user
    pairing = _own_pairing(request, pairing_id)
    assessments = list(
        selectors.assessments_visible_to(person).filter(pairing=pairing).order_by("taken_on")
    )
    series = selectors.confidence_series(assessments)
    start = pairing.starts_on or (assessments[0].taken_on if assessments else None)
    end = pairing.ends_on or start
    chart = confidence_chart(series, start=start, end=end) if start and end else None
    context: dict[str, Any] = {
        "pairing": pairing,
        "is_mentee": pairing.mentee_id == person.pk,
        "assessments": assessments,
        "series": series,
        "chart": chart,
        "can_assess": pairing.mentee_id == person.pk and pairing.is_live,
    }
    return render(request, "checkins/confidence.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def week(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """Where the mentee's weeks went, week by week, for the pair; and for
    the mentee, this week's split to give (or change)."""
    person = request.user
    pairing = _own_pairing(request, pairing_id)
    is_mentee = person.pk == pairing.mentee_id
    splits = list(
        selectors.week_splits_visible_to(person).filter(pairing=pairing).order_by("week_of")
    )
    today = today_for(person)
    this_week = services.week_of(today)
    can_record = is_mentee and pairing.is_live and not pairing.starts_after(today)
    form = None
    if can_record:
        latest = splits[-1] if splits else None
        form = WeekSplitForm(
            request.POST if request.method == "POST" else None,
            initial=WeekSplitForm.initial_from(latest),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.week_split_record(
                    pairing=pairing, by=person, split=form.cleaned_data["split"], on=today
                )
            except ValidationError as exc:
                attach_service_errors(exc, form)
            else:
                messages.success(request, "This week is recorded. Thank you.")
                return redirect("checkins:week", pairing_id=pairing.pk)
    elif request.method == "POST":
        raise Http404
    latest = splits[-1] if splits else None
    chart = week_chart(splits, starts_on=pairing.starts_on, today=today) if splits else None
    high_at = (
        individual_still_high(pairing.starts_on, latest.week_of, latest.individual, today)
        if latest
        else None
    )
    return render(
        request,
        "checkins/week.html",
        {
            "pairing": pairing,
            "is_mentee": is_mentee,
            "splits": splits,
            "chart": chart,
            "chart_rows": list(zip(chart.rows, splits, strict=True)) if chart else [],
            "form": form,
            "this_week": this_week,
            "this_week_given": bool(latest and latest.week_of == this_week),
            "high_at": high_at,
            "high_share": latest.individual if latest and high_at else None,
            "high_after": INDIVIDUAL_HIGH_AFTER_DAY,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def week_from_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the Friday email: the mentee says where that week went,
    without signing in. Opening it changes nothing (mail scanners open
    links); the form is filled with the week before, to confirm or change."""
    try:
        link = links.read_week(token)
        pairing = (
            Pairing.objects.select_related("mentee", "mentor", "program")
            .filter(pk=link.pairing_id, mentee_id=link.person_id, mentee__is_active=True)
            .first()
        )
        if pairing is None or not pairing.is_live:
            raise links.LinkGone
    except links.LinkError as exc:
        return link_not_working(request, exc)
    splits = {s.week_of: s for s in WeekSplit.objects.filter(pairing=pairing).order_by("week_of")}
    given = splits.get(link.week_of)
    before = [s for week, s in splits.items() if week < link.week_of]
    shown = given or (before[-1] if before else None)
    form = WeekSplitForm(
        request.POST if request.method == "POST" else None,
        initial=WeekSplitForm.initial_from(shown),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.week_split_record(
                pairing=pairing,
                by=pairing.mentee,
                split=form.cleaned_data["split"],
                on=link.week_of,
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            return render(
                request, "checkins/week_from_email_done.html", {"pairing": pairing, "link": link}
            )
    return render(
        request,
        "checkins/week_from_email.html",
        {"pairing": pairing, "link": link, "form": form, "given": given, "shown": shown},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def assessment_share(request: AuthenticatedHttpRequest, assessment_id: int) -> HttpResponse:
    assessment = (
        selectors.assessments_visible_to(request.user)
        .filter(pk=assessment_id, mentee=request.user)
        .first()
    )
    if assessment is None:
        raise Http404
    form = ShareForm(request.POST)
    shared = form.is_valid() and form.cleaned_data["shared_with_mentor"]
    services.assessment_share(assessment=assessment, by=request.user, shared=shared)
    messages.success(
        request,
        "Your mentor now sees these ratings." if shared else "These ratings are now yours alone.",
    )
    return redirect("checkins:confidence", pairing_id=assessment.pairing_id)


def _not_started(request: AuthenticatedHttpRequest, pairing: Pairing) -> HttpResponse | None:
    """Back to the pairing, with its first day, if that day is still ahead."""
    if not pairing.starts_after(today_for(request.user)):
        return None
    messages.info(
        request,
        f"Your pairing starts on {pairing.starts_on:%A %-d %B}: "
        "check-ins and self-ratings open that day.",
    )
    return redirect(_detail(pairing.pk))
