from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mentorship import access
from mentorship.core.api.fields import (
    MAX_ID,
    ScopedIdRelatedField,
    StrictBooleanField,
    StrictCharField,
)
from mentorship.core.timezones import time_zone_choices
from mentorship.people import rules
from mentorship.people.models import ApiToken, Competency, Department, Person, PersonImport
from mentorship.programs.selectors import programs_administered_by


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        fields = ["id", "name"]


class CompetencySerializer(serializers.ModelSerializer[Competency]):
    class Meta:
        model = Competency
        fields = ["id", "slug", "name", "description"]


class CompetencyRefSerializer(serializers.ModelSerializer[Competency]):
    class Meta:
        model = Competency
        fields = ["id", "slug", "name"]


class PersonRefSerializer(serializers.ModelSerializer[Person]):
    class Meta:
        model = Person
        fields = ["id", "full_name", "email"]


class PersonSerializer(serializers.ModelSerializer[Person]):
    department = DepartmentSerializer(allow_null=True)
    expertise = CompetencyRefSerializer(many=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "email",
            "full_name",
            "title",
            "department",
            "manager",
            "time_zone",
            "became_manager_on",
            "expertise",
            "default_mentor_capacity",
        ]


# Adding and editing a person. These fields only say what type a value has;
# whether it is right (a known time zone, a competency, someone who exists, no
# reporting loop, a date not in the future) is people.rules' to say, through
# the service, in the words the import uses.


@extend_schema_field({"type": "string", "format": "date", "example": "2026-03-31"})
class IsoDateField(serializers.Field):
    """A date written YYYY-MM-DD and nothing else (DRF's own date field also
    takes 2026-3-5)."""

    default_error_messages = {"invalid": "Send the date as a string, YYYY-MM-DD."}

    def to_internal_value(self, data: Any) -> dt.date:
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return rules.parse_date(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value: dt.date) -> str:
        return value.isoformat()


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdField(serializers.Field):
    """An id, as a JSON integer in range; whether anything has it is for the
    service to say."""

    default_error_messages = {"invalid": "Send an id: a whole number from 1."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int) or not 1 <= data <= MAX_ID:
            self.fail("invalid")
        return int(data)

    def to_representation(self, value: int) -> int:
        return value


