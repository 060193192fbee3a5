"""The privacy rules, tested as a matrix: every private field × every
persona × every surface.

A unique marker string is planted in each field that must not travel —
private notes (the mentee's and the mentor's), the mentee's reflection, the
pair's shared notes and action items — and then every surface is read as
every persona: every GET route of the API (found from the OpenAPI schema,
so a new endpoint is scanned without anyone remembering to add it), the
web pages, the program exports (CSV and XLSX), each person's calendar feed,
each person's own data download and HR's export of the pair's,
the Django admin (with its search), every email the reminder engine sends,
and the audit trail. A marker found where its rule forbids
it is a leak; the test lists them all. To show that the scan can see what
it looks for, each marker must also turn up for the people it belongs to,
and a planted leak must be caught.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from mentorship.agreements.services import (
    AgreementText,
    agreement_ask,
    agreement_confirm,
    agreement_share,
    agreement_write,
)
from mentorship.audit.models import AuditEvent
from mentorship.checkins.models import CheckIn
from mentorship.checkins.selectors import plan_competencies
from mentorship.checkins.services import (
    ActionItemSpec,
    Split,
    assessment_record,
    checkin_log,
    week_split_record,
)
from mentorship.feeds.services import calendar_feed_issue
from mentorship.insights.exports import DATASETS, FORMATS
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.people.models import Person
from mentorship.upward.services import round_share
from tests.fixtures.personas import PASSWORD, Personas
from tests.notifications.simulate import run_engine

pytestmark = pytest.mark.django_db

PRIVATE_MENTEE = "MARKER-private-mentee-7f3a"
PRIVATE_MENTOR = "MARKER-private-mentor-91c2"
REFLECTION = "MARKER-reflection-4be8"
SHARED = "MARKER-shared-notes-d05e"
ACTION_ITEM = "MARKER-action-item-63aa"

# Where the mentee's week went: numbers, so the marker is the four of them
# in a row, with nothing but non-digits between (a JSON object, a table row).
WEEK_SPLIT = "MARKER-week-split 37/29/23/11"
WEEK_SPLIT_VALUES = Split(individual=37, people=29, direction=23, other=11)
WEEK_SPLIT_PATTERN = re.compile(r"(?<!\d)37\D{1,60}29\D{1,60}23\D{1,60}11(?!\d)")

# What a new manager's reports wrote, in two rounds: the first shared with
# the mentor, the second not.
UPWARD_SHARED = "MARKER-upward-shared-5d1e"
UPWARD_OWN = "MARKER-upward-own-a7c3"

# What the mentee's line manager wrote down with them, shared with the mentor.
AGREEMENT = "MARKER-agreement-3e9b"

# Who may ever read each marker.
ALLOWED = {
    AGREEMENT: {"mentee", "line_manager", "mentor"},
    UPWARD_SHARED: {"mentee", "mentor"},
    UPWARD_OWN: {"mentee"},
    PRIVATE_MENTEE: {"mentee"},
    PRIVATE_MENTOR: {"mentor"},
    REFLECTION: {"mentee"},
    SHARED: {"mentee", "mentor"},
    ACTION_ITEM: {"mentee", "mentor"},
    WEEK_SPLIT: {"mentee", "mentor"},
}


def found(marker: str, text: str) -> bool:
    if marker == WEEK_SPLIT:
        return WEEK_SPLIT_PATTERN.search(text) is not None
    return marker in text


PERSONAS = [
    "hr",
    "superuser",
    "program_admin",
    "mentor",
    "mentee",
    "line_manager",
    "other_mentor",
    "other_mentee",
    "outsider",
]


@dataclass
class Planted:
    personas: Personas
    superuser: Person
    checkins: list[CheckIn]

    def person(self, name: str) -> Person:
        if name == "superuser":
            return self.superuser
        found = self.personas.everyone()[name]
        assert found is not None
        return found


def day_two(personas: Personas) -> dt.datetime:
    """Noon UTC on the pairing's third day."""
    assert personas.pairing.starts_on is not None
    return dt.datetime.combine(
        personas.pairing.starts_on + dt.timedelta(days=2), dt.time(12), tzinfo=dt.UTC
    )


