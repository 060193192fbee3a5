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
from rest_framework.exceptions import ValidationError

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


# What a list reads from its query string besides its filters.
LIST_PARAMETERS = frozenset({"cursor", "page_size", "format"})


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, strict, and a list refuses what it does not read: a
    parameter that is no filter of it (``?ordering=title``, ``?statu=open``)
    is a 400 naming it and the list's filters, not a list quietly unfiltered
    or in another order than asked."""

    filterset_base = StrictFilterSet

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        if getattr(view, "action", None) == "list":
            filterset_class = self.get_filterset_class(view, queryset)
            known = set(filterset_class.base_filters) if filterset_class else set()
            unknown = sorted(set(request.query_params) - known - LIST_PARAMETERS)
            if unknown:
                offered = ", ".join(sorted(known)) or "none"
                order = ", ".join(getattr(view, "cursor_ordering", ()) or ("-id",))
                raise ValidationError(
                    {
                        name: [
                            f"This list has no such parameter. Its filters: {offered}; "
                            f"its order is fixed ({order}), and cursor and page_size page "
                            "through it."
                        ]
                        for name in unknown
                    }
                )
        return super().filter_queryset(request, queryset, view)

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
