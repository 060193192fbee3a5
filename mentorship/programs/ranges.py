"""What a program's numbers may be, said the way a person can act on: one
message per setting, whichever end of its range was missed, shared by the
web form and the API."""

from __future__ import annotations

from typing import Any

RANGE_MESSAGES = {
    "capacity": "A mentor takes from 0 to 20 mentees.",
    "weight": "Each weight is from 0 to 1.",
    "pairing_length_days": "A pairing lasts from 7 to 730 days.",
    "checkin_cadence_days": "Check in every 1 to 90 days.",
    "reminder_lead_days": "Send reminders 0 to 30 days before a milestone is due.",
}


def between(setting: str) -> dict[str, Any]:
    """``error_messages`` for a number field (Django's and DRF's keys agree)."""
    message = RANGE_MESSAGES[setting]
    return {"min_value": message, "max_value": message}