def plant(personas: Personas, *, shared_notes: str = SHARED) -> Planted:
    pairing = personas.pairing
    today = day_two(personas).date()
    by_mentee = checkin_log(
        pairing=pairing,
        by=personas.mentee,
        occurred_on=today,
        duration_minutes=45,
        topics=plan_competencies(pairing)[:1],
        shared_notes=shared_notes,
        private_note=PRIVATE_MENTEE,
        confidence_pulse=3,
        action_items=[
            ActionItemSpec(
                text=ACTION_ITEM, owner=personas.mentee, due_on=today + dt.timedelta(days=1)
            )
        ],
    )
    by_mentor = checkin_log(
        pairing=pairing,
        by=personas.mentor,
        occurred_on=today,
        duration_minutes=30,
        kind="call",
        shared_notes=shared_notes,
        private_note=PRIVATE_MENTOR,
    )
    assessment_record(
        pairing=pairing,
        by=personas.mentee,
        occasion="ad_hoc",
        ratings=dict.fromkeys(plan_competencies(pairing), 3),
        shared_with_mentor=True,
        reflection=REFLECTION,
    )
    week_split_record(pairing=pairing, by=personas.mentee, split=WEEK_SPLIT_VALUES, on=today)
    plant_upward_rounds(personas, today)
    agreement = agreement_ask(pairing=pairing)
    assert agreement is not None
    agreement = agreement_write(
        agreement=agreement,
        by=personas.line_manager,
        text=AgreementText(AGREEMENT, AGREEMENT, AGREEMENT),
    )
    agreement_confirm(agreement=agreement, by=personas.mentee)
    agreement_share(agreement=agreement, by=personas.mentee, shared=True)
    superuser = Person.objects.create_superuser(
        email="root@scaffold.test", password=PASSWORD, full_name="Root Superuser"
    )
    return Planted(personas, superuser, [by_mentee, by_mentor])


def plant_upward_rounds(personas: Personas, today: dt.date) -> None:
    """Two closed rounds of three answers each, every comment a marker."""
    from tests.factories import PersonFactory
    from tests.upward.builders import Team, answer, close, open_round

    team = Team(
        personas.pairing,
        [PersonFactory.create(manager=personas.mentee) for _ in range(3)],
    )
    for marker, shared in ((UPWARD_SHARED, True), (UPWARD_OWN, False)):
        round_ = open_round(team, today)
        for report in team.reports:
            assert answer(round_, report, 4, keep=marker, change=marker) == 200
        round_ = close(round_)
        if shared:
            round_share(round_=round_, by=personas.mentee, shared=True)


def _api_paths(client: APIClient) -> list[str]:
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    return sorted(
        path
        for path, operations in json.loads(schema.content)["paths"].items()
        if "get" in operations
    )


def api_surfaces(client: APIClient, planted: Planted) -> Iterator[tuple[str, str]]:
    """Every GET route of the API: lists, then each listed object's detail."""
    program = planted.personas.program.pk
    ids: dict[str, set[int]] = {}
    paths = _api_paths(client)
    for path in paths:
        if "{" in path:
            continue
        by_program = ("summary", "recomm", "cohorts")
        url = f"{path}?program={program}" if any(w in path for w in by_program) else path
        response = client.get(url)
        body = response.content.decode()
        yield f"API {url}", body
        if response.status_code == 200:
            data = response.json() if body.startswith(("{", "[")) else None
            results = data.get("results") if isinstance(data, dict) else data
            ids[path] = {row["id"] for row in results or [] if "id" in row}
    for path in paths:
        if "{id}" not in path:
            continue
        base = path.split("{id}")[0]
        # Every object of the list, and every planted check-in (a 404 for
        # those out of reach is a surface too).
        candidates = ids.get(base, set()) | (
            {c.pk for c in planted.checkins} if base.endswith("check-ins/") else set()
        )
        for object_id in sorted(candidates):
            url = path.replace("{id}", str(object_id))
            yield f"API {url}", client.get(url).content.decode()


