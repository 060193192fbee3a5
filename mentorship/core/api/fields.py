from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty

from mentorship.people.signed_in import person_of


class StrictBooleanField(serializers.BooleanField):
    """Only JSON ``true`` and ``false``: ``0``, ``"yes"`` and the like are
    refused, as the schema (type: boolean) promises."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        raise AssertionError  # fail() always raises


class StrictCharField(serializers.CharField):
    """Only JSON strings: a number is not quietly turned into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictFloatField(serializers.FloatField):
    """Only JSON numbers: ``true`` is not quietly read as 1.0, nor ``"0.5"``
    as a number, as the schema (type: number) promises."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return float(super().to_internal_value(data))


MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id. Out-of-range numbers are refused as invalid
    before they reach the database (which would overflow)."""

    default_error_messages = {
        "required": "This field is required.",
        "does_not_exist": "Nothing you may use has the id {pk_value}.",
        "incorrect_type": "Give an id: a whole number from 1.",
    }

    def run_validation(self, data: Any = empty) -> Any:
        # DRF reads "" as null for every relation (an HTML form's empty
        # choice); in JSON, as the schema says, it is neither an id nor null.
        if data == "" and not getattr(self, "from_form", False):
            self.fail("incorrect_type", data_type="str")
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int) or not 1 <= data <= MAX_ID:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class ScopedIdRelatedField(IdRelatedField):
    """A related object by id, looked up only among those the person asking
    may use: ``scope`` is the selector (``programs_administered_by``…). An id
    outside their reach gets the same answer as one that does not exist, so
    the answer tells nothing about other people's data. The serializer needs
    the request in its context."""

    def __init__(
        self, *, scope: Callable[[Any], QuerySet[Any]], from_form: bool = False, **kwargs: Any
    ) -> None:
        self.scope = scope
        # A multipart form sends every field as text: "12" is the id 12 there.
        self.from_form = from_form
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if self.from_form and isinstance(data, str) and data.isascii() and data.isdigit():
            data = int(data) if len(data) <= 19 else MAX_ID + 1
        return super().to_internal_value(data)

    def get_queryset(self) -> QuerySet[Any]:
        return self.scope(person_of(self.context["request"]))


class QuerySerializer(serializers.Serializer[Any]):
    """Query parameters of an action. As with every list filter, an empty
    value (``?since=``) is a mistake and refused, not read as "left out"."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        names: list[str] = list(self.fields.keys())
        empty = {
            name: ["Give a value, or leave this parameter out of the query."]
            for name in names
            if data.get(name) == ""
        }
        if empty:
            raise ValidationError(empty)
        return dict(super().to_internal_value(data))


def columns_shown_by(serializer_class: type[serializers.ModelSerializer[Any]]) -> tuple[str, ...]:
    """The model's own columns a serializer's fields read: each field named
    in ``Meta.fields`` whose source (its own name unless it says otherwise)
    is a concrete column. A list that loads these with ``.only()`` reads what
    its page shows, and stays right when a field is added or renamed."""
    meta = serializer_class.Meta
    model: type[Model] = meta.model
    columns = {field.name for field in model._meta.concrete_fields}
    declared = serializer_class._declared_fields
    shown = []
    for name in meta.fields:
        field = declared.get(name)
        source = (field.source if field is not None else None) or name
        if source.split(".")[0] in columns:
            shown.append(source.split(".")[0])
    return tuple(shown)
