"""Nothing is saved half-way and nothing is dropped silently: text over its
limit, or an action item row with a date or an owner but no text, is
refused with a message that names the field (and the row), on the web and
in the API, and nothing at all is written."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mentorship.audit.models import AuditEvent
from mentorship.checkins.models import (
    ActionItem,
    Assessment,
    CheckIn,
    CheckInPrivateNote,
    Reflection,
)
from mentorship.checkins.selectors import plan_competencies
from mentorship.checkins.services import (
    ActionItemSpec,
    assessment_record,
    checkin_edit,
    checkin_log,
    private_note_write,
)
from mentorship.core.timezones import today_for
from mentorship.pairings.models import Feedback, MilestoneStatus, PairingStatus
from mentorship.pairings.services.lifecycle import feedback_submit
from mentorship.pairings.services.milestones import milestone_complete, milestone_skip
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

TOO_LONG_NOTE = "x" * 10_001


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def nothing_logged() -> bool:
    return (
        CheckIn.objects.count()
        == ActionItem.objects.count()
        == CheckInPrivateNote.objects.count()
        == AuditEvent.objects.filter(action__startswith="checkin.").count()
        == 0
    )


def visible_text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --------------------------------------------------------------------------
# The services: every way in is refused the same way


def log(personas: Personas, **changes: Any) -> CheckIn:
    return checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=today_for(personas.mentee),
        duration_minutes=30,
        **changes,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"shared_notes": TOO_LONG_NOTE},
            "shared_notes",
            "Notes for the two of you are too long: keep them to 10000 characters "
            "(they have 10001).",
        ),
        (
            {"private_note": TOO_LONG_NOTE},
            "private_note",
            "Your private note is too long: keep it to 10000 characters (it has 10001).",
        ),
    ],
)
def test_logging_refuses_a_note_over_its_limit_and_writes_nothing(
    personas: Personas, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        log(
            personas,
            action_items=[ActionItemSpec(text="Hand over the report", owner=personas.mentee)],
            **changes,
        )

    assert refused.value.message_dict[field] == [message]
    assert nothing_logged()


def test_changing_a_check_in_refuses_a_note_over_its_limit_and_changes_nothing(
    personas: Personas,
) -> None:
    checkin = log(personas, shared_notes="Before", private_note="Mine")

    with pytest.raises(ValidationError) as refused:
        checkin_edit(
            checkin=checkin,
            by=personas.mentee,
            occurred_on=checkin.occurred_on,
            duration_minutes=50,
            kind=checkin.kind,
            topics=[],
            shared_notes="After",
            private_note=TOO_LONG_NOTE,
            confidence_pulse=None,
        )

    assert set(refused.value.message_dict) == {"private_note"}
    checkin.refresh_from_db()
    assert (checkin.duration_minutes, checkin.shared_notes) == (30, "Before")
    assert CheckInPrivateNote.objects.get().body == "Mine"
    assert not AuditEvent.objects.filter(action="checkin.edited").exists()


def test_a_private_note_over_its_limit_is_refused_whoever_writes_it(personas: Personas) -> None:
    checkin = log(personas)

    with pytest.raises(ValidationError) as refused:
        private_note_write(checkin=checkin, by=personas.mentor, text=TOO_LONG_NOTE)

    assert "private_note" in refused.value.message_dict
    assert not CheckInPrivateNote.objects.exists()


def test_a_reflection_over_its_limit_is_refused_with_the_assessment(personas: Personas) -> None:
    ratings = dict.fromkeys(plan_competencies(personas.pairing), 3)

    with pytest.raises(ValidationError) as refused:
        assessment_record(
            pairing=personas.pairing,
            by=personas.mentee,
            occasion="ad_hoc",
            ratings=ratings,
            reflection=TOO_LONG_NOTE,
        )

    assert "reflection" in refused.value.message_dict
    assert Assessment.objects.count() == Reflection.objects.count() == 0


@pytest.mark.parametrize("close", [milestone_complete, milestone_skip])
def test_a_milestone_note_over_its_limit_leaves_the_milestone_open(
    personas: Personas, close: Callable[..., Any]
) -> None:
    milestone = personas.pairing.milestones.get(title="First 1:1s")

    with pytest.raises(ValidationError) as refused:
        close(milestone=milestone, by=personas.mentee, note="x" * 2001)

    assert refused.value.message_dict["note"] == [
        "The note is too long: keep it to 2000 characters (it has 2001)."
    ]
    milestone.refresh_from_db()
    assert (milestone.status, milestone.note) == (MilestoneStatus.OPEN, "")


def test_a_feedback_comment_over_its_limit_is_refused(personas: Personas) -> None:
    personas.pairing.status = PairingStatus.COMPLETED
    personas.pairing.save()

    with pytest.raises(ValidationError) as refused:
        feedback_submit(
            pairing=personas.pairing, author=personas.mentee, rating=4, comment="x" * 4001
        )

    assert "comment" in refused.value.message_dict
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"text": "", "due": True},
            "Action item 2: say what is to be done, or clear its due date and owner.",
        ),
        ({"text": "   ", "due": False}, "Action item 2: say what is to be done"),
        (
            {"text": "x" * 501, "due": False},
            "Action item 2 is too long: keep it to 500 characters (it has 501).",
        ),
    ],
)
def test_an_action_item_without_text_is_refused_by_its_row(
    personas: Personas, spec: dict[str, Any], message: str
) -> None:
    today = today_for(personas.mentee)
    with pytest.raises(ValidationError) as refused:
        log(
            personas,
            action_items=[
                ActionItemSpec(text="Hand over the report", owner=personas.mentee),
                ActionItemSpec(
                    text=spec["text"], owner=personas.mentor, due_on=today if spec["due"] else None
                ),
            ],
        )

    assert refused.value.message_dict["action_items"][0].startswith(message)
    assert nothing_logged()


# --------------------------------------------------------------------------
# The web form


def form_data(personas: Personas, **overrides: Any) -> dict[str, Any]:
    return {
        "occurred_on": today_for(personas.mentee).isoformat(),
        "duration_minutes": "40",
        "kind": "meeting",
        "shared_notes": "Delegation.",
        "private_note": "",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-text": "Hand the weekly report to Sam",
        "items-0-owner": "mentee",
        "items-0-due_on": "",
        "items-1-text": "",
        "items-1-owner": "",
        "items-1-due_on": "",
        "items-2-text": "",
        "items-2-owner": "",
        "items-2-due_on": "",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"shared_notes": TOO_LONG_NOTE},
            "Notes for the two of you are too long: keep them to 10000 characters "
            "(they have 10001).",
        ),
        (
            {"private_note": TOO_LONG_NOTE},
            "Your private note is too long: keep it to 10000 characters (it has 10001).",
        ),
        (
            {"items-1-due_on": "2099-01-01"},
            "Action item 2: say what is to be done, or clear its due date and owner.",
        ),
        (
            {"items-2-owner": "mentor"},
            "Action item 3: say what is to be done, or clear its due date and owner.",
        ),
        ({"items-0-owner": ""}, "Action item 1: say who does it."),
        (
            {"items-1-text": "x" * 501, "items-1-owner": "mentor"},
            "Action item 2 is too long: keep it to 500 characters (it has 501).",
        ),
    ],
)
def test_the_check_in_form_refuses_what_it_cannot_keep_and_says_where(
    personas: Personas, overrides: dict[str, Any], message: str
) -> None:
    url = f"/pairings/{personas.pairing.pk}/check-ins/new/"

    response = signed_in(personas.mentee).post(url, form_data(personas, **overrides))

    assert response.status_code == 400
    assert message in visible_text(response)
    assert nothing_logged()


def test_a_long_text_is_never_cut_by_the_browser_and_comes_back_whole(
    personas: Personas,
) -> None:
    """No maxlength on a text area (the browser would cut a paste without a
    word): the server says how much is too much and the text stays."""
    client = signed_in(personas.mentee)
    url = f"/pairings/{personas.pairing.pk}/check-ins/new/"
    page = client.get(url).content.decode()
    textareas = re.findall(r"<textarea[^>]*>", page)
    assert len(textareas) >= 2
    assert not [tag for tag in textareas if "maxlength" in tag]

    refused = client.post(url, form_data(personas, shared_notes=TOO_LONG_NOTE))

    assert refused.status_code == 400
    assert TOO_LONG_NOTE in refused.content.decode()


def test_blank_action_item_rows_are_left_out_quietly(personas: Personas) -> None:
    url = f"/pairings/{personas.pairing.pk}/check-ins/new/"

    response = signed_in(personas.mentee).post(url, form_data(personas))

    assert response.status_code == 302
    assert list(ActionItem.objects.values_list("text", flat=True)) == [
        "Hand the weekly report to Sam"
    ]


def test_changing_a_check_in_on_the_web_refuses_a_note_over_its_limit(
    personas: Personas,
) -> None:
    checkin = log(personas, shared_notes="Before")
    data = {**form_data(personas), "shared_notes": TOO_LONG_NOTE}

    response = signed_in(personas.mentee).post(f"/check-ins/{checkin.pk}/edit/", data)

    assert response.status_code == 400
    assert "Notes for the two of you are too long" in visible_text(response)
    checkin.refresh_from_db()
    assert checkin.shared_notes == "Before"


def test_a_milestone_marked_done_with_a_note_over_its_limit_stays_open(
    personas: Personas,
) -> None:
    milestone = personas.pairing.milestones.get(title="First 1:1s")

    response = signed_in(personas.mentee).post(
        f"/pairings/milestones/{milestone.pk}/complete/", {"note": "x" * 2001}, follow=True
    )

    assert (
        "“First 1:1s” is still open. The note is too long: keep it to 2000 characters "
        "(it has 2001)." in visible_text(response)
    )
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN


def test_a_done_link_with_a_note_over_its_limit_changes_nothing_and_still_works(
    personas: Personas,
) -> None:
    from mentorship.notifications import links

    milestone = personas.pairing.milestones.get(title="First 1:1s")
    url = links.action_url(
        action="milestone_done", person_id=personas.mentee.pk, object_id=milestone.pk
    ).split("8000", 1)[1]

    refused = Client().post(url, {"note": "x" * 2001})

    assert refused.status_code == 400
    assert "The note is too long: keep it to 2000 characters (it has 2001)." in (
        visible_text(refused)
    )
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN
    assert Client().post(url, {"note": "Done"}).status_code == 200
    milestone.refresh_from_db()
    assert (milestone.status, milestone.note) == (MilestoneStatus.DONE, "Done")


def test_feedback_with_a_comment_over_its_limit_names_the_comment(personas: Personas) -> None:
    personas.pairing.status = PairingStatus.COMPLETED
    personas.pairing.save()

    response = signed_in(personas.mentee).post(
        f"/pairings/{personas.pairing.pk}/feedback/", {"rating": "4", "comment": "x" * 4001}
    )

    assert response.status_code == 400
    assert "Your comment is too long: keep it to 4000 characters (it has 4001)." in (
        visible_text(response)
    )
    assert not Feedback.objects.exists()


def test_a_pause_request_with_a_reason_over_its_limit_says_so(personas: Personas) -> None:
    response = signed_in(personas.mentee).post(
        f"/pairings/{personas.pairing.pk}/manage/",
        {"action": "request_pause", "reason": "x" * 501},
        follow=True,
    )

    assert "The reason is too long: keep it to 500 characters (it has 501)." in (
        visible_text(response)
    )
    assert not personas.pairing.change_requests.exists()


# --------------------------------------------------------------------------
# The API


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"shared_notes": TOO_LONG_NOTE}, ["shared_notes"]),
        ({"private_note": TOO_LONG_NOTE}, ["private_note"]),
        ({"action_items": [{"owner": "mentee", "due_on": None}]}, ["action_items", "0", "text"]),
        ({"action_items": [{"text": "  ", "owner": "mentee"}]}, ["action_items", "0", "text"]),
        ({"action_items": [{"text": "x" * 501, "owner": "mentee"}]}, ["action_items", "0", "text"]),
    ],
)
def test_the_api_refuses_by_field_and_row_and_writes_nothing(
    personas: Personas, client_for: Any, change: dict[str, Any], where: list[str]
) -> None:
    payload = {
        "pairing": personas.pairing.pk,
        "occurred_on": today_for(personas.mentee).isoformat(),
        "duration_minutes": 45,
        **change,
    }

    response = client_for(personas.mentee).post("/api/v1/check-ins/", payload, format="json")

    assert response.status_code == 400
    found: Any = response.json()["error"]["fields"]
    for key in where:
        found = found[key]
    assert found
    assert nothing_logged()


def test_the_schema_states_every_text_limit() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def limits(component: str, field: str) -> tuple[Any, Any]:
        spec = components[component]["properties"][field]
        return spec.get("minLength"), spec.get("maxLength")

    assert limits("CheckInInputRequest", "shared_notes") == (None, 10_000)
    assert limits("CheckInInputRequest", "private_note") == (None, 10_000)
    assert limits("PatchedCheckInEditRequest", "shared_notes") == (None, 10_000)
    assert limits("NewActionItemRequest", "text") == (1, 500)
    # Not only whitespace as Python strips it (and no NUL): what the service
    # takes for a task.
    text = re.compile(components["NewActionItemRequest"]["properties"]["text"]["pattern"])
    assert text.fullmatch("Write it down")
    assert text.fullmatch("\ufeffx")
    assert not any(text.fullmatch(blank) for blank in (" ", "\x1d", "\u3000\t", "a\x00"))
    assert limits("MilestoneActionRequest", "note") == (None, 2000)
    assert limits("PrivateNoteInputRequest", "private_note") == (None, 10_000)
    assert limits("AssessmentInputRequest", "reflection") == (None, 10_000)
    assert components["NewActionItemRequest"]["required"] == ["owner", "text"]
