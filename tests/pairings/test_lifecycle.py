"""The pairing lifecycle beyond approval: the pair asks to pause or end,
program admins decide; closing records the outcome. By service, API and page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from mentorship.audit.models import AuditEvent
from mentorship.pairings.models import ChangeRequestStatus, PairingChangeRequest, PairingStatus
from mentorship.pairings.services.change_requests import change_request_decide, change_request_open
from mentorship.pairings.services.lifecycle import pairing_end, pairing_record_outcome
from tests.api.test_permission_matrix import PERSONAS, _page
from tests.fixtures.personas import Personas
from tests.helpers import api_rows, assert_constant_queries

pytestmark = pytest.mark.django_db


def test_the_pair_asks_and_an_admin_decides(personas: Personas) -> None:
    pairing = personas.pairing
    with pytest.raises(PermissionDenied):
        change_request_open(pairing=pairing, by=personas.hr, kind="pause", reason="x")
    with pytest.raises(ValidationError, match="Say why"):
        change_request_open(pairing=pairing, by=personas.mentee, kind="pause", reason=" ")
    asked = change_request_open(
        pairing=pairing, by=personas.mentee, kind="pause", reason="Parental leave"
    )
    with pytest.raises(ValidationError, match="Mira Mentee already asked to pause"):
        change_request_open(pairing=pairing, by=personas.mentor, kind="pause", reason="Same")
    with pytest.raises(ValidationError, match="You already asked to pause"):
        change_request_open(pairing=pairing, by=personas.mentee, kind="end", reason="Or end")
    with pytest.raises(PermissionDenied):
        change_request_decide(change_request=asked, by=personas.mentor, approve=True)
    with pytest.raises(ValidationError, match="Say why you decline"):
        change_request_decide(change_request=asked, by=personas.program_admin, approve=False)

    decided = change_request_decide(change_request=asked, by=personas.program_admin, approve=True)
    assert decided.status == ChangeRequestStatus.APPROVED
    pairing.refresh_from_db()
    assert (pairing.status, pairing.close_reason) == (PairingStatus.PAUSED, "Parental leave")
    with pytest.raises(ValidationError, match="already approved"):
        change_request_decide(change_request=asked, by=personas.hr, approve=True)
    with pytest.raises(ValidationError, match="A paused pairing cannot be paused"):
        change_request_open(pairing=pairing, by=personas.mentee, kind="pause", reason="again")
    assert AuditEvent.objects.filter(action="pairing.pause_requested").count() == 1
    assert AuditEvent.objects.filter(action="pairing.pause_request_approved").count() == 1


def test_outcome_is_recorded_once_closed(personas: Personas) -> None:
    with pytest.raises(ValidationError, match="once the pairing has closed"):
        pairing_record_outcome(pairing=personas.pairing, by=personas.hr, outcome="ic_track")
    ended = pairing_end(pairing=personas.pairing, by=personas.hr, reason="Reorganisation")
    with pytest.raises(ValidationError, match="Choose one of"):
        pairing_record_outcome(pairing=ended, by=personas.hr, outcome="promoted")
    with pytest.raises(PermissionDenied):
        pairing_record_outcome(pairing=ended, by=personas.mentor, outcome="ic_track")
    recorded = pairing_record_outcome(pairing=ended, by=personas.hr, outcome="ic_track")
    assert recorded.outcome == "ic_track"


def change_requests_visible(persona: str) -> set[str]:
    return {
        "hr": {"mine", "other"},
        "program_admin": {"mine", "other"},
        "mentor": {"mine"},
        "mentee": {"mine"},
        "other_mentor": {"other"},
        "other_mentee": {"other"},
        "line_manager": set(),
        "outsider": set(),
    }[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_change_requests_api_matrix(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    requests = {
        "mine": change_request_open(
            pairing=personas.pairing, by=personas.mentee, kind="end", reason="Changing teams"
        ),
        "other": change_request_open(
            pairing=personas.other_pairing, by=personas.other_mentor, kind="pause", reason="Leave"
        ),
    }
    client = client_for(personas.everyone()[persona])
    if persona == "anonymous":
        assert client.get("/api/v1/pairings/change-requests/").status_code == 401
        return
    expected = {requests[name].pk for name in change_requests_visible(persona)}
    assert {r["id"] for r in _page(client, "/api/v1/pairings/change-requests/")} == expected
    url = f"/api/v1/pairings/change-requests/{requests['mine'].pk}/decline/"
    response = client.post(url, {"note": "Let us talk first"}, format="json")
    if persona in ("hr", "program_admin"):
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "declined"
    elif requests["mine"].pk in expected:
        assert response.status_code == 403
    else:
        assert response.status_code == 404

    def ask() -> Any:
        return client.post(
            f"/api/v1/pairings/{personas.pairing.pk}/request-change/",
            {"kind": "pause", "reason": "Busy quarter"},
            format="json",
        )

    asked = ask()
    if persona in ("mentor", "mentee"):
        # The mentee's request to end is still open: the admins decide it first.
        assert asked.status_code == 400
        assert "already asked to end this pairing" in str(asked.json())
        change_request_decide(
            change_request=requests["mine"], by=personas.hr, approve=False, note="Stay"
        )
        assert ask().status_code == 201
    elif persona in ("hr", "program_admin", "line_manager"):
        assert asked.status_code == 403  # they see the pairing, but are not in it
    else:
        assert asked.status_code == 404


def test_change_requests_list_queries(personas: Personas, client_for: Callable[..., Any]) -> None:
    from tests.factories import PairingFactory

    def grow(n: int) -> None:
        for _ in range(n):
            pairing = PairingFactory.create(program=personas.program)
            PairingChangeRequest.objects.create(
                pairing=pairing, kind="pause", requested_by=pairing.mentee, reason="r"
            )

    client = client_for(personas.hr)
    assert_constant_queries(
        lambda: client.get("/api/v1/pairings/change-requests/?page_size=200"),
        grow,
        served=api_rows,
        at_most=5,
    )


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_on_the_page_the_mentee_asks_and_the_admin_approves(personas: Personas) -> None:
    url = f"/pairings/{personas.pairing.pk}/"
    mentee = signed_in(personas.mentee)
    assert "Ask the program admins to" in mentee.get(url).content.decode()
    sent = mentee.post(
        f"{url}manage/", {"action": "request_end", "reason": "Moving to another role"}, follow=True
    )
    assert "Your request to end the pairing is with the program admins." in sent.content.decode()
    # Admin-only moves from the mentee are refused as if the page were not there.
    assert mentee.post(f"{url}manage/", {"action": "pause"}).status_code == 404

    line_manager_page = signed_in(personas.line_manager).get(url).content.decode()
    assert "Moving to another role" not in line_manager_page
    assert (
        signed_in(personas.line_manager).post(f"{url}manage/", {"action": "pause"}).status_code
        == 404
    )

    admin = signed_in(personas.program_admin)
    page = admin.get(url).content.decode()
    assert "Moving to another role" in page
    change = PairingChangeRequest.objects.get()
    done = admin.post(
        f"{url}manage/",
        {"action": "approve_request", "change_request": change.pk},
        follow=True,
    )
    assert "The request is approved; the pairing is ended early." in done.content.decode()
    personas.pairing.refresh_from_db()
    assert personas.pairing.status == PairingStatus.ENDED
    recorded = admin.post(
        f"{url}manage/", {"action": "outcome", "outcome": "ic_track"}, follow=True
    )
    assert "The outcome is recorded." in recorded.content.decode()
    personas.pairing.refresh_from_db()
    assert personas.pairing.outcome == "ic_track"


def test_an_illegal_move_on_the_page_says_why(personas: Personas) -> None:
    admin = signed_in(personas.hr)
    response = admin.post(
        f"/pairings/{personas.pairing.pk}/manage/", {"action": "resume"}, follow=True
    )
    assert "An active pairing cannot become active." in response.content.decode()


def test_closing_cancels_pending_milestone_reminders(personas: Personas) -> None:
    from mentorship.notifications.models import Notification
    from mentorship.notifications.services import notifications_sweep

    notifications_sweep()
    pending = Notification.objects.filter(pairing=personas.pairing, status="pending")
    assert pending.exclude(kind="pairing_feedback").exists()
    pairing_end(pairing=personas.pairing, by=personas.hr, reason="Left the company")
    assert not pending.exclude(kind="pairing_feedback").exists()
    cancelled = Notification.objects.filter(pairing=personas.pairing, status="cancelled")
    assert set(cancelled.values_list("last_error", flat=True)) == {
        "Not sent: the pairing closed first."
    }


def test_hr_home_lists_open_requests(personas: Personas) -> None:
    change_request_open(
        pairing=personas.pairing, by=personas.mentee, kind="pause", reason="Parental leave"
    )
    html = signed_in(personas.program_admin).get("/").content.decode()
    assert "Requests waiting for you (1)" in html
    assert "Mira Mentee asks to pause their pairing with their mentor Marco Mentor" in html
    assert "Requests waiting for you" not in signed_in(personas.mentor).get("/").content.decode()


def test_the_pairing_page_offers_no_second_request_while_one_waits(
    personas: Personas,
) -> None:
    change_request_open(
        pairing=personas.pairing, by=personas.mentee, kind="pause", reason="Parental leave"
    )

    html = signed_in(personas.mentor).get(f"/pairings/{personas.pairing.pk}/").content.decode()

    assert "A request is waiting for the program admins" in html
    assert 'name="action" value="request_end"' not in html
