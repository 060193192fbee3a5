"""OpenAPI generation that tells the truth about errors.

Every operation documents the error responses it can really return, all in
the one shape of ``errors.py``, so clients (and schemathesis) can rely on
the schema for failures as well as successes.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "status": serializers.IntegerField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(
                    required=False,
                    help_text="For validation errors: each field's messages.",
                ),
            },
        )
    },
)

_DESCRIPTIONS = {
    "400": "The request is not valid; `fields` says what to change.",
    "401": "Not signed in: send a session cookie or `Authorization: Token <token>`.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or outside what you may see.",
    "429": "Too many attempts; retry after the `Retry-After` seconds.",
}


class ScaffoldAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["400"]
        view_permissions = self.view.get_permissions()
        public = all(isinstance(p, permissions.AllowAny) for p in view_permissions)
        if not public:
            codes += ["401", "403"]
        # Detail routes miss objects outside one's reach; lists refuse a
        # cursor that is not theirs with 404 too.
        if "{" in self.path or self._is_list_view() or not public:
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code]),
                    code,
                    direction=direction,
                )
        return responses
