from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from mentorship.core.admin_masking import MaskedFieldsAdmin
from mentorship.people.forms import AdminSignInForm
from mentorship.people.models import ApiToken, Competency, Department, Person

# The admin signs in through the site's throttled form (see backends.py).
admin.site.login_form = AdminSignInForm


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Person
        fields = "__all__"


class PersonCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = Person
        fields = ("email", "full_name")


@admin.register(Person)
class PersonAdmin(UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ("full_name",)
    list_display = ("full_name", "email", "title", "department", "time_zone", "is_hr", "is_active")
    list_filter = ("is_hr", "is_staff", "is_active", "department", "expertise")
    search_fields = ("full_name", "email", "title")
    list_select_related = ("department",)
    autocomplete_fields = ("manager", "department")
    filter_horizontal = ("expertise", "groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Profile",
            {
                "fields": (
                    "full_name",
                    "title",
                    "department",
                    "manager",
                    "time_zone",
                    "became_manager_on",
                    "expertise",
                    "default_mentor_capacity",
                )
            },
        ),
        ("Email", {"fields": ("email_weekdays_only",)}),
        (
            "Access",
            {
                "fields": (
                    "is_active",
                    "is_hr",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin[Competency]):
    list_display = ("name", "slug", "position")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(ApiToken)
class ApiTokenAdmin(MaskedFieldsAdmin):
    list_display = ("prefix", "name", "person", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("person__email", "name", "prefix")
    list_select_related = ("person",)
    # Tokens are created by their owner only; the admin can look and revoke.
    readonly_fields = ("person", "name", "prefix", "created_at", "last_used_at")
    exclude = ("digest",)

    def has_add_permission(self, request: object) -> bool:
        return False


# django-otp's own admin would let an admin add a device, with its key, for
# someone else. Here devices are seen, never made or read: people set up
# their own, and an operator resets a lost one (manage.py two_factor_reset).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin[TOTPDevice]):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
