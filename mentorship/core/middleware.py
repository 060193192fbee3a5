"""Responses are private unless a view says otherwise; load balancers'
health probes are answered before anything can turn them away; an action
the task queue would not take answers 503, not 500."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.cache import patch_cache_control


def private_by_default(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """``Cache-Control: no-store, private`` on every page and API answer
    that does not set its own: notes, a token shown once, a calendar
    address must not stay in a shared or back-button cache. Static files
    never reach here (WhiteNoise answers them first, with long caching)."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware


def health_probes_first(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """``GET /health/`` answered first, whatever the Host header and
    scheme: a load balancer probes each instance by its IP address over
    plain HTTP, which host validation (400) and the HTTPS redirect (301)
    would otherwise refuse. The probe learns only whether the database,
    broker and scheduler answer."""
    from mentorship.core.views import health

    def middleware(request: HttpRequest) -> HttpResponseBase:
        if request.path == reverse("health"):
            return health(request)
        return get_response(request)

    return middleware


class TaskQueueOutage:
    """An action whose task the broker would not take (``TaskQueueUnavailable``,
    raised once its transaction has committed) answers 503 with Retry-After,
    on a page or in the API's error shape: an outage to wait out, not a bug.
    As middleware rather than in handler500, so it holds with DEBUG on too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        from mentorship.core.tasks import TaskQueueUnavailable
        from mentorship.core.views import task_queue_unavailable

        if isinstance(exception, TaskQueueUnavailable):
            return task_queue_unavailable(request)
        return None
