from __future__ import annotations

from django.contrib import admin

from mentorship.programs.models import Enrollment, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ("name", "status", "starts_on", "ends_on", "plan")
    list_filter = ("status",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("admins",)
    list_select_related = ("plan",)
    date_hierarchy = "starts_on"


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin[Enrollment]):
    list_display = ("person", "program", "role", "status", "capacity", "created_at")
    list_filter = ("role", "status", "program")
    search_fields = ("person__full_name", "person__email", "program__name")
    list_select_related = ("person", "program")
    autocomplete_fields = ("person",)
    filter_horizontal = ("focus_competencies",)
    raw_id_fields = ("enrolled_by",)
