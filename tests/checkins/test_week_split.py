"""Where the mentee's week goes: given with a check-in or on its own, once a
week, the four parts adding up to 100; the pair reads it, and HR reads only
that individual work is still most of the week past day 45."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from mentorship.checkins.models import CheckIn, PairingActivity, WeekSplit
from mentorship.checkins.services import (
    Split,
    checkin_log,
    week_of,
    week_split_record,
)
from mentorship.checkins.summaries import summaries_rebuild
from mentorship.core.timezones import today_for
from mentorship.insights.selectors import Filters, program_health
from mentorship.pairings.models import Pairing
from mentorship.pairings.services.lifecycle import pairing_end
from mentorship.people.erasure import person_erase
from mentorship.people.personal_data import personal_data
from tests.fixtures.personas import Personas
from tests.helpers import assert_constant_queries, occurrences

pytestmark = pytest.mark.django_db

HIGH = Split(individual=60, people=20, direction=15, other=5)
LOW = Split(individual=30, people=40, direction=25, other=5)


@pytest.fixture(autouse=True)
def _midday(time_machine: Any) -> None:
    """Noon UTC of the run's day: every persona's zone on the same date."""
    now = timezone.now()
    time_machine.move_to(now.replace(hour=12, minute=0, second=0, microsecond=0), tick=False)


def client_as(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def reasons_for(p: Personas, pairing: Pairing) -> list[str]:
    health = program_health(p.hr, Filters(), today=today_for(p.hr))
    return next((r.reasons for r in health.at_risk if r.pairing.pk == pairing.pk), [])


# -- the service -------------------------------------------------------------


def test_the_mentee_records_a_week_and_a_second_answer_replaces_it(personas: Personas) -> None:
    row = week_split_record(pairing=personas.pairing, by=personas.mentee, split=HIGH)
    again = week_split_record(pairing=personas.pairing, by=personas.mentee, split=LOW)

    assert again.pk == row.pk
    assert WeekSplit.objects.filter(pairing=personas.pairing).count() == 1
    kept = WeekSplit.objects.get()
    assert (kept.individual, kept.people, kept.direction, kept.other) == (30, 40, 25, 5)
    assert kept.week_of == week_of(today_for(personas.mentee))
    assert kept.week_of.weekday() == 0


@pytest.mark.parametrize(
    ("split", "message"),
    [
        (Split(50, 30, 10, 0), "The four parts add up to 90 %; make them 100 %"),
        (Split(60, 30, 20, 0), "add up to 110 %"),
        (Split(120, -10, -10, 0), "Individual work: give a share from 0 to 100 %."),
    ],
)
def test_a_week_that_does_not_add_up_is_refused_in_words(
    personas: Personas, split: Split, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        week_split_record(pairing=personas.pairing, by=personas.mentee, split=split)

    assert message in refused.value.message_dict["week_split"][0]
    assert not WeekSplit.objects.exists()


def test_only_the_mentee_of_a_live_pairing_says_where_their_week_went(
    personas: Personas,
) -> None:
    with pytest.raises(ValidationError) as mentor:
        week_split_record(pairing=personas.pairing, by=personas.mentor, split=HIGH)
    assert mentor.value.message_dict["week_split"] == [
        "Only the mentee says where their week went."
    ]
    tomorrow = today_for(personas.mentee) + dt.timedelta(days=8)
    with pytest.raises(ValidationError) as future:
        week_split_record(pairing=personas.pairing, by=personas.mentee, split=HIGH, on=tomorrow)
    assert "on" in future.value.message_dict
    assert personas.pairing.starts_on is not None
    before = personas.pairing.starts_on - dt.timedelta(days=14)
    with pytest.raises(ValidationError) as early:
        week_split_record(pairing=personas.pairing, by=personas.mentee, split=HIGH, on=before)
    assert "The pairing started on" in early.value.message_dict["on"][0]
    pairing_end(pairing=personas.pairing, by=personas.hr, reason="Moved teams")
    personas.pairing.refresh_from_db()
    with pytest.raises(ValidationError) as ended:
        week_split_record(pairing=personas.pairing, by=personas.mentee, split=HIGH)
    assert (
        "weeks are recorded only while it is active or paused"
        in (ended.value.message_dict["pairing"][0])
    )
    assert not WeekSplit.objects.exists()


def test_a_checkin_carries_its_weeks_split_or_nothing_is_written(personas: Personas) -> None:
    day = today_for(personas.mentee)
    checkin = checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=day,
        duration_minutes=30,
        week_split=HIGH,
    )
    split = WeekSplit.objects.get()
    assert (split.checkin_id, split.week_of, split.individual) == (checkin.pk, week_of(day), 60)

    with pytest.raises(ValidationError) as refused:
        checkin_log(
            pairing=personas.pairing,
            by=personas.mentor,
            occurred_on=day,
            duration_minutes=30,
            week_split=LOW,
        )
    assert "Only the mentee" in refused.value.message_dict["week_split"][0]
    assert CheckIn.objects.count() == 1
    assert WeekSplit.objects.get().individual == 60


# -- the summary and the at-risk reason --------------------------------------


def test_the_summary_keeps_the_newest_week_and_the_rebuild_agrees(personas: Personas) -> None:
    start = personas.pairing.starts_on
    assert start is not None
    week_split_record(pairing=personas.pairing, by=personas.mentee, split=LOW, on=start)
    week_split_record(pairing=personas.pairing, by=personas.mentee, split=HIGH)
    # The other pairing has a week and no check-in: it has a summary row too.
    week_split_record(pairing=personas.other_pairing, by=personas.other_mentee, split=LOW)

    def kept() -> set[tuple[int, dt.date | None, int | None, int]]:
        return set(
            PairingActivity.objects.values_list(
                "pairing_id", "latest_split_week", "latest_individual_share", "checkins"
            )
        )

    this_week = week_of(today_for(personas.mentee))
    assert kept() == {
        (personas.pairing.pk, this_week, 60, 0),
        (personas.other_pairing.pk, this_week, 30, 0),
    }
    before = kept()
    summaries_rebuild()
    assert kept() == before


@pytest.mark.parametrize(
    ("days_in", "split", "flagged"),
    [
        (52, HIGH, True),  # day 52, still 60 % individual work
        (52, LOW, False),  # day 52, 30 %
        (38, HIGH, False),  # before day 45: it is early to say
    ],
)
def test_individual_work_still_high_past_day_45_is_a_reason_without_its_figure(
    personas: Personas, time_machine: Any, days_in: int, split: Split, flagged: bool
) -> None:
    # The personas' pairing started 10 days ago: travel to its day ``days_in``.
    time_machine.move_to(timezone.now() + dt.timedelta(days=days_in - 10), tick=False)
    week_split_record(pairing=personas.pairing, by=personas.mentee, split=split)

    reasons = reasons_for(personas, personas.pairing)

    assert ("still mostly individual work past day 45" in reasons) is flagged
    for reason in reasons:
        assert not re.search(r"\b(60|30) ?%", reason)


def test_the_pair_reads_the_figure_and_hr_only_the_reason(
    personas: Personas, time_machine: Any
) -> None:
    time_machine.move_to(timezone.now() + dt.timedelta(days=42), tick=False)
    week_split_record(pairing=personas.pairing, by=personas.mentee, split=HIGH)
    url = f"/pairings/{personas.pairing.pk}/week/"

    for person in (personas.mentee, personas.mentor):
        page = client_as(person).get(url).content.decode()
        assert re.search(r"Still 60 % individual work at day \d+", page)
    for person in (personas.hr, personas.program_admin, personas.line_manager):
        assert client_as(person).get(url).status_code == 404
    dashboard = client_as(personas.hr).get(f"/insights/?program={personas.program.pk}")
    html = dashboard.content.decode()
    assert "still mostly individual work past day 45" in html
    assert "60 %" not in html


# -- the pages ----------------------------------------------------------------


def test_the_mentee_gives_this_week_on_the_week_page(personas: Personas) -> None:
    client = client_as(personas.mentee)
    url = f"/pairings/{personas.pairing.pk}/week/"
    assert "Record this week" in client.get(url).content.decode()

    wrong = client.post(
        url,
        {"split_individual": 50, "split_people": 20, "split_direction": 20, "split_other": 0},
    )
    assert wrong.status_code == 400
    assert "the four parts add up to 90 %; make them 100 %" in wrong.content.decode()
    assert not WeekSplit.objects.exists()

    done = client.post(
        url,
        {"split_individual": 50, "split_people": 30, "split_direction": 20, "split_other": 0},
        follow=True,
    )
    assert "This week is recorded" in done.content.decode()
    assert WeekSplit.objects.get().people == 30
    # The form now offers to change it, filled with what was given.
    page = client.get(url).content.decode()
    assert "Change this week" in page
    assert 'name="split_people" value="30"' in page


def test_the_mentor_reads_the_weeks_but_gives_none(personas: Personas) -> None:
    week_split_record(pairing=personas.pairing, by=personas.mentee, split=LOW)
    client = client_as(personas.mentor)
    url = f"/pairings/{personas.pairing.pk}/week/"

    page = client.get(url).content.decode()

    assert "<td>30</td><td>40</td><td>25</td><td>5</td>" in page
    assert "Record this week" not in page
    assert client.post(url, {"split_individual": 100}).status_code == 404


def test_a_mentees_checkin_form_asks_where_the_week_went(personas: Personas) -> None:
    url = f"/pairings/{personas.pairing.pk}/check-ins/new/"
    mentee, mentor = client_as(personas.mentee), client_as(personas.mentor)
    assert "Where did your week go?" in mentee.get(url).content.decode()
    assert "Where did your week go?" not in mentor.get(url).content.decode()
    form = {
        "occurred_on": today_for(personas.mentee).isoformat(),
        "duration_minutes": 45,
        "kind": "meeting",
        "items-TOTAL_FORMS": 0,
        "items-INITIAL_FORMS": 0,
    }

    half = mentee.post(url, {**form, "split_individual": 70})
    assert half.status_code == 400
    assert "give all four parts, 0 for none" in half.content.decode()
    assert not CheckIn.objects.exists()

    mentee.post(
        url,
        {
            **form,
            "split_individual": 40,
            "split_people": 35,
            "split_direction": 20,
            "split_other": 5,
        },
    )
    assert WeekSplit.objects.get().checkin_id == CheckIn.objects.get().pk
    # Left empty, the check-in is logged without a week.
    mentee.post(url, form)
    assert CheckIn.objects.count() == 2
    assert WeekSplit.objects.count() == 1


def test_the_week_page_costs_the_same_for_1_or_50_weeks(personas: Personas) -> None:
    pairing = personas.pairing
    Pairing.objects.filter(pk=pairing.pk).update(
        starts_on=today_for(personas.mentee) - dt.timedelta(days=400)
    )
    weeks = iter(range(60))

    def grow(n: int) -> None:
        this_week = week_of(today_for(personas.mentee))
        WeekSplit.objects.bulk_create(
            WeekSplit(
                pairing=pairing,
                week_of=this_week - dt.timedelta(weeks=next(weeks)),
                individual=37,
                people=29,
                direction=23,
                other=11,
            )
            for _ in range(n)
        )

    client = client_as(personas.mentor)
    assert_constant_queries(
        lambda: client.get(f"/pairings/{pairing.pk}/week/"),
        grow,
        served=occurrences("<td>37</td><td>29</td>"),
        at_most=12,
    )


# -- the API ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("mentee", 201),
        ("mentor", 400),
        ("hr", 400),
        ("program_admin", 400),
        ("line_manager", 400),
        ("other_mentee", 400),
        ("outsider", 400),
    ],
)
def test_who_may_record_a_week_through_the_api(
    personas: Personas, client_for: Any, persona: str, status: int
) -> None:
    client = client_for(personas.everyone()[persona])
    body = {"pairing": personas.pairing.pk, "individual": 50, "people": 25}
    body |= {"direction": 20, "other": 5}

    response = client.post("/api/v1/week-splits/", body, format="json")

    assert response.status_code == status, response.content
    assert WeekSplit.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["week_of"] == week_of(today_for(personas.mentee)).isoformat()


def test_a_second_answer_through_the_api_replaces_the_first(
    personas: Personas, client_for: Any
) -> None:
    client = client_for(personas.mentee)
    body = {"pairing": personas.pairing.pk, "individual": 50, "people": 25}
    url = "/api/v1/week-splits/"
    first = client.post(url, body | {"direction": 20, "other": 5}, format="json")
    second = client.post(url, body | {"direction": 25, "other": 0}, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert WeekSplit.objects.get().direction == 25


def test_the_api_says_what_does_not_add_up(personas: Personas, client_for: Any) -> None:
    body = {"pairing": personas.pairing.pk, "individual": 50, "people": 25}
    body |= {"direction": 20, "other": 0}

    response = client_for(personas.mentee).post("/api/v1/week-splits/", body, format="json")

    assert response.status_code == 400
    assert "add up to 95" in response.content.decode()


def test_a_checkin_through_the_api_carries_its_week(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.mentee).post(
        "/api/v1/check-ins/",
        {
            "pairing": personas.pairing.pk,
            "occurred_on": today_for(personas.mentee).isoformat(),
            "duration_minutes": 30,
            "week_split": {"individual": 45, "people": 30, "direction": 20, "other": 5},
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert WeekSplit.objects.get().checkin_id == response.json()["id"]


# -- a person's data ------------------------------------------------------------


def test_the_mentees_own_data_holds_their_weeks_and_hrs_export_does_not(
    personas: Personas,
) -> None:
    week_split_record(pairing=personas.pairing, by=personas.mentee, split=HIGH)

    own = personal_data(personas.mentee, personas.mentee)
    by_hr = personal_data(personas.hr, personas.mentee)

    assert [w["individual"] for w in own["week_splits"]] == [60]
    assert "week_splits" not in by_hr
    assert personal_data(personas.mentor, personas.mentor).get("week_splits") == []


def test_erasing_the_mentee_deletes_their_weeks_and_the_summarys_copy(
    personas: Personas,
) -> None:
    week_split_record(pairing=personas.pairing, by=personas.mentee, split=HIGH)
    pairing_end(pairing=personas.pairing, by=personas.hr, reason="Left")

    done = person_erase(person=personas.mentee, by=personas.hr, confirm_email=personas.mentee.email)

    assert done["week_splits"] == 1
    assert not WeekSplit.objects.exists()
    activity = PairingActivity.objects.get(pairing=personas.pairing)
    assert (activity.latest_split_week, activity.latest_individual_share) == (None, None)


@pytest.mark.parametrize(
    "shares",
    [(-5, 55, 40, 10), (120, 0, 0, -20), (150, 0, 0, 0)],
)
def test_a_share_out_of_range_is_said_under_its_field_not_a_server_error(
    personas: Personas, shares: tuple[int, int, int, int]
) -> None:
    """A message with a bare percent sign once broke Django's formatting of
    the range messages: a 500 on both forms, and the check-in's notes lost."""
    fields = dict(
        zip(
            ["split_individual", "split_people", "split_direction", "split_other"],
            shares,
            strict=True,
        )
    )
    mentee = client_as(personas.mentee)

    week = mentee.post(f"/pairings/{personas.pairing.pk}/week/", fields)
    checkin = mentee.post(
        f"/pairings/{personas.pairing.pk}/check-ins/new/",
        {
            "occurred_on": today_for(personas.mentee).isoformat(),
            "duration_minutes": 45,
            "kind": "meeting",
            "shared_notes": "Kept when the form comes back",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
            **fields,
        },
    )

    for response in (week, checkin):
        assert response.status_code == 400
        assert "Give a share from 0 to 100 per cent." in response.content.decode()
    assert "Kept when the form comes back" in checkin.content.decode()
    assert not WeekSplit.objects.exists()
    assert not CheckIn.objects.exists()
