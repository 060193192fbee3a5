"""Reads of agreements, scoped to the viewer (access.sees_agreement_q)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from mentorship import access
from mentorship.agreements.models import ManagerAgreement
from mentorship.pairings.models import Pairing
from mentorship.people.models import Person


def agreements_visible_to(viewer: Person) -> QuerySet[ManagerAgreement]:
    return ManagerAgreement.objects.filter(access.sees_agreement_q(viewer)).select_related(
        "pairing__mentee", "pairing__mentor", "pairing__program", "line_manager"
    )


@dataclass(frozen=True)
class AgreementState:
    """What anyone who sees the pairing may know: that it was asked for,
    agreed and reviewed, and when — never what it says."""

    status: str
    agreed_at: dt.datetime | None
    reviewed_at: dt.datetime | None


def agreement_state(pairing: Pairing) -> AgreementState | None:
    row = (
        ManagerAgreement.objects.filter(pairing=pairing)
        .values("written_at", "confirmed_at", "reviewed_at")
        .first()
    )
    if row is None:
        return None
    status = (
        "reviewed"
        if row["reviewed_at"]
        else "agreed"
        if row["confirmed_at"]
        else "to_confirm"
        if row["written_at"]
        else "asked"
    )
    return AgreementState(status, row["confirmed_at"], row["reviewed_at"])
