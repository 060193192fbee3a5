from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.core.api.fields import StrictBooleanField, StrictCharField
from mentorship.core.timezones import time_zone_choices
from mentorship.people.models import ApiToken, Competency, Department, Person
from mentorship.people.selectors import roles_for


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


class MeSerializer(PersonSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "is_hr", "email_weekdays_only", "roles"]

    def get_roles(self, person: Person) -> list[str]:
        return roles_for(person).names


class MeUpdateSerializer(serializers.Serializer[Any]):
    full_name = StrictCharField(max_length=200, required=False)
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


class TokenCreatedSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(
        help_text="Shown once; send it as `Authorization: Token <token>`."
    )
    id = serializers.IntegerField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
