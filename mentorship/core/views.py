from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mentorship.core import health as health_checks


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database and broker answer, else 503."""
    healthy, report = health_checks.report()
    return JsonResponse(report, status=200 if healthy else 503)
