from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from mentorship.core.forms import LongTextField
from mentorship.people.models import Competency, Person
from mentorship.plans.models import OnboardingPlan
from mentorship.programs.models import WEIGHT_FIELDS, Enrollment, EnrollmentRole, Program
from mentorship.programs.ranges import between
from mentorship.programs.services.programs import SETTINGS


class EnrollForm(forms.Form):
    email = forms.EmailField(
        label="Email of the person",
        error_messages={
            "required": "Give the email address of the person to enroll.",
            "invalid": "Give a whole email address, like name@example.com.",
        },
    )
    role = forms.ChoiceField(
        choices=EnrollmentRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they join as a mentee or as a mentor."},
    )
    focus_competencies = forms.ModelMultipleChoiceField(
        queryset=Competency.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Focus areas (mentees)",
    )
    capacity = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=20,
        error_messages=between("capacity"),
        label="Capacity (mentors)",
        help_text="How many mentees in this program; their usual capacity when left empty.",
    )

    def clean_email(self) -> Person:
        email = self.cleaned_data["email"].strip().lower()
        person = Person.objects.filter(email=email, is_active=True).first()
        if person is None:
            raise ValidationError(
                f"Nobody with the address {email} works here: check the spelling, "
                "or have them added to Scaffold first."
            )
        return person


class EnrollmentEditForm(forms.Form):
    focus_competencies = forms.ModelMultipleChoiceField(
        queryset=Competency.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Focus areas",
        help_text="What to work on first. The next matching run looks for mentors strong in these.",
    )
    capacity = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=20,
        error_messages=between("capacity"),
        label="Capacity",
        help_text="How many mentees in this program; leave empty for the usual capacity.",
    )

    def __init__(self, *args: object, enrollment: Enrollment, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if enrollment.role == EnrollmentRole.MENTEE:
            del self.fields["capacity"]
        else:
            del self.fields["focus_competencies"]


def _check_dates(form: forms.Form, data: dict[str, Any]) -> None:
    """Said on the form at once, as the service would say it."""
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on and ends_on <= starts_on:
        form.add_error("ends_on", "The program must end after it starts.")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _weight(label: str, help_text: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=1,
        error_messages=between("weight"),
        initial=0.25,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )


class ProgramForm(forms.Form):
    """A program's settings; the service checks them all again."""

    name = forms.CharField(max_length=200)
    description = LongTextField(
        required=False,
        max_length=5000,
        rows=3,
        help_text="Who it is for and what to expect. Everyone in the program reads it.",
    )
    plan = forms.ModelChoiceField(
        queryset=OnboardingPlan.objects.none(),
        required=False,
        empty_label="No plan yet (needed before opening)",
        label="Onboarding plan",
        help_text="Each pairing gets its milestones from the plan when it starts.",
    )
    starts_on = forms.DateField(label="Starts on", widget=_date_input())
    ends_on = forms.DateField(label="Ends on", widget=_date_input())
    pairing_length_days = forms.IntegerField(
        label="Pairing length (days)",
        min_value=7,
        max_value=730,
        initial=90,
        error_messages=between("pairing_length_days"),
    )
    checkin_cadence_days = forms.IntegerField(
        label="Check-in cadence (days)",
        min_value=1,
        max_value=90,
        initial=14,
        error_messages=between("checkin_cadence_days"),
        help_text="A pair with no check-in for this long gets a nudge.",
    )
    reminder_lead_days = forms.IntegerField(
        label="Reminder lead time (days)",
        min_value=0,
        max_value=30,
        initial=3,
        error_messages=between("reminder_lead_days"),
        help_text="How many days before a milestone is due its reminder goes out.",
    )
    weight_competency = _weight("Shared focus areas", "Mentor's expertise in the mentee's focus.")
    weight_department = _weight("Another department", "A mentor from outside the team.")
    weight_time_zone = _weight("Nearby time zone", "Working hours that overlap.")
    weight_experience = _weight("Years of managing", "A mentor who has managed for longer.")
    admins = forms.CharField(
        required=False,
        label="Admins",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Email addresses of the people who run it, separated by commas or lines. "
        "HR runs every program anyway.",
    )

    def __init__(self, *args: Any, plans: QuerySet[OnboardingPlan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["plan"]).queryset = plans

    def clean_admins(self) -> list[Person]:
        emails: list[str] = []
        for entry in re.split(r"[,;\n]+", self.cleaned_data["admins"]):
            words = entry.split()
            # Addresses separated by spaces are addresses; a name ("Ada
            # Lovelace") stays one entry, to be named once.
            emails += words if all("@" in word for word in words) else [" ".join(words)]
        # As typed, for the message; compared in lower case.
        not_addresses = list(dict.fromkeys(e for e in emails if e and ("@" not in e or " " in e)))
        emails = [e for e in dict.fromkeys(e.lower() for e in emails) if e]
        if not_addresses:
            named = ", ".join(f"“{e}”" for e in not_addresses)
            one = len(not_addresses) == 1
            verb = "is not an email address" if one else "are not email addresses"
            raise ValidationError(
                f"{named} {verb}. Give each admin's email address, "
                "separated by commas or new lines."
            )
        found = {p.email: p for p in Person.objects.filter(email__in=emails, is_active=True)}
        unknown = [e for e in emails if e not in found]
        if len(unknown) == 1:
            raise ValidationError(
                f"Nobody works here with the address {unknown[0]}; "
                "check the spelling or import them first."
            )
        if unknown:
            raise ValidationError(
                f"Nobody works here with these addresses: {'; '.join(unknown)}. "
                "Check the spelling or import them first."
            )
        return [found[e] for e in emails]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_dates(self, data)
        weights = [data.get(name) for name in WEIGHT_FIELDS]
        if all(w is not None for w in weights) and not any(w > 0 for w in weights if w):
            self.add_error("weight_competency", "Give at least one matching weight above zero.")
        return data

    @staticmethod
    def initial_for(program: Program) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(program, name) for name in SETTINGS}
        initial["admins"] = ", ".join(program.admins.values_list("email", flat=True))
        return initial


class ProgramCopyForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name of the new program")
    starts_on = forms.DateField(label="Starts on", widget=_date_input())
    ends_on = forms.DateField(label="Ends on", widget=_date_input())
    with_mentors = forms.BooleanField(
        required=False,
        initial=True,
        label="Enroll this program's mentors again, with their capacities",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_dates(self, data)
        return data
