from __future__ import annotations

from django.contrib import admin

from mentorship.core.admin_masking import MaskedFieldsAdmin, masked
from mentorship.pairings.models import Feedback, Milestone, Pairing, PairingChangeRequest


class MilestoneInline(admin.TabularInline[Milestone, Pairing]):
    model = Milestone
    extra = 0
    fields = ("position", "title", "kind", "owner", "due_on", "status", "completed_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin[Pairing]):
    list_display = ("mentee", "mentor", "program", "status", "starts_on", "ends_on", "match_score")
    list_filter = ("status", "program", "source", "outcome")
    search_fields = ("mentee__full_name", "mentee__email", "mentor__full_name", "mentor__email")
    list_select_related = ("mentee", "mentor", "program")
    autocomplete_fields = ("mentee", "mentor")
    raw_id_fields = ("requested_by",)
    readonly_fields = ("match_score", "match_explanation", "activated_at", "closed_at")
    inlines = [MilestoneInline]


@admin.register(PairingChangeRequest)
class PairingChangeRequestAdmin(admin.ModelAdmin[PairingChangeRequest]):
    list_display = ("pairing", "kind", "status", "requested_by", "created_at")
    list_filter = ("kind", "status")
    list_select_related = ("pairing__mentee", "pairing__mentor", "requested_by")
    raw_id_fields = ("pairing", "requested_by", "decided_by")


@admin.register(Milestone)
class MilestoneAdmin(MaskedFieldsAdmin):
    list_display = ("title", "pairing", "kind", "owner", "due_on", "status")
    list_filter = ("status", "kind", "owner", "competency")
    search_fields = ("title", "pairing__mentee__full_name", "pairing__mentor__full_name")
    list_select_related = ("pairing__mentee", "pairing__mentor")
    raw_id_fields = ("pairing", "plan_step", "completed_by")
    date_hierarchy = "due_on"
    # The completion note is the pair's; staff see only that one exists.
    exclude = ("note",)
    readonly_fields = ("note_masked",)
    note_masked = masked("note", "Note")


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin[Feedback]):
    list_display = ("pairing", "author", "rating", "created_at")
    list_filter = ("rating",)
    list_select_related = ("pairing__mentee", "pairing__mentor", "author")
    raw_id_fields = ("pairing", "author")
