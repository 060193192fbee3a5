from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model

from mentorship.audit.models import AuditEvent, SecurityEvent


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    """A trail the services write: shown, never added to, edited or deleted."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    """Read-only: the trail is written by the services, never edited."""

    list_display = ("at", "action", "target_repr", "actor", "program")
    list_filter = ("action", "program")
    search_fields = ("target_repr", "actor__email", "action")
    list_select_related = ("actor", "program")
    date_hierarchy = "at"


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin[SecurityEvent]):
    """Read-only, as the trail is."""

    list_display = ("at", "kind", "person", "via", "client_ip")
    list_filter = ("kind", "via")
    search_fields = ("person__email", "client_ip")
    list_select_related = ("person",)
    date_hierarchy = "at"