def page_surfaces(client: Client, planted: Planted) -> Iterator[tuple[str, str]]:
    p = planted.personas
    pages = [
        "/",
        f"/pairings/{p.pairing.pk}/",
        f"/pairings/{p.pairing.pk}/confidence/",
        f"/pairings/{p.pairing.pk}/week/",
        f"/pairings/{p.pairing.pk}/upward-feedback/",
        f"/pairings/{p.pairing.pk}/agreement/",
        "/insights/upward-feedback/",
        f"/pairings/{p.pairing.pk}/check-ins/new/",
        f"/pairings/{p.pairing.pk}/self-assessment/",
        f"/programs/{p.program.pk}/people/",
        "/mail/log/",
        "/mail/mine/",
        *(f"/check-ins/{c.pk}/edit/" for c in planted.checkins),
        # A person's data: one's own, and (for HR) the pair's.
        "/account/profile/data.json",
        f"/people/{p.mentee.pk}/data.json",
        f"/people/{p.mentor.pk}/data.json",
    ]
    for url in pages:
        yield f"page {url}", client.get(url, follow=True).content.decode()
    for dataset in DATASETS:
        for fmt in FORMATS:
            url = f"/programs/{p.program.pk}/exports/{dataset}.{fmt}"
            yield f"export {url}", _export_text(client.get(url, follow=True))


def _export_text(response: Any) -> str:
    if not response.streaming:
        return response.content.decode()
    body = b"".join(response.streaming_content)
    if not body.startswith(b"PK"):  # CSV
        return body.decode()
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
    )


def feed_surfaces(person: Person) -> Iterator[tuple[str, str]]:
    token = calendar_feed_issue(person=person)
    yield "calendar feed", Client().get(f"/calendar/{token}.ics").content.decode()


def admin_surfaces(client: Client, planted: Planted) -> Iterator[tuple[str, str]]:
    """The admin's lists, change pages and search, for every model it has."""
    from django.contrib import admin

    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        yield f"admin {base}", client.get(base).content.decode()
        for marker in ALLOWED:
            page = client.get(base, {"q": marker}).content.decode()
            # The page repeats the search in its links and search box; a
            # search that matches rows tells the text apart just as well.
            for echo in (f"q={marker}", f"q%3D{marker}", f'value="{marker}"'):
                page = page.replace(echo, "")
            found = re.search(r"(\d+) results? \(", page)
            if found and int(found.group(1)):
                page += f"\nthe search for {marker} matched {found.group(1)} rows"
            yield f"admin {base}?q=", page
        for obj in model._default_manager.all()[:50]:
            url = f"{base}{obj.pk}/change/"
            yield f"admin {url}", client.get(url).content.decode()


def email_surfaces(recipient: Person) -> Iterator[tuple[str, str]]:
    for message in mail.outbox:
        if recipient.email in message.to:
            html = "".join(str(body) for body, _ in getattr(message, "alternatives", []))
            yield f"email {message.subject!r}", f"{message.subject}\n{message.body}\n{html}"


