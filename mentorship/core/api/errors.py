"""One error shape for the whole API.

Every error response, from validation to a missing object to a server fault,
has the body::

    {"error": {"status": 400, "code": "invalid", "message": "...",
               "fields": {"name": ["This field is required."]}}}

``fields`` is present only for validation errors and maps each field (or
``non_field_errors``) to its messages.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


def error_body(
    status_code: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status_code, "code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Services raise Django's ValidationError; the API reports it like a
    # serializer's, with the same field names.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # A service's reason, written for the person, when it gives one.
        exc = exceptions.PermissionDenied(str(exc) or None)

    if not isinstance(exc, exceptions.APIException):
        return None  # a real fault: Django logs it and handler500 answers

    headers: dict[str, str] = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if wait := getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(wait))

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        body = error_body(
            exc.status_code, "invalid", "Some of the data sent is not valid.", _plain(fields)
        )
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        body = error_body(exc.status_code, code, str(exc.detail))

    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


def _plain(value: Any) -> Any:
    """ErrorDetail strings and lazy texts to plain JSON values."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


def json_error(request: HttpRequest, status_code: int, code: str, message: str) -> JsonResponse:
    """An error Django itself answers (outside DRF), in the API's shape."""
    return JsonResponse(error_body(status_code, code, message), status=status_code)


def json_not_found(request: HttpRequest) -> JsonResponse:
    return json_error(request, status.HTTP_404_NOT_FOUND, "not_found", "Not found.")


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body(
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            "server_error",
            "Something went wrong on our side. It has been logged.",
        ),
        status=500,
    )
