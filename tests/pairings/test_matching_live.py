"""Matching started from the API runs on a real worker over real Redis."""

from __future__ import annotations

from typing import Any

import pytest

from mentorship.pairings.models import MatchingRun, Pairing, PairingStatus
from mentorship.programs.models import EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.factories import PersonFactory, competency
from tests.fixtures.celery_worker import wait_for
from tests.fixtures.personas import build_personas

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_run_requested_by_api_is_done_by_the_worker(celery_worker: Any, client_for: Any) -> None:
    personas = build_personas()
    for index in range(2):
        enrollment_create(
            program=personas.program,
            person=PersonFactory.create(full_name=f"Newcomer {index}"),
            role=EnrollmentRole.MENTEE,
            by=personas.hr,
            focus_competencies=[competency("conflict-resolution")],
        )
    client = client_for(personas.program_admin)
    started = client.post("/api/v1/matching/runs/", {"program": personas.program.pk}, format="json")
    assert started.status_code == 202, started.content
    assert started.json()["status"] == "queued"
    run_url = f"/api/v1/matching/runs/{started.json()['id']}/"

    wait_for(lambda: client.get(run_url).json()["status"] == "done", timeout=30)
    body = client.get(run_url).json()
    assert (body["mentees_considered"], body["proposals_made"], body["unmatched"]) == (2, 2, [])
    assert Pairing.objects.filter(status=PairingStatus.PROPOSED).count() == 2
    assert MatchingRun.objects.get().stage == ""
