"""Keyset pagination that always ends.

Each list names its order in ``cursor_ordering``, ending with a unique field
(the id), so the order is total. A cursor holds the ordering values of the
row at a page's edge, and the next page is the rows strictly after them:

    (a, b, id) after (x, y, z)  ⇔  a > x  or  (a = x and b > y)
                                   or (a = x and b = y and id > z)

with ``<`` for the fields ordered descending. Every row is visited exactly
once however many share a value (DRF's own cursor walks ties with an offset
it caps at 1,000, after which it repeats the same page for ever), and a page
costs an index range scan wherever an index matches the order, whatever
the depth.

A cursor is signed (``cursor_for``): the API reads only cursors it wrote, so
a value nobody could have paged to (an id past 64 bits, a name where a date
belongs) never reaches the database; any other cursor answers 404.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Model, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param


class StandardCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: tuple[str, ...] = ("-id",)

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        ordering = tuple(getattr(view, "cursor_ordering", self.ordering))
        if ordering[-1].lstrip("-") not in ("id", "pk"):
            # Without a unique last field, rows sharing every value would have
            # no order between them, and a page edge among them no meaning.
            ordering = (*ordering, "-id" if ordering[-1].startswith("-") else "id")
        return ordering

    # -- reading a page -----------------------------------------------------

    def paginate_queryset(  # type: ignore[override]
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self._fields = [name.lstrip("-") for name in self.ordering]
        self._descending = [name.startswith("-") for name in self.ordering]
        cursor = self._read_cursor(request, queryset)
        backwards = cursor is not None and cursor[1]
        order = [
            f"{'-' if desc != backwards else ''}{name}"
            for name, desc in zip(self._fields, self._descending, strict=True)
        ]
        rows = queryset.order_by(*order)
        if cursor is not None:
            rows = rows.filter(self._after(cursor[0], backwards=backwards))
        fetched = list(rows[: self.page_size + 1])
        more = len(fetched) > self.page_size
        page = fetched[: self.page_size]
        if backwards:
            page.reverse()
        self.page = page
        # Forwards: a next page if more rows came; a previous one unless this
        # is the first. Backwards, the other way round.
        has_next = more if not backwards else bool(page)
        has_previous = (cursor is not None and bool(page)) if not backwards else more
        self._next = self._link(page[-1], backwards=False) if has_next and page else None
        self._previous = self._link(page[0], backwards=True) if has_previous and page else None
        if cursor is not None and not page and not backwards:
            # Past the end (the rows after it went away): back to the start.
            self._previous = remove_query_param(str(self.base_url), self.cursor_query_param)
        return page

    def _after(self, values: list[Any], *, backwards: bool) -> Q:
        """Rows strictly after ``values`` in the order (before, backwards).

        When every field runs the same way, as in every list here, that is a
        row comparison, ``(created_at, id) < (x, y)``: PostgreSQL reads it as
        one bound of an index range scan on ``(created_at, id)``, so a page
        deep in a million rows costs what the first does. Mixed directions
        fall back to the spelled-out OR, led by the first field's bound,
        which is still an index condition."""
        if len(set(self._descending)) == 1:
            greater = self._descending[0] == backwards
            columns = Tuple(*(F(name) for name in self._fields))
            compare = TupleGreaterThan if greater else TupleLessThan
            return Q(compare(columns, list(values)))
        condition = Q(pk__in=[])
        equal = Q()
        for name, desc, value in zip(self._fields, self._descending, values, strict=True):
            greater = desc == backwards  # ascending forwards, or descending backwards
            condition |= equal & Q(**{f"{name}__{'gt' if greater else 'lt'}": value})
            equal &= Q(**{name: value})
        first, first_greater = self._fields[0], self._descending[0] == backwards
        return Q(**{f"{first}__{'gte' if first_greater else 'lte'}": values[0]}) & condition

    # -- cursors ------------------------------------------------------------

    def _link(self, row: Model, *, backwards: bool) -> str:
        cursor = cursor_for([getattr(row, name) for name in self._fields], backwards=backwards)
        return replace_query_param(str(self.base_url), self.cursor_query_param, cursor)

    def _read_cursor(
        self, request: Request, queryset: QuerySet[Any]
    ) -> tuple[list[Any], bool] | None:
        """Only a cursor this API wrote (``cursor_for``: ``{"v": [the
        ordering's values], "r": 1?}``, signed) whose values are values of
        the ordering's fields. Anything else names no page (404), never the
        first page or a server error."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            body = signing.loads(encoded, salt=CURSOR_SALT)
        except (signing.BadSignature, ValueError, UnicodeError):
            raise self._bad_cursor() from None
        if (
            not isinstance(body, dict)
            or not set(body) <= {"v", "r"}
            or body.get("r", 1) != 1
            or not isinstance(body.get("v"), list)
            or len(body["v"]) != len(self._fields)
        ):
            raise self._bad_cursor()
        values = []
        for name, raw in zip(self._fields, body["v"], strict=True):
            if not isinstance(raw, str | int | float) or isinstance(raw, bool):
                raise self._bad_cursor()
            values.append(self._value(queryset, name, raw))
        return values, "r" in body

    def _value(self, queryset: QuerySet[Any], name: str, raw: Any) -> Any:
        """The cursor's value as the ordering's field (or annotation) reads
        it; anything it cannot read is no cursor of ours."""
        try:
            field: Any = queryset.model._meta.get_field("id" if name == "pk" else name)
        except FieldDoesNotExist:
            annotation = queryset.query.annotations.get(name)
            if annotation is None:
                raise self._bad_cursor() from None
            field = annotation.output_field
        try:
            value = field.to_python(raw)
        except (AttributeError, DjangoValidationError, OverflowError, TypeError, ValueError):
            raise self._bad_cursor() from None
        if value is None or (isinstance(value, dt.datetime) and value.tzinfo is None):
            raise self._bad_cursor()
        # What no row of ours holds (read only from a cursor signed with a
        # leaked key): never handed to the database.
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise self._bad_cursor()
        if isinstance(value, float) and not math.isfinite(value):
            raise self._bad_cursor()
        return value

    def _bad_cursor(self) -> NotFound:
        # 404, as for any page that does not exist: a cursor is a page's
        # address, and one the API never gave addresses no page. (A 400 would
        # tell a schema-driven client that a well-formed string was refused.)
        return NotFound(
            "This is not a cursor this API gave; follow the next and previous links, "
            "or start again from the first page."
        )

    def get_next_link(self) -> str | None:
        return self._next

    def get_previous_link(self) -> str | None:
        return self._previous

    def get_page_size(self, request: Any) -> int:
        # A bad page size is an error the client can fix, not a silent default.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return type(self).page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Use a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return size

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    **link,
                    "description": "The next page: follow it until it is null. Every row is "
                    "visited exactly once, however many share a date or a name.",
                    "example": "https://scaffold.example.com/api/v1/check-ins/"
                    "?cursor=eyJ2IjpbIjIwMjYtMTEtMzBUMTc6MzA6MDBaIiw0MTJdfQ%3A1vLq2x%3Aq3Vw",
                },
                "previous": {
                    **link,
                    "description": "The page before this one; null on the first page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Where the page starts: leave it out for the first page, then take the "
                    "whole address from `next` or `previous`. A cursor is signed; one the API "
                    "did not give answers 404."
                )
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows per page, 1 to {self.max_page_size} (default "
                    f"{type(self).page_size}). There is no total count."
                )
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": type(self).page_size,
                }
        return parameters


CURSOR_SALT = "scaffold.api.cursor"


def cursor_for(values: list[Any], *, backwards: bool = False) -> str:
    """The cursor of the page after (``backwards``: before) the row whose
    ordering values these are: their JSON, signed with the site's key."""
    body: dict[str, Any] = {"v": [_plain(value) for value in values]}
    if backwards:
        body["r"] = 1
    return signing.dumps(body, salt=CURSOR_SALT)


def _plain(value: Any) -> Any:
    """A row's ordering value as the cursor's JSON holds it."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int | float | str):
        return value
    return str(value)
