from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from mentorship.notifications.kinds import recipient_only_kinds
from mentorship.notifications.models import EmailOptOut, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("kind", "recipient", "status", "send_after", "sent_at", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("recipient__email", "dedup_key", "email_subject")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "program", "pairing")
    readonly_fields = ("dedup_key", "message_id", "claimed_at", "sent_at", "last_error", "attempts")
    date_hierarchy = "send_after"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        # Whether someone got the one reminder of an anonymous survey says
        # whether they had answered: not for operators either.
        return super().get_queryset(request).exclude(kind__in=recipient_only_kinds())


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin[EmailOptOut]):
    list_display = ("person", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("person__email",)
    raw_id_fields = ("person",)
