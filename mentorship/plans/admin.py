from __future__ import annotations

from django.contrib import admin

from mentorship.plans.models import OnboardingPlan, PlanStep


class PlanStepInline(admin.TabularInline[PlanStep, OnboardingPlan]):
    model = PlanStep
    extra = 0
    fields = ("position", "title", "competency", "owner", "kind", "anchor", "offset_days")
    ordering = ("position",)


@admin.register(OnboardingPlan)
class OnboardingPlanAdmin(admin.ModelAdmin[OnboardingPlan]):
    list_display = ("name", "version", "is_archived", "created_at")
    list_filter = ("is_archived",)
    search_fields = ("name", "description")
    readonly_fields = ("lineage", "created_at", "updated_at")
    inlines = [PlanStepInline]
