"""The signed-in person, typed. Views behind ``login_required`` and API views
behind ``IsAuthenticated`` always have one; these say so to the type checker
and fail loudly if a view forgot its guard."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mentorship.people.models import Person


class AuthenticatedHttpRequest(HttpRequest):
    user: Person


def person_of(request: Any) -> Person:
    user = request.user
    if not isinstance(user, Person):
        raise PermissionError("This view needs a signed-in person.")
    return user
