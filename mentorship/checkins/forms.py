from __future__ import annotations

from typing import Any

from django import forms

from mentorship.checkins.models import (
    ACTION_ITEM_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    WEEK_PART_HINTS,
    ActionItem,
    AssessmentOccasion,
    CheckInKind,
    WeekPart,
    WeekSplit,
)
from mentorship.checkins.services import Split
from mentorship.core.forms import LongTextField
from mentorship.core.text_limits import too_long_message
from mentorship.pairings.models import Pairing
from mentorship.people.models import Competency

PULSE_CHOICES = [
    ("", "Skip"),
    ("1", "1 · not at all"),
    ("2", "2"),
    ("3", "3 · somewhat"),
    ("4", "4"),
    ("5", "5 · very"),
]


def split_field(part: WeekPart, *, required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=f"{part.label} (%)",
        help_text=WEEK_PART_HINTS[part],
        min_value=0,
        max_value=100,
        required=required,
        error_messages={
            "required": f"Say how much of the week went to {str(part.label).lower()}, 0 if none.",
            "invalid": "Give a whole number of percent, for example 40.",
            # (Django fills these in with %-formatting: no bare percent sign.)
            "min_value": "Give a share from 0 to 100 per cent.",
            "max_value": "Give a share from 0 to 100 per cent.",
        },
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
    )


SPLIT_FIELDS = {f"split_{part.value}": part for part in WeekPart}
SPLIT_HELP = (
    "For the week of the check-in's date, roughly, in percent; the four add up to 100. "
    "If you said it already for that week, this replaces it. Your mentor sees this. HR "
    "never sees the numbers: only, past day 45, that individual work is still most of "
    "your week."
)


def clean_split(form: forms.Form, *, required: bool) -> Split | None:
    """The four shares as a ``Split``; None when all are left empty and
    that is allowed. Adds the form's error when they do not add up."""
    values = {name: form.cleaned_data.get(name) for name in SPLIT_FIELDS}
    if any(name in form.errors for name in SPLIT_FIELDS):
        return None
    given = [value for value in values.values() if value is not None]
    if not given and not required:
        return None
    if len(given) < len(values):
        form.add_error(None, "Where your week went: give all four parts, 0 for none.")
        return None
    split = Split(*(int(values[f"split_{part.value}"] or 0) for part in WeekPart))
    if split.total != 100:
        form.add_error(
            None,
            f"Where your week went: the four parts add up to {split.total} %; make them 100 %.",
        )
        return None
    return split


