from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mentorship import access
from mentorship.agreements import selectors, services
from mentorship.agreements.forms import ReviewForm, ShareForm, WriteForm
from mentorship.agreements.models import ManagerAgreement
from mentorship.core.forms import attach_service_errors
from mentorship.core.timezones import today_for
from mentorship.notifications import links
from mentorship.notifications.views import link_not_working
from mentorship.pairings.models import Pairing
from mentorship.pairings.selectors import pairing_visible_to
from mentorship.people.models import Person
from mentorship.people.signed_in import AuthenticatedHttpRequest


def _forms(
    post: Any, agreement: ManagerAgreement, person: Person
) -> tuple[WriteForm | None, ReviewForm | None]:
    """The forms this person may use on this agreement, bound to a POST of
    their own action if there is one."""
    action = post.get("action") if post is not None else None
    is_boss = services.is_line_manager_of(person, agreement)
    is_mentee = person.pk == agreement.pairing.mentee_id
    live = agreement.pairing.is_live
    write = review = None
    if is_boss and live and agreement.confirmed_at is None:
        write = WriteForm(
            post if action == "write" else None,
            initial={
                "success": agreement.success,
                "decisions": agreement.decisions,
                "handoffs": agreement.handoffs,
                "handoffs_by": agreement.handoffs_by,
            },
        )
    review_open = services.review_is_open(agreement, today_for(agreement.pairing.mentee))
    if (is_boss or is_mentee) and live and review_open:
        review = ReviewForm(
            post if action == "review" else None,
            initial={
                "review_success": agreement.review_success,
                "review_decisions": agreement.review_decisions,
                "review_handoffs": agreement.review_handoffs,
            },
        )
    return write, review


def _act(
    post: Any,
    agreement: ManagerAgreement,
    person: Person,
    write: WriteForm | None,
    review: ReviewForm | None,
) -> bool:
    """Carry out the POST's action; False when a form holds errors to show.
    Raises ValidationError for a refusal that belongs to no field."""
    action = post.get("action")
    is_mentee = person.pk == agreement.pairing.mentee_id
    form: WriteForm | ReviewForm | None = None
    try:
        if action == "write" and write is not None:
            form = write
            if write.is_valid():
                services.agreement_write(agreement=agreement, by=person, text=write.text())
                return True
        elif action == "review" and review is not None:
            form = review
            if review.is_valid():
                services.agreement_review(
                    agreement=agreement, by=person, answers=review.cleaned_data
                )
                return True
        elif action == "confirm" and is_mentee:
            services.agreement_confirm(agreement=agreement, by=person)
            return True
        elif action == "share" and is_mentee:
            share = ShareForm(post)
            shared = share.is_valid() and share.cleaned_data["shared_with_mentor"]
            services.agreement_share(agreement=agreement, by=person, shared=shared)
            return True
        else:
            raise Http404
    except ValidationError as exc:
        if form is None:
            raise
        attach_service_errors(exc, form)
    return False


def _handle(
    request: HttpRequest, pairing: Pairing, agreement: ManagerAgreement | None, person: Person
) -> tuple[dict[str, Any], bool]:
    post = request.POST if request.method == "POST" else None
    write = review = None
    done = False
    if agreement is not None:
        write, review = _forms(post, agreement, person)
        if post is not None:
            try:
                done = _act(post, agreement, person, write, review)
            except ValidationError as exc:
                for problems in exc.message_dict.values():
                    for problem in problems:
                        messages.error(request, problem)
    elif post is not None:
        raise Http404
    context = {
        "agreement": agreement,
        "write_form": write,
        "review_form": review,
        "is_boss": agreement is not None and services.is_line_manager_of(person, agreement),
        "is_mentee": person.pk == pairing.mentee_id,
    }
    return context, done


DONE_MESSAGES = {
    "write": "Saved. They are asked to confirm it.",
    "review": "Review saved. Thank you.",
    "confirm": "Confirmed: this is what you agreed.",
    "share": "Saved.",
}


@login_required
@require_http_methods(["GET", "POST"])
def pairing_agreement(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """The agreement of one pairing: for the mentee and their line manager;
    for the mentor once shared."""
    person = request.user
    pairing = pairing_visible_to(person, pairing_id)
    if pairing is None:
        raise Http404
    agreement = selectors.agreements_visible_to(person).filter(pairing=pairing).first()
    is_pair = access.is_member(person, pairing)
    if agreement is None and not is_pair:
        raise Http404
    context, done = _handle(request, pairing, agreement, person)
    if done:
        messages.success(request, DONE_MESSAGES[request.POST["action"]])
        return redirect("agreements:pairing", pairing_id=pairing.pk)
    return _page(request, pairing, person, context)


def _page(
    request: HttpRequest, pairing: Pairing, person: Person, context: dict[str, Any]
) -> HttpResponse:
    forms = [context["write_form"], context["review_form"]]
    return render(
        request,
        "agreements/agreement.html",
        {
            **context,
            "pairing": pairing,
            "state": selectors.agreement_state(pairing),
            "is_mentor": person.pk == pairing.mentor_id,
        },
        status=400 if any(f is not None and f.errors for f in forms) else 200,
    )


@require_http_methods(["GET", "POST"])
def agreement_from_email(request: HttpRequest, token: str) -> HttpResponse:
    """The line manager's link: their side, and later the review, without
    signing in. Opening it changes nothing."""
    try:
        link = links.read_agreement(token)
        agreement = (
            ManagerAgreement.objects.select_related(
                "pairing__mentee", "pairing__mentor", "pairing__program", "line_manager"
            )
            .filter(pk=link.agreement_id, line_manager_id=link.person_id)
            .filter(line_manager__is_active=True)
            .first()
        )
        if agreement is None or agreement.line_manager is None:
            raise links.LinkGone
    except links.LinkError as exc:
        return link_not_working(request, exc)
    context, done = _handle(request, agreement.pairing, agreement, agreement.line_manager)
    if done:
        messages.success(request, DONE_MESSAGES[request.POST["action"]])
        return redirect("agreements:from-email", token=token)
    return _page(request, agreement.pairing, agreement.line_manager, context)


@login_required
@require_POST
def ask(request: AuthenticatedHttpRequest, pairing_id: int) -> HttpResponse:
    """The mentee asks their line manager now, before the plan's step."""
    pairing = pairing_visible_to(request.user, pairing_id)
    if pairing is None or pairing.mentee_id != request.user.pk or not pairing.is_live:
        raise Http404
    if services.agreement_ask(pairing=pairing) is None:
        messages.error(request, "You have no manager in Scaffold: ask HR to set one.")
    else:
        messages.success(request, "Asked: your manager gets an email at 09:00 their time.")
    return redirect("agreements:pairing", pairing_id=pairing.pk)
