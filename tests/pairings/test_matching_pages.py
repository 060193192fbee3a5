"""The matching pages: who may open them, what they do, and their queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.pairings.models import MatchingRun, MatchingRunStatus, Pairing, PairingStatus
from tests.api.test_pairings_api import with_proposal
from tests.api.test_permission_matrix import PERSONAS as MATRIX_PERSONAS
from tests.factories import PairingFactory
from tests.fixtures.personas import Personas
from tests.helpers import assert_constant_queries, occurrences

pytestmark = pytest.mark.django_db

PERSONAS = [name for name in MATRIX_PERSONAS if name != "anonymous"]


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_program_admins_reach_matching(personas: Personas, persona: str) -> None:
    _, proposal = with_proposal(personas)
    client = signed_in(getattr(personas, persona))
    program = personas.program.pk
    urls = [
        f"/programs/{program}/matching/",
        f"/programs/{program}/proposals/{proposal.pk}/",
        f"/programs/{program}/matching/runs/{MatchingRun.objects.get().pk}/progress/",
    ]
    expected = 200 if persona in ("hr", "program_admin") else 404
    for url in urls:
        assert client.get(url).status_code == expected, url
    assert client.post(f"/programs/{program}/matching/approve-all/").status_code == (
        302 if expected == 200 else 404
    )


def test_anonymous_people_are_sent_to_sign_in(personas: Personas) -> None:
    response = Client().get(f"/programs/{personas.program.pk}/matching/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_the_page_shows_proposals_with_their_reasons(personas: Personas) -> None:
    _, proposal = with_proposal(personas)
    page = signed_in(personas.program_admin).get(f"/programs/{personas.program.pk}/matching/")
    html = page.content.decode()
    assert "Waiting for approval (1)" in html
    assert "Shares 1 of 1 focus areas: Coaching and feedback" in html
    assert f"/programs/{personas.program.pk}/proposals/{proposal.pk}/" in html


def test_running_matching_queues_a_run_and_shows_progress(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(personas.hr)
    url = f"/programs/{personas.program.pk}/matching/"
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, follow=True)
    html = response.content.decode()
    assert "Matching started." in html
    assert '<progress id="matching-progress-bar">' in html
    assert 'src="/static/scaffold/progress.js"' in html
    run = MatchingRun.objects.get()
    progress = client.get(f"{url}runs/{run.pk}/progress/").json()
    assert progress == {"status": "queued", "stage": "Queued", "finished": False}
    again = client.post(url, follow=True).content.decode()
    assert "Matching is already running for this program; wait for it." in again


def test_approve_decline_and_replace_from_the_proposal_page(personas: Personas) -> None:
    _, proposal = with_proposal(personas)
    client = signed_in(personas.program_admin)
    url = f"/programs/{personas.program.pk}/proposals/{proposal.pk}/"
    page = client.get(url).content.decode()
    assert "Other mentors who could take" in page

    no_reason = client.post(url, {"action": "decline", "reason": " "})
    assert no_reason.status_code == 400
    assert "Say why you decline this proposal." in no_reason.content.decode()

    other = personas.other_mentor if proposal.mentor_id == personas.mentor.pk else personas.mentor
    replaced = client.post(url, {"action": "replace", "mentor": other.pk})
    assert replaced.status_code == 302
    proposal.refresh_from_db()
    assert proposal.mentor_id == other.pk

    outsider = client.post(url, {"action": "replace", "mentor": personas.outsider.pk})
    assert outsider.status_code == 400
    assert "is not enrolled as a mentor" in outsider.content.decode()

    first_day = timezone.localdate() + dt.timedelta(days=3)
    approved = client.post(url, {"action": "approve", "starts_on": first_day.isoformat()})
    assert approved.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.starts_on) == (PairingStatus.ACTIVE, first_day)


def test_a_failed_run_says_why(personas: Personas) -> None:
    MatchingRun.objects.create(
        program=personas.program, status=MatchingRunStatus.FAILED, error="The worker stopped."
    )
    html = signed_in(personas.hr).get(f"/programs/{personas.program.pk}/matching/")
    assert "failed: The worker stopped." in html.content.decode()


def test_matching_page_queries_do_not_grow(personas: Personas) -> None:
    client = signed_in(personas.hr)

    def grow(n: int) -> None:
        for _ in range(n):
            PairingFactory.create(program=personas.program, status=PairingStatus.PROPOSED)

    assert_constant_queries(
        lambda: client.get(f"/programs/{personas.program.pk}/matching/"),
        grow,
        served=occurrences('aria-label="Review the proposal for '),
        at_most=10,
    )
    assert Pairing.objects.filter(status=PairingStatus.PROPOSED).count() == 50
