from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from mentorship.people.models import Competency, Person
from mentorship.programs.models import Enrollment, EnrollmentRole


class EnrollForm(forms.Form):
    email = forms.EmailField(label="Email of the person")
    role = forms.ChoiceField(choices=EnrollmentRole.choices, widget=forms.RadioSelect)
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
        label="Capacity (mentors)",
        help_text="How many mentees in this program; their usual capacity when left empty.",
    )

    def clean_email(self) -> Person:
        email = self.cleaned_data["email"].strip().lower()
        person = Person.objects.filter(email=email, is_active=True).first()
        if person is None:
            raise ValidationError(f"Nobody with the address {email} works here; import them first.")
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
        label="Capacity",
        help_text="How many mentees in this program; leave empty for the usual capacity.",
    )

    def __init__(self, *args: object, enrollment: Enrollment, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if enrollment.role == EnrollmentRole.MENTEE:
            del self.fields["capacity"]
        else:
            del self.fields["focus_competencies"]