class TimeZoneNameField(serializers.ChoiceField):
    """Listed in the schema as the IANA names (the ``TimeZoneEnum`` of /me/),
    but checked by the service, which words an unknown one as the import does."""

    default_error_messages = {"invalid": "Send the time zone's IANA name as a string."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=time_zone_choices(), **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(data)


class PersonWriteSerializer(serializers.Serializer[Any]):
    """What HR sets about a person. Fields left out of a PATCH stay as they are."""

    email = StrictCharField(max_length=rules.MAX_EMAIL, trim_whitespace=False)
    full_name = StrictCharField(max_length=rules.MAX_TEXT, allow_blank=True, trim_whitespace=False)
    title = StrictCharField(max_length=rules.MAX_TEXT, allow_blank=True, required=False)
    department = StrictCharField(
        max_length=rules.MAX_DEPARTMENT,
        allow_blank=True,
        allow_null=True,
        required=False,
        help_text="The department's name; a new name creates it. Null or empty for none.",
    )
    manager = IdField(allow_null=True, required=False, help_text="Their manager's id, or null.")
    time_zone = TimeZoneNameField(required=False, help_text="Reminders arrive at 09:00 here.")
    became_manager_on = IsoDateField(
        allow_null=True,
        required=False,
        help_text="The day they first managed a team (YYYY-MM-DD, not in the future).",
    )
    expertise = serializers.ListField(
        child=IdField(),
        max_length=50,
        required=False,
        help_text="Competency ids (replaces the list).",
    )


class PersonCreateSerializer(PersonWriteSerializer):
    invite = StrictBooleanField(
        required=False,
        default=True,
        help_text="Email them an invitation to choose a password (the usual invitation flow).",
    )


class PersonUpdateSerializer(PersonWriteSerializer):
    email = StrictCharField(max_length=rules.MAX_EMAIL, trim_whitespace=False, required=False)
    full_name = StrictCharField(
        max_length=rules.MAX_TEXT, allow_blank=True, trim_whitespace=False, required=False
    )


class MeSerializer(PersonSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "is_hr", "email_weekdays_only", "roles"]

    def get_roles(self, person: Person) -> list[str]:
        return access.roles(person).names


class PersonNameField(StrictCharField):
    """A person's own name: required to hold more than whitespace (trimmed,
    as the schema's pattern says), at most 200 characters."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=200, **kwargs)


class MeUpdateSerializer(serializers.Serializer[Any]):
    full_name = PersonNameField(required=False)
    title = StrictCharField(max_length=200, required=False, allow_blank=True)
    time_zone = serializers.ChoiceField(
        choices=time_zone_choices(),
        required=False,
        help_text="An IANA time zone name, e.g. Europe/Berlin.",
        error_messages={
            "invalid_choice": "{input} is not a known time zone; use an IANA name such as "
            "Europe/Berlin."
        },
    )
    email_weekdays_only = StrictBooleanField(required=False)

    def validate_full_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Your name cannot be empty.")
        return value.strip()


class TokenRequestSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    password = StrictCharField(trim_whitespace=False, style={"input_type": "password"})
    name = StrictCharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A label, e.g. the script's name.",
    )
    code = StrictCharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="For an account with two-factor sign-in: the code the authenticator app "
        "shows, or a recovery code.",
    )
    expires_in_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=366,
        help_text="The token stops working this many days from now; "
        "leave out (or null) for a token that lasts until revoked.",
    )


class TokenCreatedSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(
        help_text="Shown once; send it as `Authorization: Token <token>`."
    )
    id = serializers.IntegerField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When it stops working; null: when revoked."
    )


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at"]


MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(help_text="The row as a spreadsheet numbers it (header = 1).")
    column = serializers.CharField(
        allow_blank=True,
        help_text="The column, by its canonical name; empty when the row as a whole is wrong "
        "(more or fewer cells than the header).",
    )
    message = serializers.CharField()


class MenteeWithoutFocusSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    full_name = serializers.CharField()


class ImportPreviewSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update"])
    changes = serializers.ListField(child=serializers.CharField())
    role = serializers.CharField(allow_blank=True)


class ImportSummarySerializer(serializers.Serializer[Any]):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField(help_text="Rows with at least one problem.")
    problems = serializers.IntegerField(source="errors", help_text="All problems found.")
    new_departments = serializers.IntegerField()
    mentees_without_focus = serializers.IntegerField(
        required=False,
        help_text="Mentees of the program who, with this file, wait for a mentor with no focus "
        "areas: matching can only use department, time zone and experience for them.",
    )
    enrolled = serializers.IntegerField(required=False)
    departments_created = serializers.IntegerField(required=False)
    invited = serializers.IntegerField(
        required=False, help_text="New people emailed an invitation to choose a password."
    )


class PersonImportSerializer(serializers.ModelSerializer[PersonImport]):
    summary = serializers.SerializerMethodField(
        help_text="What the file does (null until it has been checked)."
    )
    problems = ImportErrorSerializer(
        source="errors",
        many=True,
        help_text="Every problem with its row and column (the first 1,000).",
    )
    preview = ImportPreviewSerializer(many=True)
    mentees_without_focus = MenteeWithoutFocusSerializer(
        many=True, help_text="Those mentees (the first 50)."
    )

    class Meta:
        model = PersonImport
        fields = [
            "id",
            "filename",
            "program",
            "status",
            "rows_total",
            "rows_done",
            "summary",
            "problems",
            "preview",
            "mentees_without_focus",
            "failure",
            "created_at",
            "checked_at",
            "imported_at",
            "invite_new_people",
        ]
        read_only_fields = ["invite_new_people"]

    @extend_schema_field(ImportSummarySerializer(allow_null=True))
    def get_summary(self, instance: PersonImport) -> dict[str, Any] | None:
        return ImportSummarySerializer(instance.summary).data if instance.summary else None


class ImportCommitSerializer(serializers.Serializer[Any]):
    invite = StrictBooleanField(
        required=False,
        default=True,
        help_text="Email the people the import creates an invitation to choose a password.",
    )


class PersonImportInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text=(
            "CSV, UTF-8, comma, semicolon or tab separated. Columns: email, full_name, title, "
            "department, manager_email, time_zone, became_manager_on (YYYY-MM-DD only), "
            "expertise (competency names or slugs separated by ; or |), role (mentee or mentor; "
            "needs program), focus_areas (a mentee's competencies, separated like expertise)."
        )
    )
    program = ScopedIdRelatedField(
        scope=programs_administered_by,
        from_form=True,
        required=False,
        help_text="Enroll rows that have a role in this program you run (leave out for none).",
    )

    def validate_file(self, value: Any) -> Any:
        if value.size > MAX_IMPORT_BYTES:
            raise serializers.ValidationError("The file is larger than 10 MB; split it.")
        return value


class EraseSerializer(serializers.Serializer[Any]):
    confirm_email = serializers.CharField(
        max_length=254, help_text="The person's email address, to confirm."
    )


class ErasedSerializer(serializers.Serializer[Any]):
    erased_as = serializers.CharField(help_text="The name they are known by now.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="What was deleted or rewritten, by kind."
    )
