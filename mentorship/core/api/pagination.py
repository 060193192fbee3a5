from __future__ import annotations

import base64
from typing import Any
from urllib import parse

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class StandardCursorPagination(CursorPagination):
    """Keyset pagination: stable under inserts and no COUNT(*) per page.

    A view names its order in ``cursor_ordering``. The first field is the
    cursor's position: it must never be null, and should be unique or nearly
    so (ties are walked with an offset).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return tuple(getattr(view, "cursor_ordering", self.ordering))

    def decode_cursor(self, request: Any) -> Any:
        """Only a cursor this API wrote: strict base64 of printable ASCII
        holding nothing but ``o``, ``r`` and ``p``. Anything else names no
        page (404), never the first page or a server error."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        if not encoded:
            raise self._bad_cursor()  # ?cursor= is no cursor, not the first page
        try:
            text = base64.b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
        except (ValueError, UnicodeError):
            raise self._bad_cursor() from None
        try:
            tokens = parse.parse_qs(text, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            raise self._bad_cursor() from None
        if (
            not text.isprintable()
            or not set(tokens) <= {"o", "r", "p"}
            or any(len(values) != 1 for values in tokens.values())
        ):
            raise self._bad_cursor()
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise self._bad_cursor() from None

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # The position must be a value of the ordering's field: "abc" for an
        # id or a date would fail in the database.
        ordering = self.get_ordering(request, queryset, view)
        cursor = self.decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                field = queryset.model._meta.get_field(ordering[0].lstrip("-"))
            except FieldDoesNotExist:
                field = None
            if field is not None:
                try:
                    field.to_python(cursor.position)
                except DjangoValidationError:
                    raise self._bad_cursor() from None
        return super().paginate_queryset(queryset, request, view)

    def _bad_cursor(self) -> NotFound:
        # 404, as for any page that does not exist: a cursor is a page's
        # address, and one the API never gave addresses no page. (A 400 would
        # tell a schema-driven client that a well-formed string was refused.)
        return NotFound(
            "This is not a cursor this API gave; follow the next and previous links, "
            "or start again from the first page."
        )

    def get_page_size(self, request: Any) -> int:
        # A bad page size is an error the client can fix, not a silent default.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
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

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters
