"""Check-ins in the admin: that they happened, when, how long and on what —
never what was said. Private notes and reflections are not registered at all."""

from __future__ import annotations

from django.contrib import admin

from mentorship.checkins.models import ActionItem, Assessment, CheckIn
from mentorship.core.admin_masking import MaskedFieldsAdmin, masked


@admin.register(CheckIn)
class CheckInAdmin(MaskedFieldsAdmin):
    list_display = ("occurred_on", "pairing", "kind", "duration_minutes", "logged_by")
    list_filter = ("kind", "occurred_on")
    search_fields = ("pairing__mentee__full_name", "pairing__mentor__full_name")
    list_select_related = ("pairing__mentee", "pairing__mentor", "logged_by")
    raw_id_fields = ("pairing", "logged_by")
    filter_horizontal = ("topics",)
    date_hierarchy = "occurred_on"
    exclude = ("shared_notes", "confidence_pulse")
    readonly_fields = ("shared_notes_masked",)
    shared_notes_masked = masked("shared_notes", "Shared notes")


@admin.register(ActionItem)
class ActionItemAdmin(MaskedFieldsAdmin):
    list_display = ("pairing", "owner", "due_on", "done_at")
    list_filter = ("done_at",)
    list_select_related = ("pairing__mentee", "pairing__mentor", "owner")
    raw_id_fields = ("pairing", "owner", "created_in", "done_in")
    exclude = ("text",)
    readonly_fields = ("text_masked",)
    text_masked = masked("text", "Text")


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin[Assessment]):
    # Ratings reach HR only as aggregates over groups; the admin shows that
    # an assessment was taken, not its scores.
    list_display = ("pairing", "occasion", "taken_on", "shared_with_mentor")
    list_filter = ("occasion",)
    list_select_related = ("pairing__mentee", "pairing__mentor")
    raw_id_fields = ("pairing", "mentee", "milestone")
