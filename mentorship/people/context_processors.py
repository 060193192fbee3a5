from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from mentorship import access


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's roles, for navigation in base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.two_factor_since is not None and not user.is_verified():
        # Signed in with the password, the second factor still owed: the
        # page offers only the code and signing out.
        return {"owes_second_factor": True}
    return {
        "roles": access.roles(user),
        "outbox_enabled": settings.EMAIL_BACKEND_NAME == "outbox",
    }