class WeekSplitForm(forms.Form):
    """The mentee's week on its own (the pairing's week page, the link in
    the Friday email)."""

    @staticmethod
    def initial_from(split: WeekSplit | None) -> dict[str, int]:
        """The fields filled in with a split's shares (none: empty)."""
        return {f"split_{value}": share for value, _, share in split.parts()} if split else {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, part in SPLIT_FIELDS.items():
            self.fields[name] = split_field(part, required=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["split"] = clean_split(self, required=True)
        return cleaned


class CheckInForm(forms.Form):
    occurred_on = forms.DateField(
        label="When",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Say on which day you met.",
            "invalid": "Give the day you met as a date, for example 2026-03-14.",
        },
    )
    duration_minutes = forms.IntegerField(
        label="How long (minutes)",
        min_value=1,
        max_value=24 * 60,
        initial=45,
        error_messages={
            "required": "Say how long it took, in minutes.",
            "invalid": "Enter the minutes as a whole number, for example 45.",
            "min_value": "A check-in takes at least 1 minute.",
            "max_value": "A check-in takes at most 1440 minutes (a day).",
        },
    )
    kind = forms.ChoiceField(label="How", choices=CheckInKind.choices, initial=CheckInKind.MEETING)
    topics = forms.ModelMultipleChoiceField(
        label="What you talked about",
        queryset=Competency.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    shared_notes = LongTextField(
        label="Notes for the two of you",
        help_text="Your partner reads these. The program admins never do.",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": too_long_message("Notes for the two of you", plural=True)},
        rows=4,
    )
    private_note = LongTextField(
        label="Private note",
        help_text="Only you will ever read this — not your partner, not HR.",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": too_long_message("Your private note")},
        rows=3,
    )
    confidence_pulse = forms.TypedChoiceField(
        label="How confident do you feel in the role right now?",
        help_text=(
            "Your mentor sees this. HR sees it only in group figures, and never the number; "
            "if it falls from one check-in to the next, HR's list of pairings that may need "
            "attention says “confidence falling”."
        ),
        choices=PULSE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, is_mentee: bool, asks_week: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_mentee:
            del self.fields["confidence_pulse"]
        # A new check-in by the mentee also asks where their week went
        # (optional: all four empty is no answer).
        self.asks_week = is_mentee and asks_week
        self.split_help = SPLIT_HELP
        if self.asks_week:
            for name, part in SPLIT_FIELDS.items():
                self.fields[name] = split_field(part, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.asks_week:
            cleaned["week_split"] = clean_split(self, required=False)
        return cleaned

    def split_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SPLIT_FIELDS if name in self.fields]

    def checkin_fields(self) -> dict[str, Any]:
        """The cleaned values, as ``checkin_log`` and ``checkin_edit`` take them."""
        data = self.cleaned_data
        extra = {"week_split": data.get("week_split")} if self.asks_week else {}
        return {
            **extra,
            "occurred_on": data["occurred_on"],
            "duration_minutes": data["duration_minutes"],
            "kind": data["kind"],
            "topics": data["topics"],
            "shared_notes": data["shared_notes"],
            "private_note": data["private_note"],
            "confidence_pulse": data.get("confidence_pulse"),
        }


class CloseItemsForm(forms.Form):
    """The open action items carried over from earlier check-ins."""

    done = forms.ModelMultipleChoiceField(
        queryset=ActionItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Open action items: tick what is done",
    )

    def __init__(self, *args: Any, items: list[ActionItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["done"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = ActionItem.objects.filter(pk__in=[item.pk for item in items])
        labels = {item.pk: _item_label(item) for item in items}
        field.label_from_instance = lambda item: labels.get(item.pk, item.text)  # type: ignore[method-assign,assignment]


def _item_label(item: ActionItem) -> str:
    due = f" · due {item.due_on:%-d %b}" if item.due_on else ""
    return f"{item.text} ({item.owner.full_name}{due})"


class NewActionItemForm(forms.Form):
    """One row of new action items. A row left blank is no item; a row with
    a date or an owner but no text is refused, never dropped."""

    text = forms.CharField(label="Action item", max_length=ACTION_ITEM_MAX_LENGTH, required=False)
    # Blank by default, so a row nobody touched is a row with nothing in it.
    owner = forms.ChoiceField(label="Who", required=False)
    due_on = forms.DateField(
        label="Due (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, pairing: Pairing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Who?"),
            ("mentee", f"{pairing.mentee.full_name} (mentee)"),
            ("mentor", f"{pairing.mentor.full_name} (mentor)"),
        ]
        self.fields["text"].error_messages["max_length"] = too_long_message(self.row_name)

    @property
    def row_name(self) -> str:
        """ "Action item 2", as the page labels the row (the prefix ends in its index)."""
        index = (self.prefix or "0").rsplit("-", 1)[-1]
        return f"Action item {int(index) + 1 if index.isdigit() else ''}".strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("text") or "").strip()
        if not text and (data.get("owner") or data.get("due_on")) and "text" not in self.errors:
            self.add_error(
                "text", f"{self.row_name}: say what is to be done, or clear its due date and owner."
            )
        elif text and not data.get("owner"):
            self.add_error("owner", f"{self.row_name}: say who does it.")
        return data


NewActionItemFormSet = forms.formset_factory(NewActionItemForm, extra=3, max_num=20)


REFLECTION_PROMPTS: dict[str, str] = {
    AssessmentOccasion.DAY_0: "Why do you want this role?",
    AssessmentOccasion.DAY_90: (
        "Ninety days in: why do you want this role now — and has that changed since day 0?"
    ),
}
DEFAULT_REFLECTION_PROMPT = "Anything on your mind about the role? (optional)"


class AssessmentForm(forms.Form):
    occasion = forms.ChoiceField(label="Which self-assessment")
    shared_with_mentor = forms.BooleanField(
        label="Let my mentor see these ratings", required=False, initial=False
    )
    reflection = LongTextField(
        label=DEFAULT_REFLECTION_PROMPT,
        help_text="Private: nobody but you ever reads this — not your mentor, not HR.",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": too_long_message("Your reflection")},
        rows=4,
    )

    def __init__(
        self,
        *args: Any,
        competencies: list[Competency],
        occasions: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.fields["occasion"].choices = occasions  # type: ignore[attr-defined]
        for competency in competencies:
            self.fields[f"rating_{competency.pk}"] = forms.TypedChoiceField(
                label=competency.name,
                choices=[(n, str(n)) for n in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
                required=True,
                error_messages={"required": f"Rate {competency.name} from 1 to 5."},
            )

    def rating_fields(self) -> list[forms.BoundField]:
        return [self[f"rating_{c.pk}"] for c in self.competencies]

    def ratings(self) -> dict[Competency, int]:
        return {c: self.cleaned_data[f"rating_{c.pk}"] for c in self.competencies}


class PrivateNoteForm(forms.Form):
    private_note = LongTextField(
        label="Your private note",
        help_text="Only you will ever read this. Leave it empty to remove the note.",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={
            "max_length": (
                "Your private note was not saved: keep it to %(limit_value)s characters "
                "(it has %(show_value)s)."
            )
        },
        rows=3,
    )


class ShareForm(forms.Form):
    shared_with_mentor = forms.BooleanField(required=False)
