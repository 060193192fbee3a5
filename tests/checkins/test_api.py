"""The check-ins, action items and self-assessments API: what each side may
write, the errors bad input gets (field by field, nothing half-saved), and
what each persona reads back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from mentorship.audit.models import AuditEvent
from mentorship.checkins.models import ActionItem, Assessment, CheckIn, CheckInPrivateNote
from mentorship.checkins.selectors import plan_competencies
from mentorship.core.timezones import today_for
from mentorship.pairings.models import MilestoneStatus
from mentorship.pairings.services.lifecycle import pairing_end
from mentorship.people.models import Competency
from tests.factories import CheckInFactory, PairingFactory, PersonFactory
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db
Clients = Callable[..., Any]


def fields(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    return dict(response.json()["error"]["fields"])


def checkin_payload(personas: Personas, **overrides: Any) -> dict[str, Any]:
    return {
        "pairing": personas.pairing.pk,
        "occurred_on": today_for(personas.mentee).isoformat(),
        "duration_minutes": 45,
        "kind": "meeting",
        "topics": [c.pk for c in plan_competencies(personas.pairing)[:1]],
        "shared_notes": "We worked on the first difficult conversation.",
        "private_note": "I froze when she cried.",
        "confidence_pulse": 3,
        "action_items": [
            {"text": "Write the opening line down", "owner": "mentee", "due_on": None},
            {"text": "Send the article on feedback", "owner": "mentor"},
        ],
        **overrides,
    }


def test_the_mentee_logs_and_each_persona_reads_what_is_theirs(
    personas: Personas, client_for: Clients
) -> None:
    created = client_for(personas.mentee).post(
        "/api/v1/check-ins/", checkin_payload(personas), format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["private_note"] == "I froze when she cried."
    assert body["editable"] is True
    assert [item["owner"]["id"] for item in body["action_items"]] == [
        personas.mentee.pk,
        personas.mentor.pk,
    ]
    url = f"/api/v1/check-ins/{body['id']}/"

    mentor = client_for(personas.mentor).get(url).json()
    assert mentor["shared_notes"] == "We worked on the first difficult conversation."
    assert mentor["confidence_pulse"] == 3
    assert mentor["private_note"] is None
    assert mentor["editable"] is False
    assert len(mentor["action_items"]) == 2

    for hr in (personas.hr, personas.program_admin):
        seen = client_for(hr).get(url).json()
        assert seen["occurred_on"] == body["occurred_on"]
        assert seen["duration_minutes"] == 45
        assert seen["topics"] == body["topics"] != []
        assert seen["shared_notes"] is None
        assert seen["confidence_pulse"] is None
        assert seen["private_note"] is None
        assert seen["action_items"] is None

    for outsider in (personas.line_manager, personas.other_mentor, personas.outsider):
        assert client_for(outsider).get(url).status_code == 404


def test_open_action_items_are_ticked_off_in_the_next_checkin(
    personas: Personas, client_for: Clients
) -> None:
    client = client_for(personas.mentor)
    first = client.post(
        "/api/v1/check-ins/", checkin_payload(personas, confidence_pulse=None), format="json"
    ).json()
    open_items = client.get(
        "/api/v1/action-items/", {"pairing": personas.pairing.pk, "open": "true"}
    ).json()["results"]
    assert len(open_items) == 2

    second = client.post(
        "/api/v1/check-ins/",
        checkin_payload(
            personas,
            confidence_pulse=None,
            action_items=[],
            close_action_items=[first["action_items"][0]["id"]],
        ),
        format="json",
    )

    assert second.status_code == 201, second.content
    assert [item["text"] for item in second.json()["closed_action_items"]] == [
        "Write the opening line down"
    ]
    still_open = client.get("/api/v1/action-items/", {"open": "true"}).json()["results"]
    assert [item["text"] for item in still_open] == ["Send the article on feedback"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_on": "2099-01-01"}, "occurred_on"),
        ({"occurred_on": "2000-01-01"}, "occurred_on"),
        ({"occurred_on": "not a date"}, "occurred_on"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes"),
        ({"confidence_pulse": 6}, "confidence_pulse"),
        ({"confidence_pulse": 0}, "confidence_pulse"),
        ({"kind": "telepathy"}, "kind"),
        ({"topics": [99999]}, "topics"),
        ({"action_items": [{"text": "", "owner": "mentee"}]}, "action_items"),
        ({"action_items": [{"text": "x", "owner": "hr"}]}, "action_items"),
        (
            {"action_items": [{"text": "x", "owner": "mentee", "due_on": "2000-01-01"}]},
            "action_items",
        ),
        ({"close_action_items": [99999]}, "close_action_items"),
        ({"shared_notes": 12}, "shared_notes"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    personas: Personas, client_for: Clients, change: dict[str, Any], field: str
) -> None:
    response = client_for(personas.mentee).post(
        "/api/v1/check-ins/", checkin_payload(personas, **change), format="json"
    )

    assert field in fields(response)
    assert CheckIn.objects.count() == ActionItem.objects.count() == 0
    assert CheckInPrivateNote.objects.count() == 0


def test_only_the_mentee_gives_a_pulse(personas: Personas, client_for: Clients) -> None:
    response = client_for(personas.mentor).post(
        "/api/v1/check-ins/", checkin_payload(personas), format="json"
    )
    assert fields(response)["confidence_pulse"] == ["Only the mentee rates their own confidence."]


@pytest.mark.parametrize("persona", ["hr", "program_admin", "line_manager", "other_mentee"])
def test_nobody_logs_on_someone_elses_pairing(
    personas: Personas, client_for: Clients, persona: str
) -> None:
    response = client_for(getattr(personas, persona)).post(
        "/api/v1/check-ins/", checkin_payload(personas, confidence_pulse=None), format="json"
    )
    assert fields(response)["pairing"] == [
        f"You are not the mentor or the mentee of pairing {personas.pairing.pk}."
    ]
    assert CheckIn.objects.count() == 0


def test_no_checkin_on_an_ended_pairing(personas: Personas, client_for: Clients) -> None:
    pairing_end(pairing=personas.pairing, by=personas.hr, reason="Moved teams")
    response = client_for(personas.mentee).post(
        "/api/v1/check-ins/", checkin_payload(personas), format="json"
    )
    assert "ended early" in fields(response)["pairing"][0]
    assert CheckIn.objects.count() == 0


def test_the_author_edits_within_a_week_and_the_audit_names_fields_only(
    personas: Personas, time_machine: Any
) -> None:
    def client_for(person: Any) -> APIClient:
        # Token-less and session-less: a week on the clock outlives a session.
        client = APIClient()
        client.force_authenticate(person)
        return client

    time_machine.move_to(dt.datetime.now(dt.UTC), tick=False)
    author = client_for(personas.mentee)
    created = author.post("/api/v1/check-ins/", checkin_payload(personas), format="json").json()
    url = f"/api/v1/check-ins/{created['id']}/"

    changed = author.patch(
        url, {"duration_minutes": 60, "private_note": "Less frozen now."}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["duration_minutes"] == 60
    assert changed.json()["private_note"] == "Less frozen now."
    assert changed.json()["shared_notes"] == created["shared_notes"]  # left out: kept
    event = AuditEvent.objects.get(action="checkin.edited")
    assert event.data["fields"] == ["duration_minutes", "private_note"]
    assert "frozen" not in str(event.data)

    partner = client_for(personas.mentor).patch(url, {"duration_minutes": 5}, format="json")
    assert fields(partner)["checkin"] == ["Only the person who logged a check-in edits it."]
    assert (
        client_for(personas.hr).patch(url, {"duration_minutes": 5}, format="json").status_code
        == 400
    )
    assert client_for(personas.outsider).patch(url, {}, format="json").status_code == 404

    time_machine.shift(dt.timedelta(days=7, minutes=1))
    late = author.patch(url, {"duration_minutes": 90}, format="json")
    assert "7 days" in fields(late)["checkin"][0]
    assert CheckIn.objects.get().duration_minutes == 60


def test_each_side_keeps_its_own_private_note_on_any_checkin_of_the_pair(
    personas: Personas, time_machine: Any
) -> None:
    def client_for(person: Any) -> APIClient:
        client = APIClient()
        client.force_authenticate(person)
        return client

    time_machine.move_to(dt.datetime.now(dt.UTC), tick=False)
    created = (
        client_for(personas.mentee)
        .post("/api/v1/check-ins/", checkin_payload(personas), format="json")
        .json()
    )
    url = f"/api/v1/check-ins/{created['id']}/private-note/"
    # A month on: past the edit window, which is for the shared record only.
    time_machine.shift(dt.timedelta(days=30))

    mentor = client_for(personas.mentor).post(
        url, {"private_note": "  She is harder on herself than the team is.  "}, format="json"
    )
    assert mentor.status_code == 200, mentor.content
    assert mentor.json()["private_note"] == "She is harder on herself than the team is."
    mentee_view = client_for(personas.mentee).get(f"/api/v1/check-ins/{created['id']}/").json()
    assert mentee_view["private_note"] == "I froze when she cried."
    assert CheckInPrivateNote.objects.filter(checkin_id=created["id"]).count() == 2
    event = AuditEvent.objects.get(action="checkin.private_note_saved")
    assert event.actor_id == personas.mentor.pk
    assert "harder" not in str(event.data)

    # The same text again changes nothing and is not audited twice.
    again = client_for(personas.mentor).post(
        url, {"private_note": "She is harder on herself than the team is."}, format="json"
    )
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="checkin.private_note_saved").count() == 1

    removed = client_for(personas.mentor).post(url, {"private_note": ""}, format="json")
    assert removed.json()["private_note"] is None
    assert list(
        CheckInPrivateNote.objects.filter(checkin_id=created["id"]).values_list(
            "author_id", flat=True
        )
    ) == [personas.mentee.pk]

    assert fields(client_for(personas.mentor).post(url, {"private_note": 5}, format="json"))[
        "private_note"
    ]
    assert fields(
        client_for(personas.mentor).post(url, {"private_note": "x" * 10_001}, format="json")
    )["private_note"]
    hr = client_for(personas.hr).post(url, {"private_note": "Noted."}, format="json")
    assert hr.status_code == 403
    outsider = client_for(personas.outsider).post(url, {"private_note": "Hi"}, format="json")
    assert outsider.status_code == 404
    assert CheckInPrivateNote.objects.filter(checkin_id=created["id"]).count() == 1


def test_action_items_are_the_pairs_alone(personas: Personas, client_for: Clients) -> None:
    client_for(personas.mentee).post("/api/v1/check-ins/", checkin_payload(personas), format="json")
    item = ActionItem.objects.first()
    assert item is not None
    for persona in ("hr", "program_admin", "line_manager", "other_mentor"):
        client = client_for(getattr(personas, persona))
        assert client.get("/api/v1/action-items/").json()["results"] == []
        assert client.get(f"/api/v1/action-items/{item.pk}/").status_code == 404
        assert client.post(f"/api/v1/action-items/{item.pk}/complete/").status_code == 404

    done = client_for(personas.mentor).post(f"/api/v1/action-items/{item.pk}/complete/")
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    again = client_for(personas.mentee).post(f"/api/v1/action-items/{item.pk}/complete/")
    assert fields(again)["done_at"] == ["This action item is already done."]


def assessment_payload(personas: Personas, score: int = 3, **overrides: Any) -> dict[str, Any]:
    return {
        "pairing": personas.pairing.pk,
        "occasion": "day_30",
        "ratings": [
            {"competency": c.pk, "score": score} for c in plan_competencies(personas.pairing)
        ],
        "reflection": "I want to make the team better than I could alone.",
        **overrides,
    }


def test_a_scheduled_assessment_completes_its_step_and_is_taken_once(
    personas: Personas, client_for: Clients
) -> None:
    client = client_for(personas.mentee)
    created = client.post("/api/v1/assessments/", assessment_payload(personas), format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reflection"].startswith("I want to make the team")
    assert body["shared_with_mentor"] is False
    step = personas.pairing.milestones.get(title="Day-30 self-assessment")
    assert body["milestone"] == step.pk
    assert step.status == MilestoneStatus.DONE

    again = client.post("/api/v1/assessments/", assessment_payload(personas), format="json")
    assert "take an ad hoc one instead" in fields(again)["occasion"][0]
    ad_hoc = client.post(
        "/api/v1/assessments/",
        assessment_payload(
            personas,
            occasion="ad_hoc",
            ratings=body["ratings"][:0]
            or [{"competency": plan_competencies(personas.pairing)[0].pk, "score": 4}],
        ),
        format="json",
    )
    assert ad_hoc.status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ratings": [{"competency": 1, "score": 6}]}, "ratings"),
        ({"ratings": []}, "ratings"),
        ({"occasion": "day_45"}, "occasion"),
        ({"taken_on": "2099-01-01"}, "taken_on"),
        ({"shared_with_mentor": "yes"}, "shared_with_mentor"),
    ],
)
def test_bad_assessments_name_the_field(
    personas: Personas, client_for: Clients, payload: dict[str, Any], field: str
) -> None:
    response = client_for(personas.mentee).post(
        "/api/v1/assessments/", {**assessment_payload(personas), **payload}, format="json"
    )
    assert field in fields(response)
    assert Assessment.objects.count() == 0


def test_a_scheduled_assessment_rates_every_competency_of_the_plan(
    personas: Personas, client_for: Clients
) -> None:
    first = plan_competencies(personas.pairing)[0]
    response = client_for(personas.mentee).post(
        "/api/v1/assessments/",
        assessment_payload(personas, ratings=[{"competency": first.pk, "score": 2}]),
        format="json",
    )
    assert "missing" in fields(response)["ratings"][0]


def test_the_mentor_sees_shared_ratings_and_never_the_reflection(
    personas: Personas, client_for: Clients
) -> None:
    mentee = client_for(personas.mentee)
    created = mentee.post("/api/v1/assessments/", assessment_payload(personas), format="json")
    url = f"/api/v1/assessments/{created.json()['id']}/"
    mentor = client_for(personas.mentor)
    assert mentor.get(url).status_code == 404

    shared = mentee.patch(url, {"shared_with_mentor": True}, format="json")
    assert shared.status_code == 200

    seen = mentor.get(url).json()
    assert seen["reflection"] is None
    assert {r["score"] for r in seen["ratings"]} == {3}
    for persona in ("hr", "program_admin", "line_manager", "other_mentor"):
        assert client_for(getattr(personas, persona)).get(url).status_code == 404
    assert mentor.patch(url, {"shared_with_mentor": False}, format="json").status_code == 403
    # PATCH leaves out what it does not name: {} changes nothing.
    unchanged = mentee.patch(url, {}, format="json")
    assert unchanged.status_code == 200
    assert unchanged.json()["shared_with_mentor"] is True


def test_group_figures_reach_hr_only_over_the_threshold(
    personas: Personas, client_for: Clients, settings: Any
) -> None:
    from mentorship.checkins.services import assessment_record

    settings.SCAFFOLD_MIN_AGGREGATE_GROUP = 3
    coaching = plan_competencies(personas.pairing)[0]
    url = f"/api/v1/assessments/summary/?program={personas.program.pk}"
    assessment_record(
        pairing=personas.pairing, by=personas.mentee, occasion="ad_hoc", ratings={coaching: 2}
    )
    summary = client_for(personas.hr).get(url).json()
    assert summary["competencies"] == [
        {
            "competency": coaching.name,
            "mentees": 0,
            "first": None,
            "latest": None,
            "suppressed": True,
            "left_out": 1,
        }
    ]

    for score in (3, 4):
        pairing = PairingFactory.create(
            program=personas.program,
            mentee=PersonFactory.create(department=personas.mentee.department),
        )
        assessment_record(
            pairing=pairing, by=pairing.mentee, occasion="ad_hoc", ratings={coaching: score}
        )
    assessment_record(
        pairing=personas.pairing, by=personas.mentee, occasion="ad_hoc", ratings={coaching: 5}
    )

    summary = client_for(personas.program_admin).get(url).json()
    # First ratings 2, 3, 4; latest 5, 3, 4.
    assert summary["competencies"] == [
        {
            "competency": coaching.name,
            "mentees": 3,
            "first": 3.0,
            "latest": 4.0,
            "suppressed": False,
            "left_out": 0,
        }
    ]
    for persona in ("mentor", "mentee", "line_manager", "outsider"):
        assert client_for(getattr(personas, persona)).get(url).status_code == 404


def test_each_checkin_carries_the_items_added_and_ticked_off_in_it_for_the_pair_only(
    personas: Personas, client_for: Any
) -> None:
    """The pairing page (items prefetched with the check-ins) and the API
    (items read once the page is known) tell the pair the same: which items
    each check-in added and which it ticked off. Nobody else gets any."""
    from mentorship.checkins import selectors, services

    today = today_for(personas.mentee)
    first = services.checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=today - dt.timedelta(days=3),
        duration_minutes=30,
        action_items=[
            services.ActionItemSpec(text="Draft the team charter", owner=personas.mentee),
            services.ActionItemSpec(text="Book the skip-level", owner=personas.mentor),
        ],
    )
    charter = ActionItem.objects.get(text="Draft the team charter")
    second = services.checkin_log(
        pairing=personas.pairing,
        by=personas.mentor,
        occurred_on=today,
        duration_minutes=30,
        close_action_items=[charter],
    )
    expected = {
        first.pk: (["Draft the team charter", "Book the skip-level"], []),
        second.pk: ([], ["Draft the team charter"]),
    }
    for person in (personas.mentee, personas.mentor):
        on_page = {
            c.pk: (
                [i.text for i in getattr(c, "readable_action_items")],  # noqa: B009
                [i.text for i in getattr(c, "readable_closed_items")],  # noqa: B009
            )
            for c in selectors.checkins_visible_to(person)
        }
        assert on_page == expected
        rows = client_for(person).get("/api/v1/check-ins/").json()["results"]
        in_api = {
            row["id"]: (
                [i["text"] for i in row["action_items"]],
                [i["text"] for i in row["closed_action_items"]],
            )
            for row in rows
        }
        assert in_api == expected
    for person in (personas.hr, personas.program_admin):
        for checkin in selectors.checkins_visible_to(person):
            assert getattr(checkin, "readable_action_items") == []  # noqa: B009
            assert getattr(checkin, "readable_closed_items") == []  # noqa: B009
        rows = client_for(person).get("/api/v1/check-ins/").json()["results"]
        assert {row["id"] for row in rows} == set(expected)
        assert all(row["action_items"] is None for row in rows)
        assert all(row["closed_action_items"] is None for row in rows)


def test_a_list_shows_each_check_ins_topics_by_name_and_no_one_elses(
    personas: Personas, client_for: Clients
) -> None:
    """The list reads the page's topics in one query of plain values: each
    check-in gets its own, sorted by name, whole (id, slug, name)."""
    first, second, third = sorted(Competency.objects.all()[:3], key=lambda c: c.name)
    both = CheckInFactory.create(pairing=personas.pairing)
    both.topics.set([third, first])
    one = CheckInFactory.create(pairing=personas.pairing)
    one.topics.set([second])
    CheckInFactory.create(pairing=personas.pairing)

    for viewer in (personas.mentor, personas.hr):
        rows = client_for(viewer).get(f"/api/v1/check-ins/?pairing={personas.pairing.pk}").json()
        topics = {row["id"]: row["topics"] for row in rows["results"]}
        assert topics[both.pk] == [
            {"id": c.pk, "slug": c.slug, "name": c.name} for c in (first, third)
        ]
        assert topics[one.pk] == [{"id": second.pk, "slug": second.slug, "name": second.name}]
        assert [t for key, t in topics.items() if key not in (both.pk, one.pk)] == [[]]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_the_written_out_check_in_output_equals_drfs_field_by_field_output(
    personas: Personas, zone: str
) -> None:
    """CheckInSerializer writes its rows by hand for speed; for every kind of
    viewer, and in any current time zone, each row is what DRF's generic
    field-by-field output makes of the same declared fields."""
    from django.utils import timezone
    from rest_framework import serializers

    from mentorship.checkins.api import CheckInViewSet
    from mentorship.checkins.selectors import attach_related
    from mentorship.checkins.serializers import CheckInSerializer

    client = APIClient()
    client.force_authenticate(personas.mentee)
    logged = client.post("/api/v1/check-ins/", checkin_payload(personas), format="json")
    assert logged.status_code == 201, logged.content
    ticked = client.post(
        "/api/v1/check-ins/",
        checkin_payload(
            personas,
            action_items=[],
            close_action_items=[
                ActionItem.objects.filter(pairing=personas.pairing).order_by("pk")[0].pk
            ],
            topics=[],
            confidence_pulse=None,
            private_note="",
        ),
        format="json",
    )
    assert ticked.status_code == 201, ticked.content
    CheckInFactory.create(pairing=personas.other_pairing)
    seen = {}
    for viewer in (personas.mentee, personas.mentor, personas.hr, personas.program_admin):
        rows = list(CheckInViewSet().scoped_queryset(viewer).order_by("-created_at", "-id"))
        attach_related(viewer, rows)
        assert rows
        with timezone.override(zone):
            context = {"viewer": viewer, "now": timezone.now()}
            written = CheckInSerializer(rows, many=True, context=context).data
            generic = [
                serializers.ModelSerializer.to_representation(
                    CheckInSerializer(context=context), row
                )
                for row in rows
            ]
        assert [dict(row) for row in written] == [dict(row) for row in generic]
        seen[viewer] = written
    # The cases the comparison met, without which it would mean little.
    mentee = seen[personas.mentee]
    assert any(row["private_note"] for row in mentee)
    assert any(row["action_items"] for row in mentee)
    assert any(row["closed_action_items"] for row in mentee)
    assert any(row["topics"] for row in mentee)
    assert any(row["editable"] for row in mentee)
    assert any(row["confidence_pulse"] for row in mentee)
    assert all(row["shared_notes"] is None for row in seen[personas.hr])
