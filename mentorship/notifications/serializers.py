from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.core.api.fields import StrictBooleanField
from mentorship.notifications.kinds import optional_kinds
from mentorship.notifications.models import Notification
from mentorship.people.serializers import PersonRefSerializer


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    recipient = PersonRefSerializer()
    kind_label = serializers.CharField(source="get_kind_label")

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "recipient",
            "status",
            "send_after",
            "sent_at",
            "attempts",
            "last_error",
            "email_subject",
            "program",
            "pairing",
        ]


class EmailKindPreferenceSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    enabled = serializers.BooleanField()


class EmailPreferencesSerializer(serializers.Serializer[Any]):
    weekdays_only = serializers.BooleanField()
    kinds = EmailKindPreferenceSerializer(many=True)


class EmailPreferencesInputSerializer(serializers.Serializer[Any]):
    weekdays_only = StrictBooleanField(
        help_text="Hold reminders that fall on a Saturday or Sunday until Monday."
    )
    enabled_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=[kind.name for kind in optional_kinds()]),
        max_length=50,
        help_text=(
            "The kinds you want; every other kind your preferences list is turned off "
            "(kinds that never reach you are left as they are)."
        ),
    )
