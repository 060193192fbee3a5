from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from mentorship.people.models import Person
from mentorship.people.serializers import MAX_IMPORT_BYTES
from mentorship.programs.models import Program, ProgramStatus
from mentorship.programs.selectors import programs_administered_by


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8; comma, semicolon or tab separated.",
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "That file is empty: choose the CSV file with the people in it.",
        },
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        required=False,
        label="Enroll people with a role in",
        empty_label="No program (people only)",
    )

    def __init__(self, *args: object, person: Person, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs_administered_by(person).exclude(status=ProgramStatus.CLOSED)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError("The file is larger than 10 MB; split it.")
        return upload
