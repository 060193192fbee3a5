from __future__ import annotations

from typing import Any

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
        if request.query_params.get(self.cursor_query_param) == "":
            raise NotFound(self.invalid_cursor_message)
        return super().decode_cursor(request)

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
