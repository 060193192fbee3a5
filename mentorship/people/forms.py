from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from mentorship.core.timezones import time_zone_choices
from mentorship.people import rules
from mentorship.people.backends import paused
from mentorship.people.models import Competency, Person


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with an email label and failure throttling."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an active account.",
        "throttled": (
            "Too many failed attempts. For your security, sign-in is paused for "
            "%(minutes)s minutes; you can reset your password meanwhile."
        ),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email"
        widget = self.fields["username"].widget
        assert isinstance(widget, forms.TextInput)
        widget.input_type = "email"
        widget.attrs["autocomplete"] = "email"

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username") or ""
        wait = paused(self.request, email)
        if wait is not None:
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, wait // 60)},
            )
        # The backend counts this attempt (and refuses it, should another
        # door have used up the allowance meanwhile).
        return super().clean()


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The Django admin's sign-in: the site's throttled form and messages,
    and the admin's own rule that only staff may enter."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        **SignInForm.error_messages,
        "invalid_login": "That email and password do not match an active staff account.",
    }


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Name")
    title = forms.CharField(max_length=200, required=False)
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Reminders arrive at 09:00 in this time zone.",
    )
    email_weekdays_only = forms.BooleanField(
        required=False,
        label="Hold weekend reminders until Monday",
    )

    @classmethod
    def for_person(cls, person: Person, data: Any = None) -> ProfileForm:
        return cls(
            data=data,
            initial={
                "full_name": person.full_name,
                "title": person.title,
                "time_zone": person.time_zone,
                "email_weekdays_only": person.email_weekdays_only,
            },
        )

    def clean_full_name(self) -> str:
        value = self.cleaned_data["full_name"].strip()
        if not value:
            raise forms.ValidationError("Your name cannot be empty.")
        return value


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “weekly report script”."
    )
    expires_in_days = forms.TypedChoiceField(
        label="Works for",
        choices=[("30", "30 days"), ("90", "90 days"), ("366", "a year"), ("", "until revoked")],
        initial="90",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="A token that ends on its own is one less to forget.",
    )


class PersonForm(forms.Form):
    """Adding or editing one person (HR). The form only carries the values:
    whether they are right is for ``person_create`` / ``person_update`` to
    say, in the words the import uses (``people.rules``)."""

    # Both are required, and said so by the service with every other
    # problem at once: an empty form hears about both fields, not one.
    email = forms.CharField(
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "required": True}),
    )
    full_name = forms.CharField(
        max_length=200,
        required=False,
        label="Name",
        strip=False,
        widget=forms.TextInput(attrs={"required": True}),
    )
    title = forms.CharField(max_length=200, required=False)
    department = forms.CharField(
        max_length=120,
        required=False,
        help_text="Pick one or type a new name; a new name creates the department.",
    )
    manager = forms.CharField(
        max_length=254,
        required=False,
        label="Manager's email",
        help_text="Matching keeps mentors out of their management chain.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    time_zone = forms.CharField(
        initial="UTC",
        widget=forms.Select(choices=time_zone_choices()),
        help_text="Reminders arrive at 09:00 in this time zone.",
    )
    became_manager_on = forms.CharField(
        required=False,
        label="Became a manager on",
        help_text="YYYY-MM-DD; leave empty for someone who has not managed a team.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    expertise = forms.ModelMultipleChoiceField(
        queryset=Competency.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What they could mentor others in.",
    )
    invite = forms.BooleanField(
        required=False,
        initial=True,
        label="Email them an invitation to choose a password",
    )

    def __init__(self, *args: Any, adding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not adding:
            del self.fields["invite"]

    @classmethod
    def for_person(cls, person: Person, data: Any = None) -> PersonForm:
        return cls(
            data=data,
            adding=False,
            initial={
                "email": person.email,
                "full_name": person.full_name,
                "title": person.title,
                "department": person.department.name if person.department else "",
                "manager": person.manager.email if person.manager else "",
                "time_zone": person.time_zone,
                "became_manager_on": (
                    person.became_manager_on.isoformat() if person.became_manager_on else ""
                ),
                "expertise": list(person.expertise.all()),
            },
        )

    def clean_became_manager_on(self) -> dt.date | None:
        raw = self.cleaned_data["became_manager_on"].strip()
        if not raw:
            return None
        try:
            return rules.parse_date(raw)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def details(self) -> dict[str, Any]:
        """The keyword arguments of ``person_create`` / ``person_update``."""
        data = dict(self.cleaned_data)
        data.pop("invite", None)
        data["department"] = data["department"].strip() or None
        data["manager"] = data["manager"].strip() or None
        return data


class EraseForm(forms.Form):
    confirm_email = forms.CharField(
        label="Type their email address to confirm",
        max_length=254,
        strip=True,
        error_messages={"required": "Type their email address to confirm."},
    )
