"""Every endpoint, for every persona (and anonymous): who sees what.

For each list, the exact set of objects each persona gets back; for each
detail route, 200 for those objects and 404 (never 403) for all others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mentorship.people.models import Competency, Department, Person
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "hr",
    "program_admin",
    "mentor",
    "mentee",
    "line_manager",
    "other_mentor",
    "other_mentee",
    "outsider",
]


def people_visible(p: Personas) -> dict[str, set[str]]:
    everyone = {
        "hr",
        "program_admin",
        "mentor",
        "mentee",
        "line_manager",
        "other_mentor",
        "other_mentee",
        "outsider",
    }
    return {
        "hr": everyone,
        "program_admin": {"program_admin", "mentor", "mentee", "other_mentor", "other_mentee"},
        "mentor": {"mentor", "mentee"},
        "mentee": {"mentee", "mentor", "line_manager"},
        "line_manager": {"line_manager", "mentee"},
        "other_mentor": {"other_mentor", "other_mentee"},
        "other_mentee": {"other_mentee", "other_mentor"},
        "outsider": {"outsider"},
    }


def program_visible(p: Personas) -> dict[str, set[str]]:
    takes_part = {
        "hr",
        "program_admin",
        "mentor",
        "mentee",
        "line_manager",
        "other_mentor",
        "other_mentee",
    }
    return {name: ({"program"} if name in takes_part else set()) for name in PERSONAS[1:]}


def _ids_of_people(p: Personas, names: set[str]) -> set[int]:
    return {getattr(p, name).pk for name in names}


def _page(client: Any, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        url = body["next"]
    return rows


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_list_and_detail(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    if persona == "anonymous":
        assert client.get("/api/v1/people/").status_code == 401
        assert client.get(f"/api/v1/people/{personas.mentee.pk}/").status_code == 401
        return
    expected = _ids_of_people(personas, people_visible(personas)[persona])

    assert {row["id"] for row in _page(client, "/api/v1/people/")} == expected
    for person in Person.objects.all():
        status = client.get(f"/api/v1/people/{person.pk}/").status_code
        assert status == (200 if person.pk in expected else 404), (persona, person)


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_are_added_and_edited_by_hr_only(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    """HR adds and edits people; anyone else signed in is refused (403) for
    people they can see and does not find (404) the others."""
    client = client_for(personas.everyone()[persona])
    added = client.post(
        "/api/v1/people/",
        {"email": "nia@x.io", "full_name": "Nia New", "invite": False},
        format="json",
    )
    expected_add = {"anonymous": 401, "hr": 201}.get(persona, 403)
    assert added.status_code == expected_add, added.content
    assert Person.objects.filter(email="nia@x.io").exists() == (persona == "hr")

    visible = (
        set()
        if persona == "anonymous"
        else _ids_of_people(personas, people_visible(personas)[persona])
    )
    for person in Person.objects.exclude(email="nia@x.io"):
        status = client.patch(
            f"/api/v1/people/{person.pk}/", {"title": f"Edited by {persona}"}, format="json"
        ).status_code
        if persona == "anonymous":
            expected = 401
        elif persona == "hr":
            expected = 200
        else:
            expected = 403 if person.pk in visible else 404
        assert status == expected, (persona, person)
    edited = Person.objects.filter(title=f"Edited by {persona}").count()
    assert edited == (Person.objects.exclude(email="nia@x.io").count() if persona == "hr" else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_programs_list_and_detail(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    url = f"/api/v1/programs/{personas.program.pk}/"
    if persona == "anonymous":
        assert client.get("/api/v1/programs/").status_code == 401
        assert client.get(url).status_code == 401
        return
    sees = program_visible(personas)[persona] == {"program"}

    assert [row["id"] for row in _page(client, "/api/v1/programs/")] == (
        [personas.program.pk] if sees else []
    )
    assert client.get(url).status_code == (200 if sees else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_plans_list_and_detail(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    url = f"/api/v1/plans/{personas.plan.pk}/"
    if persona == "anonymous":
        assert client.get("/api/v1/plans/").status_code == 401
        assert client.get(url).status_code == 401
        return
    sees = program_visible(personas)[persona] == {"program"}

    assert [row["id"] for row in _page(client, "/api/v1/plans/")] == (
        [personas.plan.pk] if sees else []
    )
    assert client.get(url).status_code == (200 if sees else 404)


def test_a_draft_program_is_hidden_from_its_participants(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    personas.program.status = "draft"
    personas.program.save()

    for persona in ("mentor", "mentee", "line_manager", "outsider"):
        client = client_for(personas.everyone()[persona])
        assert _page(client, "/api/v1/programs/") == [], persona
    for persona in ("hr", "program_admin"):
        client = client_for(personas.everyone()[persona])
        assert len(_page(client, "/api/v1/programs/")) == 1, persona


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("path", "model"), [("departments", Department), ("competencies", Competency)]
)
def test_reference_lists_are_for_everyone_signed_in(
    personas: Personas, client_for: Callable[..., Any], persona: str, path: str, model: Any
) -> None:
    client = client_for(personas.everyone()[persona])
    first = model.objects.order_by("pk").first()
    if persona == "anonymous":
        assert client.get(f"/api/v1/{path}/").status_code == 401
        assert client.get(f"/api/v1/{path}/{first.pk}/").status_code == 401
        return
    assert len(_page(client, f"/api/v1/{path}/")) == model.objects.count()
    assert client.get(f"/api/v1/{path}/{first.pk}/").status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_me_is_yourself(personas: Personas, client_for: Callable[..., Any], persona: str) -> None:
    person = personas.everyone()[persona]
    response = client_for(person).get("/api/v1/me/")
    if person is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    assert response.json()["id"] == person.pk


@pytest.mark.parametrize("persona", PERSONAS)
def test_tokens_are_each_persons_own(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    from mentorship.people.services import api_token_create

    theirs = {
        name: api_token_create(person=person, name=name)[0]
        for name, person in personas.everyone().items()
        if person is not None
    }
    client = client_for(personas.everyone()[persona])
    if persona == "anonymous":
        assert client.get("/api/v1/auth/tokens/").status_code == 401
        assert client.delete(f"/api/v1/auth/tokens/{theirs['hr'].pk}/").status_code == 401
        return
    assert [row["id"] for row in _page(client, "/api/v1/auth/tokens/")] == [theirs[persona].pk]
    someone_else = theirs["outsider" if persona != "outsider" else "hr"]
    assert client.delete(f"/api/v1/auth/tokens/{someone_else.pk}/").status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{theirs[persona].pk}/").status_code == 204


def milestones_visible(persona: str) -> set[str]:
    return {
        "hr": {"pairing", "other_pairing"},
        "program_admin": {"pairing", "other_pairing"},
        "mentor": {"pairing"},
        "mentee": {"pairing"},
        "line_manager": {"pairing"},
        "other_mentor": {"other_pairing"},
        "other_mentee": {"other_pairing"},
        "outsider": set(),
    }[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_milestones_list_detail_and_actions(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    milestone = personas.pairing.milestones.get(title="Kickoff")
    if persona == "anonymous":
        assert client.get("/api/v1/milestones/").status_code == 401
        assert client.post(f"/api/v1/milestones/{milestone.pk}/complete/").status_code == 401
        return
    pairings = {getattr(personas, name).pk for name in milestones_visible(persona)}

    assert {row["pairing"] for row in _page(client, "/api/v1/milestones/")} == pairings
    visible = personas.pairing.pk in pairings
    assert client.get(f"/api/v1/milestones/{milestone.pk}/").status_code == (
        200 if visible else 404
    )
    acting = client.post(f"/api/v1/milestones/{milestone.pk}/complete/", {}, format="json")
    expected = 200 if persona in ("mentor", "mentee") else (403 if visible else 404)
    assert acting.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_notifications_list_and_retry(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    import datetime as dt

    from mentorship.notifications.models import Notification

    rows = {
        name: Notification.objects.create(
            kind="milestone_due_soon",
            recipient=person,
            dedup_key=f"matrix:{name}",
            status="failed",
            send_after=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
            program=personas.program if name != "outsider" else None,
        )
        for name, person in personas.everyone().items()
        if person is not None
    }
    client = client_for(personas.everyone()[persona])
    if persona == "anonymous":
        assert client.get("/api/v1/notifications/").status_code == 401
        return
    expected = {
        "hr": set(rows),
        "program_admin": set(rows) - {"outsider"},
    }.get(persona, {persona})

    # (The personas' pairings also queued their welcomes: look at these rows.)
    seen = {row["id"] for row in _page(client, "/api/v1/notifications/?kind=milestone_due_soon")}
    assert seen == {rows[name].pk for name in expected}
    retry = client.post(f"/api/v1/notifications/{rows[persona].pk}/retry/")
    assert retry.status_code == (200 if persona in ("hr", "program_admin") else 403)
    others = [name for name in rows if name not in expected]
    if others:
        assert client.get(f"/api/v1/notifications/{rows[others[0]].pk}/").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_email_preferences_are_your_own(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    person = personas.everyone()[persona]
    client = client_for(person)
    response = client.get("/api/v1/me/email-preferences/")
    if person is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    changed = client.put(
        "/api/v1/me/email-preferences/",
        {"weekdays_only": True, "enabled_kinds": ["pairing_welcome"]},
        format="json",
    )
    assert changed.status_code == 200
    # The digest is listed only for those it ever reaches: program admins.
    digest = {"weekly_digest": False} if persona in {"hr", "program_admin"} else {}
    assert {k["kind"]: k["enabled"] for k in changed.json()["kinds"]} == {
        "pairing_welcome": True,
        "milestone_due_soon": False,
        "milestone_overdue": False,
        "pairing_feedback": False,
        "checkin_nudge": False,
        "assessment_due": False,
        "action_item_overdue": False,
        "week_split_ask": False,
        # Asked of those who manage someone (the line manager); the review
        # reaches the two sides of an agreement, and there is none here.
        **({"agreement_request": False} if persona == "line_manager" else {}),
        **digest,
    }


def _checkins_world(p: Personas) -> dict[str, dict[str, int]]:
    """One check-in with an action item and one self-assessment on each of
    the two pairings; the other mentee shares theirs with their mentor."""
    from mentorship.checkins.selectors import plan_competencies
    from mentorship.checkins.services import (
        ActionItemSpec,
        Split,
        assessment_record,
        checkin_log,
        week_split_record,
    )
    from mentorship.core.timezones import today_for

    made: dict[str, dict[str, int]] = {"checkin": {}, "item": {}, "assessment": {}, "week": {}}
    for name, pairing, mentee in (
        ("mine", p.pairing, p.mentee),
        ("other", p.other_pairing, p.other_mentee),
    ):
        checkin = checkin_log(
            pairing=pairing,
            by=mentee,
            occurred_on=today_for(mentee),
            duration_minutes=30,
            action_items=[ActionItemSpec(text="Try it", owner=mentee)],
        )
        made["checkin"][name] = checkin.pk
        made["item"][name] = checkin.action_items.get().pk
        made["assessment"][name] = assessment_record(
            pairing=pairing,
            by=mentee,
            occasion="ad_hoc",
            ratings=dict.fromkeys(plan_competencies(pairing), 3),
            shared_with_mentor=name == "other",
        ).pk
        made["week"][name] = week_split_record(
            pairing=pairing, by=mentee, split=Split(50, 30, 15, 5)
        ).pk
    return made


CHECKINS_VISIBLE = {
    # route → persona → which of the two ("mine": the mentee's pairing,
    # "other": the other pairing) they see.
    "check-ins": {
        "hr": {"mine", "other"},
        "program_admin": {"mine", "other"},
        "mentor": {"mine"},
        "mentee": {"mine"},
        "other_mentor": {"other"},
        "other_mentee": {"other"},
    },
    "action-items": {
        "mentor": {"mine"},
        "mentee": {"mine"},
        "other_mentor": {"other"},
        "other_mentee": {"other"},
    },
    "assessments": {
        "mentee": {"mine"},
        "other_mentor": {"other"},
        "other_mentee": {"other"},
    },
    # Where the mentee's week went: the pair's, never HR's nor the admins'.
    "week-splits": {
        "mentor": {"mine"},
        "mentee": {"mine"},
        "other_mentor": {"other"},
        "other_mentee": {"other"},
    },
}
ROUTE_OBJECTS = {
    "check-ins": "checkin",
    "action-items": "item",
    "assessments": "assessment",
    "week-splits": "week",
}


@pytest.mark.parametrize("route", sorted(CHECKINS_VISIBLE))
@pytest.mark.parametrize("persona", PERSONAS)
def test_checkins_action_items_and_assessments(
    personas: Personas, client_for: Callable[..., Any], persona: str, route: str
) -> None:
    made = _checkins_world(personas)[ROUTE_OBJECTS[route]]
    client = client_for(personas.everyone()[persona])
    if persona == "anonymous":
        assert client.get(f"/api/v1/{route}/").status_code == 401
        assert client.get(f"/api/v1/{route}/{made['mine']}/").status_code == 401
        return
    sees = CHECKINS_VISIBLE[route].get(persona, set())

    assert {row["id"] for row in _page(client, f"/api/v1/{route}/")} == {
        made[name] for name in sees
    }
    for name, pk in made.items():
        status = client.get(f"/api/v1/{route}/{pk}/").status_code
        assert status == (200 if name in sees else 404), (persona, name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_private_notes_are_written_by_the_pair_only(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    made = _checkins_world(personas)["checkin"]
    client = client_for(personas.everyone()[persona])
    sees = CHECKINS_VISIBLE["check-ins"].get(persona, set())
    pair = {"mine": {"mentor", "mentee"}, "other": {"other_mentor", "other_mentee"}}
    for name, pk in made.items():
        status = client.post(
            f"/api/v1/check-ins/{pk}/private-note/", {"private_note": "Mine."}, format="json"
        ).status_code
        if persona == "anonymous":
            expected = 401
        elif persona in pair[name]:
            expected = 200
        else:
            expected = 403 if name in sees else 404
        assert status == expected, (persona, name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_confidence_summary_is_for_those_who_run_the_program(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    status = client.get(
        "/api/v1/assessments/summary/", {"program": personas.program.pk}
    ).status_code
    expected = {"anonymous": 401, "hr": 200, "program_admin": 200}.get(persona, 404)
    assert status == expected


@pytest.mark.parametrize("persona", ["hr", "program_admin", "mentor", "mentee", "line_manager"])
def test_the_line_manager_sees_status_and_progress_only(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    """A mentee's own manager sees that their report is in a program, the
    pairing's status and milestone progress — not why they were matched, why
    the pairing paused or how it ended."""
    from mentorship.pairings.serializers import LINE_MANAGER_HIDDEN
    from mentorship.pairings.services.lifecycle import pairing_pause

    personas.pairing.match_score = 0.8
    personas.pairing.match_explanation = [
        {"key": "focus", "value": 1.0, "weight": 0.4, "sentence": "Shares 1 of 1 focus areas"}
    ]
    personas.pairing.save()
    pairing_pause(pairing=personas.pairing, by=personas.hr, reason="Family leave")
    client = client_for(getattr(personas, persona))

    body = client.get(f"/api/v1/pairings/{personas.pairing.pk}/").json()
    page = client.get(f"/pairings/{personas.pairing.pk}/").content.decode()
    milestones = client.get("/api/v1/milestones/", {"pairing": personas.pairing.pk}).json()

    assert body["status"] == "paused"
    assert len(milestones["results"]) == personas.pairing.milestones.count()
    hidden = {name: body[name] for name in LINE_MANAGER_HIDDEN}
    if persona == "line_manager":
        assert hidden == dict.fromkeys(LINE_MANAGER_HIDDEN)
        assert "Family leave" not in page
        assert "Paused" in page
    else:
        assert body["close_reason"] == "Family leave"
        assert body["match_score"] == 0.8
        assert "Family leave" in page


def _upward_world(p: Personas) -> dict[str, int]:
    """A closed round with results on each pairing; the other mentee's is
    shared with their mentor, the mentee's is not."""
    from mentorship.upward.services import round_share
    from tests.factories import PersonFactory
    from tests.upward.builders import Team, answer, close, open_round

    rounds = {}
    for name, pairing, shared in (("own", p.pairing, False), ("other", p.other_pairing, True)):
        team = Team(pairing, [PersonFactory.create(manager=pairing.mentee) for _ in range(3)])
        round_ = open_round(team)
        for report in team.reports:
            assert answer(round_, report, 4) == 200
        round_ = close(round_)
        if shared:
            round_share(round_=round_, by=pairing.mentee, shared=True)
        rounds[name] = round_.pk
    return rounds


