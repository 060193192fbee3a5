"""Capacity is a hard guarantee: two admins giving the same mentor's last
slot at the same moment, over real connections to PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from mentorship.pairings.models import OPEN_PAIRING_STATUSES, Pairing, PairingSource
from mentorship.programs.models import Enrollment, EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.factories import PersonFactory
from tests.fixtures.personas import build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Row locks need PostgreSQL (SQLite has none)."
)
@pytest.mark.parametrize("attempt", range(5))
def test_two_parallel_replacements_never_exceed_a_mentors_capacity(attempt: int) -> None:
    personas = build_personas()
    program = personas.program
    target = PersonFactory.create(full_name="Tess Target")
    enrollment_create(program=program, person=target, role=EnrollmentRole.MENTOR, by=personas.hr)
    Enrollment.objects.filter(person=target, role=EnrollmentRole.MENTOR).update(capacity=1)
    proposals = []
    for index, mentor in enumerate((personas.mentor, personas.other_mentor)):
        mentee = PersonFactory.create(full_name=f"Waiting {index}")
        enrollment_create(
            program=program, person=mentee, role=EnrollmentRole.MENTEE, by=personas.hr
        )
        proposals.append(
            Pairing.objects.create(
                program=program, mentee=mentee, mentor=mentor, source=PairingSource.MATCHING
            )
        )

    barrier = threading.Barrier(2)
    results: list[int] = []
    lock = threading.Lock()

    def replace(pairing: Pairing, admin: Any) -> None:
        client = APIClient()
        client.force_login(admin)
        barrier.wait()
        response = client.post(
            f"/api/v1/matching/proposals/{pairing.pk}/replace/",
            {"mentor": target.pk},
            format="json",
        )
        with lock:
            results.append(response.status_code)
        connections.close_all()

    threads = [
        threading.Thread(target=replace, args=(proposals[0], personas.hr)),
        threading.Thread(target=replace, args=(proposals[1], personas.program_admin)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [200, 400]
    assert (
        Pairing.objects.filter(
            program=program, mentor=target, status__in=OPEN_PAIRING_STATUSES
        ).count()
        == 1
    )
