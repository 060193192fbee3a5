"""Filtering for every list endpoint: django-filter, made strict.

A filter given with an empty value (``?status=``) is refused with 400 rather
than silently ignored, so a client that forgot to fill a value in finds out.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from mentorship.core.api.fields import MAX_ID


class StrictFilterSet(django_filters.FilterSet):
    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            problem = None
            if any(value == "" for value in values):
                problem = "Give a value, or leave this filter out of the query."
            elif isinstance(filter_, django_filters.BooleanFilter) and any(
                value not in ("true", "false") for value in values
            ):
                problem = "Use true or false."
            if problem:
                self.form.add_error(name, problem)
                valid = False
        return valid


class StrictFilterBackend(DjangoFilterBackend):
    filterset_base = StrictFilterSet

    def get_filterset_class(self, view: Any, queryset: Any = None) -> Any:
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is not None and not issubclass(filterset_class, StrictFilterSet):
            raise TypeError(f"{filterset_class.__name__} must subclass StrictFilterSet.")
        return filterset_class


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """Filter on a related object's id. An id that matches nothing gives an
    empty list, like any other filter value that matches nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