def leaks_in(planted: Planted) -> tuple[list[str], dict[str, set[str]]]:
    """(leaks, markers each persona saw) over every surface."""
    leaks: list[str] = []
    seen: dict[str, set[str]] = {name: set() for name in PERSONAS}
    for name in [*PERSONAS, "anonymous"]:
        person = planted.person(name) if name != "anonymous" else None
        api, web = APIClient(), Client()
        if person is not None:
            api.force_authenticate(person)
            web.force_login(person)
        surfaces: list[Iterator[tuple[str, str]]] = [
            api_surfaces(api, planted),
            page_surfaces(web, planted),
        ]
        if person is not None:
            surfaces.append(email_surfaces(person))
            surfaces.append(feed_surfaces(person))
            if person.is_staff:
                surfaces.append(admin_surfaces(web, planted))
        for surface in surfaces:
            for where, text in surface:
                for marker, allowed in ALLOWED.items():
                    if found(marker, text):
                        if name in allowed:
                            seen[name].add(marker)
                        else:
                            leaks.append(f"{marker} reached {name} through {where}")
    return leaks, seen


def _send_every_email(time_machine: Any, planted: Planted) -> None:
    """Run the reminder engine for almost four weeks: welcome, milestone,
    assessment, action item and check-in nudges all go out."""
    start = day_two(planted.personas)
    run_engine(time_machine, start=start, end=start + dt.timedelta(days=26))


@pytest.fixture
def planted(personas: Personas, time_machine: Any) -> Planted:
    time_machine.move_to(day_two(personas), tick=False)
    result = plant(personas)
    _send_every_email(time_machine, result)
    return result


def test_no_private_text_reaches_anyone_it_does_not_belong_to(planted: Planted) -> None:
    kinds = set(
        Notification.objects.filter(status=NotificationStatus.SENT).values_list("kind", flat=True)
    )
    assert {"pairing_welcome", "action_item_overdue", "checkin_nudge"} <= kinds
    leaks, seen = leaks_in(planted)

    assert leaks == []
    # The scan finds what it looks for: each marker reached its owners.
    for marker, allowed in ALLOWED.items():
        for name in allowed:
            assert marker in seen[name], (marker, name)
    # The action item reached its owner by email (the overdue nudge).
    assert any(ACTION_ITEM in m.body for m in mail.outbox if planted.personas.mentee.email in m.to)


def test_the_audit_trail_holds_no_text(planted: Planted) -> None:
    dumped = json.dumps(list(AuditEvent.objects.values("action", "data")))
    for marker in ALLOWED:
        assert not found(marker, dumped)


def test_a_planted_leak_is_caught(personas: Personas, time_machine: Any) -> None:
    """The scan is not blind: put the mentee's private marker where everyone
    in the program reads it (the program's description) and the scan reports
    it, for HR among others."""
    time_machine.move_to(day_two(personas), tick=False)
    planted = plant(personas)
    personas.program.description = f"Welcome! {PRIVATE_MENTEE}"
    personas.program.save(update_fields=["description"])

    leaks, _ = leaks_in(planted)

    assert any(re.match(rf"{PRIVATE_MENTEE} reached hr through ", leak) for leak in leaks)
    assert not any(" reached outsider " in leak for leak in leaks)


def test_masked_fields_cannot_be_searched_in_the_admin(personas: Any, client: Client) -> None:
    """A hidden field answered ``?note__contains=guess`` with one row or
    none; every field an admin hides now refuses every lookup."""
    from django.contrib import admin

    from mentorship.checkins.services import checkin_log
    from mentorship.core.timezones import today_for

    checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=today_for(personas.mentee),
        duration_minutes=30,
        shared_notes="The reorg worries me",
        confidence_pulse=2,
    )
    superuser = personas.hr
    superuser.is_staff = superuser.is_superuser = True
    superuser.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(superuser)
    probed = 0
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for field in model_admin.exclude or ():
            for lookup, value in (
                (f"{field}__contains", "reorg"),
                (f"{field}__startswith", "T"),
                (field, "2"),
                (f"{field}__isnull", "False"),
            ):
                response = client.get(base, {lookup: value})
                assert response.status_code == 400, (base, lookup)
                probed += 1
    assert probed >= 16  # check-in notes and pulse, action items, milestones, tokens
    # Lookups on what the admin shows still work.
    assert client.get("/admin/checkins/checkin/", {"kind": "meeting"}).status_code == 200
