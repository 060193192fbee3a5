"""The upward feedback pages, for every persona: a round's results are the
mentee's (and the mentor's once shared); HR and program admins reach only
the averages page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorship.upward.services import round_share
from tests.factories import PersonFactory
from tests.fixtures.personas import Personas
from tests.upward.builders import Team, answer, close, open_round

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
COMMENT = "We always leave one-to-ones knowing what matters this week"


@pytest.fixture
def shown_round(personas: Personas) -> Any:
    team = Team(personas.pairing, [PersonFactory.create(manager=personas.mentee) for _ in range(3)])
    round_ = open_round(team)
    for report in team.reports:
        assert answer(round_, report, 4, keep=COMMENT) == 200
    return close(round_)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pairings_feedback_page(personas: Personas, shown_round: Any, persona: str) -> None:
    client = Client()
    person = personas.everyone()[persona]
    if person is not None:
        client.force_login(person)
    url = f"/pairings/{personas.pairing.pk}/upward-feedback/"
    page = client.get(url)
    if persona == "anonymous":
        assert page.status_code == 302
        return
    if persona not in {"mentee", "mentor"}:
        assert page.status_code == 404
        return
    html = page.content.decode()
    assert page.status_code == 200
    assert (COMMENT in html) is (persona == "mentee")
    round_share(round_=shown_round, by=personas.mentee, shared=True)
    assert COMMENT in client.get(url).content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_sharing_and_focus_from_the_page(
    personas: Personas, shown_round: Any, persona: str
) -> None:
    client = Client()
    person = personas.everyone()[persona]
    if person is not None:
        client.force_login(person)
    share = client.post(
        f"/upward-feedback/rounds/{shown_round.pk}/share/", {"shared_with_mentor": "on"}
    )
    focus = client.post(f"/upward-feedback/rounds/{shown_round.pk}/focus/", {"focus": ["care"]})
    shown_round.refresh_from_db()
    if persona == "mentee":
        assert (share.status_code, focus.status_code) == (302, 302)
        assert shown_round.shared_with_mentor
        assert shown_round.focus == ["care"]
    elif persona == "anonymous":
        assert (share.status_code, focus.status_code) == (302, 302)
        assert not shown_round.shared_with_mentor
    else:
        assert (share.status_code, focus.status_code) == (404, 404)
        assert not shown_round.shared_with_mentor
        assert shown_round.focus == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_averages_page(personas: Personas, shown_round: Any, persona: str) -> None:
    client = Client()
    person = personas.everyone()[persona]
    if person is not None:
        client.force_login(person)
    page = client.get("/insights/upward-feedback/")
    expected = {"anonymous": 302, "hr": 200, "program_admin": 200}.get(persona, 404)
    assert page.status_code == expected
    if expected == 200:
        html = page.content.decode()
        assert COMMENT not in html
        # One manager's round is below any group: no figure.
        assert "fewer than 5 managers" in html


def test_the_mentee_reads_results_and_shares_them(personas: Personas, shown_round: Any) -> None:
    client = Client()
    client.force_login(personas.mentee)
    html = client.get(f"/pairings/{personas.pairing.pk}/upward-feedback/").content.decode()
    assert "3 of 3 answered" in html
    assert "4.0" in html
    assert f"Share this round with {personas.mentor.full_name}" in html
    done = client.post(
        f"/upward-feedback/rounds/{shown_round.pk}/share/",
        {"shared_with_mentor": "on"},
        follow=True,
    )
    assert f"{personas.mentor.full_name} now sees this round" in done.content.decode()
    too_many = client.post(
        f"/upward-feedback/rounds/{shown_round.pk}/focus/",
        {"focus": ["care", "trust", "growth"]},
        follow=True,
    )
    assert "Pick at most 2 statements" in too_many.content.decode()
