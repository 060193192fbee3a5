from __future__ import annotations

from typing import Any

from django import forms

from mentorship.notifications.kinds import ReminderKind
from mentorship.notifications.models import NotificationStatus


class EmailPreferencesForm(forms.Form):
    weekdays_only = forms.BooleanField(
        required=False,
        label="Hold reminders that fall on a Saturday or Sunday until Monday",
    )

    def __init__(self, *args: Any, kinds: list[tuple[ReminderKind, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind, enabled in kinds:
            self.fields[f"kind_{kind.name}"] = forms.BooleanField(
                required=False, initial=enabled, label=kind.label, help_text=kind.description
            )

    def enabled_kinds(self) -> list[str]:
        return [kind.name for kind, _ in self.kinds if self.cleaned_data.get(f"kind_{kind.name}")]


class NotificationLogFilter(forms.Form):
    kind = forms.ChoiceField(required=False)
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *NotificationStatus.choices]
    )
    recipient = forms.CharField(required=False, max_length=200, label="Recipient contains")

    def __init__(self, *args: Any, kinds: list[ReminderKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [("", "Any kind"), *((k.name, k.label) for k in kinds)]
