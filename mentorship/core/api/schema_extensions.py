"""How the OpenAPI document describes our own field classes.

Registered by importing this module (``CoreConfig.ready``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from mentorship.core.api.schema_hooks import NOT_BLANK


class TrimmedTextExtension(OpenApiSerializerFieldExtension):
    """A required text field that trims (DRF's default) refuses text of only
    whitespace as blank: its request schema says so with NOT_BLANK, which
    names exactly the whitespace Python strips, so no schema-valid text is
    refused as blank."""

    target_class = "mentorship.core.api.fields.StrictCharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if (
            direction == "request"
            and schema.get("type") == "string"
            and field.trim_whitespace
            and not field.allow_blank
        ):
            schema["pattern"] = NOT_BLANK
        return schema
