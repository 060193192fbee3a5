from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from mentorship import access
from mentorship.notifications import links, selectors, services
from mentorship.notifications.forms import EmailPreferencesForm, NotificationLogFilter
from mentorship.notifications.kinds import kind_for, registry
from mentorship.people.models import Person
from mentorship.people.signed_in import AuthenticatedHttpRequest

# --------------------------------------------------------------------------
# What was sent


@login_required
def my_emails(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every reminder sent (or about to be sent) to you."""
    rows = selectors.notifications_visible_to(request.user).filter(recipient=request.user)
    page = Paginator(rows.order_by("-send_after", "-id"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/my_emails.html",
        {"page": page, "kinds": registry(), "kept_days": settings.RETENTION_EMAIL_LOG_DAYS},
    )


@login_required
def notification_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For program admins: the emails of their programs, to check and retry."""
    if not access.roles(request.user).is_program_admin:
        raise PermissionDenied
    form = NotificationLogFilter(request.GET or None, kinds=list(registry().values()))
    rows = selectors.notifications_visible_to(request.user)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["recipient"]:
            rows = rows.filter(recipient__email__icontains=form.cleaned_data["recipient"])
    page = Paginator(rows.order_by("-send_after", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/log.html",
        {
            "page": page,
            "form": form,
            "kinds": registry(),
            "query": request.GET.urlencode(),
            "kept_days": settings.RETENTION_EMAIL_LOG_DAYS,
        },
    )


@login_required
@require_POST
def notification_retry(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    if not access.roles(request.user).is_program_admin:
        raise PermissionDenied
    notification = get_object_or_404(
        selectors.notifications_visible_to(request.user), pk=notification_id
    )
    try:
        services.notification_retry(notification=notification, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The email to {notification.recipient.email} is queued again.")
    return redirect("notifications:log")


# --------------------------------------------------------------------------
# Preferences and unsubscribing


def link_not_working(request: HttpRequest, problem: links.LinkError) -> HttpResponse:
    """Where a link from an email leads when it cannot act: damaged on its
    way (400), or good once and no more — expired, or what it was about is
    gone (410). Never a bare error page."""
    reason, status = {
        links.LinkInvalid: ("damaged", 400),
        links.LinkExpired: ("expired", 410),
        links.LinkGone: ("gone", 410),
    }[type(problem)]
    return render(request, "notifications/link_expired.html", {"reason": reason}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = request.user
    form = EmailPreferencesForm(
        request.POST or None,
        kinds=selectors.email_preferences_for(person),
        initial={"weekdays_only": person.email_weekdays_only},
    )
    if request.method == "POST" and form.is_valid():
        services.email_preferences_update(
            person=person,
            enabled_kinds=form.enabled_kinds(),
            weekdays_only=form.cleaned_data["weekdays_only"],
        )
        messages.success(request, "Your email preferences are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# Mail clients unsubscribe with a bare POST (RFC 8058 one-click) and no CSRF
# token; the signed token in the URL is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = links.read_unsubscribe(token)
    except links.LinkError as exc:
        return link_not_working(request, exc)
    person = Person.objects.filter(pk=link.person_id, is_active=True).first()
    if person is None or link.kind not in registry():
        return link_not_working(request, links.LinkGone())
    kind = kind_for(link.kind)
    if request.method == "POST":
        services.email_opt_out(person=person, kind=link.kind)
        return render(request, "notifications/unsubscribed.html", {"kind": kind, "person": person})
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "person": person})


# --------------------------------------------------------------------------
# The development outbox


def _require_outbox() -> None:
    if settings.EMAIL_BACKEND_NAME != "outbox":
        raise Http404("The outbox is kept only when EMAIL_BACKEND=outbox.")


@login_required
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_outbox()
    messages_ = selectors.outbox_visible_to(request.user)
    page = Paginator(messages_, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "kept_days": settings.RETENTION_OUTBOX_DAYS},
    )


@login_required
def outbox_message(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    _require_outbox()
    message = get_object_or_404(selectors.outbox_visible_to(request.user), pk=message_id)
    return render(request, "notifications/outbox_message.html", {"message": message})


# The HTML body is shown in a sandboxed frame: it may style itself inline,
# as emails do, and may do nothing else.
@login_required
@csp_override(
    {
        "default-src": [CSP.NONE],
        "style-src": [CSP.UNSAFE_INLINE],
        "img-src": ["data:"],
        "sandbox": [""],
        "frame-ancestors": [CSP.SELF],
    }
)
def outbox_message_html(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    _require_outbox()
    message = get_object_or_404(selectors.outbox_visible_to(request.user), pk=message_id)
    response = HttpResponse(message.body_html or "<p>(no HTML part)</p>")
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
