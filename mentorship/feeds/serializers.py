from __future__ import annotations

from typing import Any

from rest_framework import serializers


class CalendarFeedSerializer(serializers.Serializer[Any]):
    active = serializers.BooleanField(help_text="Whether you have a live address.")
    prefix = serializers.CharField(
        allow_null=True, help_text="The start of the live address's secret, to tell it apart."
    )
    created_at = serializers.DateTimeField(allow_null=True)
    last_fetched_at = serializers.DateTimeField(
        allow_null=True, help_text="When a calendar app last read it (to the hour)."
    )


class CalendarFeedIssuedSerializer(CalendarFeedSerializer):
    url = serializers.URLField(
        help_text="The new address. It is shown this once: only a digest is kept."
    )