UPWARD_READERS = {
    "own": {"mentee"},
    "other": {"other_mentee", "other_mentor"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_upward_feedback_rounds(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    rounds = _upward_world(personas)
    client = client_for(personas.everyone()[persona])
    listed = client.get("/api/v1/upward-rounds/")
    if persona == "anonymous":
        assert listed.status_code == 401
        assert client.get(f"/api/v1/upward-rounds/{rounds['own']}/").status_code == 401
        return
    visible = {name for name, readers in UPWARD_READERS.items() if persona in readers}
    assert {r["id"] for r in listed.json()} == {rounds[name] for name in visible}
    for name, round_id in rounds.items():
        detail = client.get(f"/api/v1/upward-rounds/{round_id}/")
        assert detail.status_code == (200 if name in visible else 404), name
        # Sharing is the mentee's; the mentor of a shared round is refused.
        share = client.post(
            f"/api/v1/upward-rounds/{round_id}/share/", {"shared_with_mentor": True}, format="json"
        )
        is_mentee = persona in {"mentee", "other_mentee"} and name in visible
        assert share.status_code == (200 if is_mentee else 403 if name in visible else 404)
        # Focus: the mentee, and the mentor of a shared round.
        focus = client.post(
            f"/api/v1/upward-rounds/{round_id}/focus/", {"focus": ["trust"]}, format="json"
        )
        assert focus.status_code == (200 if name in visible else 404), (name, focus.content)


@pytest.mark.parametrize("persona", PERSONAS)
def test_upward_cohort_averages_are_for_those_who_run_the_program(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    status = client.get("/api/v1/upward-cohorts/", {"program": personas.program.pk}).status_code
    expected = {"anonymous": 401, "hr": 200, "program_admin": 200}.get(persona, 404)
    assert status == expected


AGREEMENT_READERS = {"mentee", "line_manager"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("shared", [False, True])
def test_agreements(
    personas: Personas, client_for: Callable[..., Any], persona: str, shared: bool
) -> None:
    import datetime as dt

    from django.utils import timezone

    from mentorship.agreements.services import (
        AgreementText,
        agreement_ask,
        agreement_share,
        agreement_write,
    )
    from mentorship.plans.models import StepKind
    from tests.factories import MilestoneFactory

    agreement = agreement_ask(pairing=personas.pairing)
    assert agreement is not None
    agreement_write(
        agreement=agreement, by=personas.line_manager, text=AgreementText("s", "d", "h")
    )
    agreement_share(agreement=agreement, by=personas.mentee, shared=shared)
    MilestoneFactory.create(
        pairing=personas.pairing,
        kind=StepKind.AGREEMENT_REVIEW,
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    client = client_for(personas.everyone()[persona])
    base = f"/api/v1/agreements/{agreement.pk}/"
    listed = client.get("/api/v1/agreements/")
    if persona == "anonymous":
        assert listed.status_code == 401
        assert client.get(base).status_code == 401
        return
    readers = AGREEMENT_READERS | ({"mentor"} if shared else set())
    sees = persona in readers
    assert [row["id"] for row in listed.json()["results"]] == ([agreement.pk] if sees else [])
    assert client.get(base).status_code == (200 if sees else 404)
    write = client.post(
        f"{base}write/", {"success": "s2", "decisions": "d", "handoffs": "h"}, format="json"
    )
    assert write.status_code == (200 if persona == "line_manager" else 403 if sees else 404)
    confirm = client.post(f"{base}confirm/", {}, format="json")
    assert confirm.status_code == (200 if persona == "mentee" else 403 if sees else 404)
    review = client.post(
        f"{base}review/",
        {"review_success": "done", "review_decisions": "done", "review_handoffs": "partly"},
        format="json",
    )
    may_review = persona in AGREEMENT_READERS
    # The mentee confirmed just now; the line manager's review needs that too.
    expected = 200 if persona == "mentee" else 400 if may_review else 403 if sees else 404
    assert review.status_code == expected, review.content
    share = client.post(f"{base}share/", {"shared_with_mentor": shared}, format="json")
    assert share.status_code == (200 if persona == "mentee" else 403 if sees else 404)
