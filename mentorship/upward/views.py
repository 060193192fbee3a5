from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorship.checkins.selectors import pairings_of_pair
from mentorship.core.forms import attach_service_errors
from mentorship.insights.selectors import programs_for_insights
from mentorship.notifications import links
from mentorship.pairings.models import Pairing
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.upward import selectors, services
from mentorship.upward.forms import AnswerForm, FocusForm, ShareForm
from mentorship.upward.models import FeedbackInvite, FeedbackRound
from mentorship.upward.statements import MAX_FOCUS


class RoundClosed(links.LinkError):
    """The link is good; its round takes no more answers."""


def _invite_from(token: str) -> FeedbackInvite:
    """The invitation a link names, while its round takes answers."""
    invite = (
        FeedbackInvite.objects.select_related("round__pairing__mentee", "person")
        .filter(pk=links.read_upward(token), person__is_active=True)
        .first()
    )
    if invite is None:
        raise links.LinkGone
    if not services.round_takes_answers(invite.round):
        raise RoundClosed
    return invite


LINK_PROBLEMS = {
    RoundClosed: ("This round of feedback has closed; answers are no longer taken.", 410),
    links.LinkInvalid: (
        "It reached us cut short or changed (some mail programs break long links): open it "
        "again from the email itself.",
        400,
    ),
    links.LinkExpired: ("This link has expired.", 410),
    links.LinkGone: ("This round of feedback is no longer there.", 410),
}


def _link_problem(request: HttpRequest, exc: links.LinkError) -> HttpResponse:
    """Reports may have no account: the page asks nobody to sign in."""
    message, status = LINK_PROBLEMS[type(exc)]
    return render(request, "upward/already.html", {"message": message}, status=status)


def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation: the survey, without signing in. Opening
    it changes nothing (mail scanners open links); the answer is sent to an
    address that carries no token (``answer``)."""
    try:
        invite = _invite_from(token)
    except links.LinkError as exc:
        return _link_problem(request, exc)
    if services.invite_used(invite):
        return render(request, "upward/already.html", {"round": invite.round}, status=410)
    form = AnswerForm(initial={"token": token})
    return _survey(request, invite, form)


def _survey(
    request: HttpRequest, invite: FeedbackInvite, form: AnswerForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "upward/respond.html",
        {
            "invite": invite,
            "round": invite.round,
            "manager": invite.round.pairing.mentee,
            "form": form,
        },
        status=status,
    )


@require_POST
def answer(request: HttpRequest) -> HttpResponse:
    """The survey's answer, or a decline: the token comes in the form."""
    form = AnswerForm(request.POST)
    try:
        invite = _invite_from(request.POST.get("token", ""))
    except links.LinkError as exc:
        return _link_problem(request, exc)
    declining = "decline" in request.POST
    if declining:
        try:
            services.invite_decline(invite=invite)
        except ValidationError as exc:
            return _refused(request, invite, exc)
        return render(request, "upward/done.html", {"round": invite.round, "declined": True})
    if form.is_valid():
        try:
            services.answer_record(invite=invite, scores=form.scores(), comments=form.comments())
        except ValidationError as exc:
            if "round" in exc.message_dict:
                return _refused(request, invite, exc)
            attach_service_errors(exc, form)
        else:
            return render(request, "upward/done.html", {"round": invite.round, "declined": False})
    return _survey(request, invite, form, status=400)


def _refused(request: HttpRequest, invite: FeedbackInvite, exc: ValidationError) -> HttpResponse:
    return render(
        request,
        "upward/already.html",
        {"round": invite.round, "message": " ".join(exc.message_dict["round"])},
        status=410,
    )


def _pairing(request: AuthenticatedHttpRequest, pairing_id: int) -> Pairing:
    pairing = pairings_of_pair(request.user).filter(pk=pairing_id).first()
    if pairing is None:
        raise Http404
    return pairing


@login_required
def pairing_rounds(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """The rounds of one pairing: all of them for the mentee, those shared
    with them for the mentor."""
    pairing = _pairing(request, pairing_id)
    results = selectors.pairing_results(request.user, pairing)
    is_mentee = request.user.pk == pairing.mentee_id
    return render(
        request,
        "upward/rounds.html",
        {
            "pairing": pairing,
            # Newest first, each shown round with its focus form.
            "rounds": [
                (r, FocusForm(initial={"focus": r.round.focus}) if r.shown else None)
                for r in reversed(results)
            ],
            "is_mentee": is_mentee,
            "not_enough": selectors.NOT_ENOUGH,
            "min_answers": services.min_answers(),
            "max_focus": MAX_FOCUS,
        },
    )


def _round_of(request: AuthenticatedHttpRequest, round_id: int) -> selectors.RoundResults:
    result = selectors.round_results(request.user, round_id)
    if result is None:
        raise Http404
    return result


@login_required
@require_POST
def round_share(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    result = _round_of(request, round_id)
    round_ = result.round
    if request.user.pk != round_.pairing.mentee_id:
        raise Http404
    form = ShareForm(request.POST)
    shared = form.is_valid() and form.cleaned_data["shared_with_mentor"]
    services.round_share(round_=round_, by=request.user, shared=shared)
    messages.success(
        request,
        f"{round_.pairing.mentor.full_name} now sees this round's results."
        if shared
        else "This round's results are now yours alone.",
    )
    return redirect("upward:pairing", pairing_id=round_.pairing_id)


@login_required
@require_POST
def round_focus(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    result = _round_of(request, round_id)
    form = FocusForm(request.POST)
    if form.is_valid():
        try:
            services.round_set_focus(
                round_=result.round, by=request.user, keys=form.cleaned_data["focus"]
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
    if form.errors:
        for problem in form.errors.get("focus", []) + form.non_field_errors():
            messages.error(request, str(problem))
    else:
        messages.success(
            request,
            "Focus saved: it shows on the pairing page, for the two of you, until you change it.",
        )
    return redirect("upward:pairing", pairing_id=result.round.pairing_id)


@login_required
def cohort(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HR and program admins: per program, the average per statement over
    managers' rounds, round 1 beside round 2, for groups large enough."""
    programs = list(programs_for_insights(request.user))
    if not programs:
        raise Http404
    chosen = request.GET.get("program")
    # By default the program with the latest round (not a draft with none).
    latest = (
        FeedbackRound.objects.filter(pairing__program__in=[p.pk for p in programs])
        .order_by("-opened_on", "-pk")
        .values_list("pairing__program_id", flat=True)
        .first()
    )
    program = next(
        (p for p in programs if str(p.pk) == chosen),
        next((p for p in programs if p.pk == latest), programs[0]),
    )
    return render(
        request,
        "upward/cohort.html",
        {
            "programs": programs,
            "program": program,
            "cohort": selectors.cohort_upward(request.user, program),
        },
    )
