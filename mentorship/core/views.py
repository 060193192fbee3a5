from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mentorship.core import health as health_checks
from mentorship.core.api.errors import json_error


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database and broker answer, else 503."""
    healthy, report = health_checks.report()
    return JsonResponse(report, status=200 if healthy else 503)


# The database cannot be reached, or dropped the connection: an outage to
# wait out, not a bug (config/urls.py's handler500 tells them apart).
DatabaseUnreachable = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def task_queue_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: an action whose work the task queue would not
    take (core/tasks.py). What it wrote is kept and marked not started."""
    message = (
        "Scaffold could not start this: its task queue is not answering just now. "
        "Nothing was started; try again in a minute."
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = json_error(request, 503, "unavailable", message)
    else:
        page = loader.get_template("503.html").render({"cause": "task_queue"})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the styled page, rendered without the request
    (no session or signed-in person can be read without the database), or
    the API's error shape."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = json_error(
            request,
            503,
            "unavailable",
            "Scaffold cannot reach its database just now. Try again in a minute.",
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
