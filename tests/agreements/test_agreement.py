"""The agreement with one's own manager: asked for by the plan, written by
the line manager through their link, confirmed by the mentee, reviewed near
day 90; read by the two of them (and the mentor once shared), and by HR only
as "agreed on…"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from mentorship.agreements import services
from mentorship.agreements.models import ManagerAgreement
from mentorship.notifications import links
from mentorship.pairings.models import Milestone, MilestoneStatus
from mentorship.plans.models import StepKind
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory
from tests.fixtures.personas import Personas
from tests.notifications.simulate import run_engine, sent_at_nine

pytestmark = pytest.mark.django_db

TEXT = services.AgreementText(
    success="A team that ships without me in every review",
    decisions="Hiring for the team; the order of the backlog",
    handoffs="The billing service, to Ravi",
    handoffs_by=None,
)


def client_of(person: Any) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def path_of(url: str) -> str:
    found = re.search(r"https?://[^/]+(/\S*)", url)
    assert found is not None
    return found.group(1)


def written(personas: Personas) -> ManagerAgreement:
    agreement = services.agreement_ask(pairing=personas.pairing)
    assert agreement is not None
    return services.agreement_write(agreement=agreement, by=personas.line_manager, text=TEXT)


def step(personas: Personas, kind: str, due_on: dt.date) -> Milestone:
    return MilestoneFactory.create(pairing=personas.pairing, kind=kind, due_on=due_on)


def test_the_line_manager_writes_through_the_link_and_the_mentee_confirms(
    personas: Personas,
) -> None:
    agreement_step = step(personas, StepKind.AGREEMENT, timezone.localdate())
    (agreement,) = services.agreements_ask_due(now=timezone.now())
    assert agreement.line_manager == personas.line_manager
    link = path_of(
        links.agreement_url(person_id=personas.line_manager.pk, agreement_id=agreement.pk)
    )
    page = Client().get(link)
    assert page.status_code == 200
    assert "Write it down" in page.content.decode()
    empty = Client().post(link, {"action": "write", "success": " "})
    assert empty.status_code == 400
    saved = Client().post(
        link,
        {
            "action": "write",
            "success": TEXT.success,
            "decisions": TEXT.decisions,
            "handoffs": TEXT.handoffs,
            "handoffs_by": "",
        },
    )
    assert saved.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.success) == ("to_confirm", TEXT.success)

    mentee = client_of(personas.mentee)
    url = f"/pairings/{personas.pairing.pk}/agreement/"
    assert TEXT.decisions in mentee.get(url).content.decode()
    assert mentee.post(url, {"action": "confirm"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "agreed"
    agreement_step.refresh_from_db()
    assert agreement_step.status == MilestoneStatus.DONE

    # Once confirmed it stays as agreed (the plan's step says done).
    with pytest.raises(ValidationError, match="It is agreed"):
        services.agreement_write(
            agreement=agreement,
            by=personas.line_manager,
            text=services.AgreementText(TEXT.success, TEXT.decisions, "Billing, by June"),
        )
    assert "Write it down" not in Client().get(link).content.decode()


def test_nobody_is_asked_without_a_manager_in_scaffold(personas: Personas) -> None:
    pairing = PairingFactory.create(mentee=PersonFactory.create(manager=None))
    MilestoneFactory.create(pairing=pairing, kind=StepKind.AGREEMENT, due_on=timezone.localdate())
    assert services.agreements_ask_due(now=timezone.now()) == []
    page = client_of(pairing.mentee).get(f"/pairings/{pairing.pk}/agreement/").content.decode()
    assert "Scaffold does not know who your manager is" in page


def test_each_side_does_only_its_part(personas: Personas) -> None:
    agreement = services.agreement_ask(pairing=personas.pairing)
    assert agreement is not None
    for person in (personas.mentee, personas.mentor, personas.hr):
        with pytest.raises(ValidationError, match="Only their line manager"):
            services.agreement_write(agreement=agreement, by=person, text=TEXT)
    with pytest.raises(ValidationError, match="Nothing to confirm yet"):
        services.agreement_confirm(agreement=agreement, by=personas.mentee)
    agreement = services.agreement_write(agreement=agreement, by=personas.line_manager, text=TEXT)
    with pytest.raises(ValidationError, match="Only the new manager"):
        services.agreement_confirm(agreement=agreement, by=personas.line_manager)
    with pytest.raises(ValidationError, match="keep it to 2000 characters"):
        services.agreement_write(
            agreement=agreement,
            by=personas.line_manager,
            text=services.AgreementText("x" * 2001, "d", "h"),
        )


def test_the_review_opens_with_its_step_once_agreed(personas: Personas) -> None:
    agreement = written(personas)
    today = timezone.localdate()
    review_step = step(personas, StepKind.AGREEMENT_REVIEW, today + dt.timedelta(days=30))
    answers = {"review_success": "done", "review_decisions": "partly", "review_handoffs": "not_yet"}
    with pytest.raises(ValidationError, match="once the agreement is confirmed"):
        services.agreement_review(agreement=agreement, by=personas.mentee, answers=answers)
    agreement = services.agreement_confirm(agreement=agreement, by=personas.mentee)
    with pytest.raises(ValidationError, match="near day 90"):
        services.agreement_review(agreement=agreement, by=personas.mentee, answers=answers)
    Milestone.objects.filter(pk=review_step.pk).update(due_on=today)
    with pytest.raises(ValidationError, match="done, partly or not yet"):
        services.agreement_review(
            agreement=agreement, by=personas.mentee, answers={**answers, "review_success": "yes"}
        )
    with pytest.raises(ValidationError, match="Only the two"):
        services.agreement_review(agreement=agreement, by=personas.mentor, answers=answers)
    agreement = services.agreement_review(
        agreement=agreement, by=personas.line_manager, answers=answers
    )
    assert agreement.status == "reviewed"
    assert agreement.review_handoffs == "not_yet"
    review_step.refresh_from_db()
    assert review_step.status == MilestoneStatus.DONE
    # Not once the pairing is over.
    personas.pairing.status = "completed"
    personas.pairing.save()
    with pytest.raises(ValidationError, match="The pairing is over"):
        services.agreement_review(agreement=agreement, by=personas.mentee, answers=answers)


PAGE_READERS = {"mentee", "line_manager"}


@pytest.mark.parametrize(
    "persona",
    ["hr", "program_admin", "mentor", "mentee", "line_manager", "other_mentor", "outsider"],
)
def test_who_reads_the_text(personas: Personas, persona: str) -> None:
    services.agreement_confirm(agreement=written(personas), by=personas.mentee)
    person = personas.everyone()[persona]
    url = f"/pairings/{personas.pairing.pk}/agreement/"
    page = client_of(person).get(url)
    detail = client_of(person).get(f"/pairings/{personas.pairing.pk}/").content.decode()
    if persona in PAGE_READERS:
        assert TEXT.success in page.content.decode()
    elif persona == "mentor":
        assert page.status_code == 200
        assert TEXT.success not in page.content.decode()
    else:
        assert page.status_code == 404
    assert TEXT.success not in detail
    if persona in {"hr", "program_admin"} and person is not None:
        # The day in the reader's own zone (HR is in Berlin, the admin in London).
        agreed = timezone.localdate(timezone.now(), ZoneInfo(person.time_zone))
        assert f"Agreement with their line manager: agreed on {agreed:%-d %B %Y}" in detail
    services.agreement_share(
        agreement=ManagerAgreement.objects.get(), by=personas.mentee, shared=True
    )
    shown = TEXT.success in client_of(person).get(url).content.decode()
    assert shown is (persona in {*PAGE_READERS, "mentor"})


UTC = dt.UTC
ASKED = dt.date(2027, 3, 12)  # US clocks change on 14 March, Europe's on 28 March


@pytest.mark.clock("2027-03-11T00:00:00Z")
def test_emails_at_nine_where_each_is(personas: Personas, time_machine: Any) -> None:
    """The ask reaches the line manager at 09:00 their time (New York) on
    the day; the review reaches both on the review step's day, after the
    clocks changed, and not once it is reviewed."""
    MilestoneFactory.create(pairing=personas.pairing, kind=StepKind.AGREEMENT, due_on=ASKED)
    review_on = ASKED + dt.timedelta(days=20)
    MilestoneFactory.create(
        pairing=personas.pairing, kind=StepKind.AGREEMENT_REVIEW, due_on=review_on
    )
    start = dt.datetime.combine(ASKED, dt.time(6), tzinfo=UTC)  # 01:00 in New York
    time_machine.move_to(start, tick=False)
    services.sweep(now=start)
    run_engine(time_machine, start=start, end=start + dt.timedelta(days=2))
    assert sent_at_nine("agreement_request") == [(personas.line_manager.pk, ASKED)]
    (ask,) = [m for m in mail.outbox if "agree on what success looks like" in m.subject]
    found = re.search(r"https?://\S+/agreement/\S+/", str(ask.body))
    assert found is not None
    agreement = ManagerAgreement.objects.get()
    assert Client().get(path_of(found.group(0))).status_code == 200
    agreement = services.agreement_write(agreement=agreement, by=personas.line_manager, text=TEXT)
    services.agreement_confirm(agreement=agreement, by=personas.mentee)

    run_engine(
        time_machine,
        start=start + dt.timedelta(days=2, hours=3),
        end=dt.datetime.combine(review_on + dt.timedelta(days=2), dt.time(0), tzinfo=UTC),
    )
    assert sent_at_nine("agreement_review") == sorted(
        [(personas.mentee.pk, review_on), (personas.line_manager.pk, review_on)]
    )
