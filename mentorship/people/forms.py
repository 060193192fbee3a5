from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from mentorship.core.timezones import time_zone_choices
from mentorship.people import throttling
from mentorship.people.models import Person


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
        client_ip = throttling.client_ip(self.request.META if self.request else {})
        wait = throttling.retry_after(email=email, client_ip=client_ip)
        if wait is not None:
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, wait // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                throttling.record_failure(email=email, client_ip=client_ip)
            raise
        throttling.record_success(email=email)
        return cleaned


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
