"""The API lists load, with ``.only()``, the columns their serializers show."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.checkins.api import API_CHECKIN_FIELDS
from mentorship.checkins.models import CheckIn
from mentorship.core.api.fields import columns_shown_by
from mentorship.pairings.api import API_PAIRING_FIELDS


class _Shown(serializers.ModelSerializer[CheckIn]):
    kind = serializers.CharField()
    when = serializers.DateField(source="occurred_on")
    notes = serializers.CharField(source="readable_shared_notes")
    editable = serializers.SerializerMethodField()

    class Meta:
        model = CheckIn
        fields = ["id", "pairing", "kind", "when", "notes", "editable", "topics"]

    def get_editable(self, checkin: CheckIn) -> Any:
        return None


def test_a_column_by_its_name_or_its_source_and_nothing_else() -> None:
    # ``topics`` is a many-to-many (no column), ``notes`` an annotation and
    # ``editable`` a method: none of them is loaded from the row.
    assert columns_shown_by(_Shown) == ("id", "pairing", "kind", "occurred_on")


def test_the_check_in_list_never_loads_the_pairs_text() -> None:
    # The pair's notes and pulse reach the API only through the selector's
    # viewer-scoped annotations; their columns stay deferred.
    assert "shared_notes" not in API_CHECKIN_FIELDS
    assert "confidence_pulse" not in API_CHECKIN_FIELDS
    assert {"occurred_on", "kind", "logged_by", "created_at"} <= set(API_CHECKIN_FIELDS)


def test_the_pairing_list_loads_what_it_pages_by() -> None:
    assert API_PAIRING_FIELDS[-1] == "created_at"
    assert {"status", "match_explanation", "outcome"} <= set(API_PAIRING_FIELDS)
