from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mentorship.feeds import selectors, services
from mentorship.feeds.ical import calendar_for
from mentorship.people.signed_in import AuthenticatedHttpRequest


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no sign-in (calendar apps cannot), the secret
    address is the key. A revoked or unknown address is a 404."""
    found = selectors.feed_for_token(token)
    if found is None:
        raise Http404
    now = timezone.now()
    body = calendar_for(found.person, selectors.calendar_milestones(found.person), now=now)
    services.calendar_feed_fetched(feed=found, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="scaffold.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create, replace or revoke one's calendar address. A new address is
    shown once: only its digest is kept."""
    person = request.user
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.calendar_feed_revoke(person=person):
                messages.success(request, "Your calendar address is revoked; it shows nothing now.")
        else:
            token = services.calendar_feed_issue(person=person)
            # Post/redirect/get: held in the session for the one page that
            # shows it, so a reload neither resubmits nor shows it again.
            request.session[NEW_URL] = settings.SITE_URL + reverse(
                "feeds:feed", kwargs={"token": token}
            )
        return redirect("feeds:settings")
    return render(
        request,
        "feeds/settings.html",
        {"feed": selectors.feed_of(person), "new_url": request.session.pop(NEW_URL, None)},
    )


NEW_URL = "feeds.new_url"
