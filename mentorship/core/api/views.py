from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from mentorship.people.models import Person
from mentorship.people.signed_in import person_of


class ScopedQuerysetMixin:
    """Every API read goes through a selector scoped to the person asking.

    A view names its selector in ``scoped_queryset(viewer)``; objects
    outside the viewer's reach are simply absent, so a detail request for one
    answers 404, never 403.
    """

    request: Any
    # Ids are positive 64-bit integers; anything else in the path is a 404
    # from the URL resolver, never an overflow in the database.
    lookup_value_regex = "[1-9][0-9]{0,17}"

    def scoped_queryset(self, viewer: Person) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no person; it only needs the model.
            model: type[Model] = self.get_serializer_class().Meta.model  # type: ignore[attr-defined]
            return model._default_manager.none()
        return self.scoped_queryset(person_of(self.request))
