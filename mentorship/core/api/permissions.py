from __future__ import annotations

from typing import Any

from rest_framework import permissions

from mentorship import access


class ProgramAdminWrites(permissions.BasePermission):
    """Anyone signed in may read what their selector shows them; only HR and
    program admins may write."""

    message = "Only program admins and HR can change this."

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return access.roles(request.user).is_program_admin
