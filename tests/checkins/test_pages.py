"""The check-in and self-assessment pages: logging, carrying action items
over, editing, rating confidence and the chart — and what each persona's
pairing page shows of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mentorship.checkins.models import ActionItem, Assessment, CheckIn
from mentorship.checkins.selectors import plan_competencies
from mentorship.checkins.services import assessment_record
from mentorship.core.timezones import today_for
from mentorship.pairings.models import MilestoneStatus
from mentorship.pairings.services.lifecycle import pairing_end
from tests.fixtures.personas import Personas
from tests.helpers import ChartsAndTables

pytestmark = pytest.mark.django_db


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def form_data(personas: Personas, **overrides: Any) -> dict[str, Any]:
    data = {
        "occurred_on": today_for(personas.mentee).isoformat(),
        "duration_minutes": "40",
        "kind": "meeting",
        "topics": [plan_competencies(personas.pairing)[0].pk],
        "shared_notes": "Delegation: the weekly report goes to Sam.",
        "private_note": "Still anxious about the reorg.",
        "confidence_pulse": "2",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-text": "Hand the weekly report to Sam",
        "items-0-owner": "mentee",
        "items-0-due_on": "",
        # Rows left as the page shows them: nothing in them.
        "items-1-owner": "",
        "items-2-owner": "",
    }
    data.update(overrides)
    return data


def test_the_mentee_logs_a_checkin_and_each_page_shows_what_it_may(
    personas: Personas,
) -> None:
    url = f"/pairings/{personas.pairing.pk}/check-ins/new/"
    mentee = signed_in(personas.mentee)
    form = mentee.get(url).content.decode()
    assert "How confident do you feel" in form
    assert "How confident do you feel" not in signed_in(personas.mentor).get(url).content.decode()

    response = mentee.post(url, form_data(personas))

    checkin = CheckIn.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/pairings/{personas.pairing.pk}/#checkin-{checkin.pk}")
    detail = f"/pairings/{personas.pairing.pk}/"
    own = mentee.get(detail).content.decode()
    assert "Delegation: the weekly report" in own
    assert "Still anxious about the reorg." in own
    assert "Hand the weekly report to Sam" in own
    partner = signed_in(personas.mentor).get(detail).content.decode()
    assert "Delegation: the weekly report" in partner
    assert "Hand the weekly report to Sam" in partner
    assert "Still anxious" not in partner
    for persona in (personas.hr, personas.program_admin):
        page = signed_in(persona).get(detail).content.decode()
        assert f'id="checkin-{checkin.pk}"' in page
        assert plan_competencies(personas.pairing)[0].name in page
        assert "Delegation" not in page
        assert "Still anxious" not in page
        assert "Hand the weekly report" not in page
    manager = signed_in(personas.line_manager).get(detail).content.decode()
    assert f'id="checkin-{checkin.pk}"' not in manager


def test_bad_input_shows_the_problem_and_saves_nothing(personas: Personas) -> None:
    url = f"/pairings/{personas.pairing.pk}/check-ins/new/"
    tomorrow = today_for(personas.mentee) + dt.timedelta(days=1)

    response = signed_in(personas.mentee).post(
        url, form_data(personas, occurred_on=tomorrow.isoformat())
    )

    assert response.status_code == 400
    assert "A check-in cannot be in the future." in response.content.decode()
    assert CheckIn.objects.count() == ActionItem.objects.count() == 0


def test_every_mistake_in_the_form_shows_at_once(personas: Personas) -> None:
    """A missing day and an action item with no owner: both said on the
    first answer, not the second only after the first is mended."""
    url = f"/pairings/{personas.pairing.pk}/check-ins/new/"

    response = signed_in(personas.mentee).post(
        url, form_data(personas, occurred_on="", **{"items-0-owner": ""})
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Say on which day you met." in html
    assert "Action item 1: say who does it." in html
    # Listed together at the top of the form, each named by its field.
    summary = html.split('<div class="form-errors" role="alert">')[1].split("</div>")[0]
    assert "Not logged yet: 2 things to put right." in summary
    assert "<li>When: Say on which day you met.</li>" in summary
    assert "<li>Action item 1: say who does it.</li>" in summary
    assert CheckIn.objects.count() == ActionItem.objects.count() == 0


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "A check-in takes at least 1 minute."),
        ("2000", "A check-in takes at most 1440 minutes (a day)."),
        ("forty", "Enter the minutes as a whole number, for example 45."),
        ("", "Say how long it took, in minutes."),
    ],
)
def test_the_minutes_say_what_is_wrong_in_words(
    personas: Personas, minutes: str, message: str
) -> None:
    url = f"/pairings/{personas.pairing.pk}/check-ins/new/"

    response = signed_in(personas.mentee).post(url, form_data(personas, duration_minutes=minutes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_the_next_form_carries_open_items_to_tick_off(personas: Personas) -> None:
    url = f"/pairings/{personas.pairing.pk}/check-ins/new/"
    mentor = signed_in(personas.mentor)
    mentor.post(url, form_data(personas, confidence_pulse=""))
    item = ActionItem.objects.get()

    carried = signed_in(personas.mentee).get(url).content.decode()
    assert "Carried over" in carried
    assert "Hand the weekly report to Sam" in carried

    signed_in(personas.mentee).post(
        url,
        form_data(personas, **{"items-0-text": "", "items-0-owner": "", "carry-done": [item.pk]}),
    )
    item.refresh_from_db()
    assert item.done_at is not None
    assert item.done_in == CheckIn.objects.order_by("-id").first()
    assert "Carried over" not in signed_in(personas.mentee).get(url).content.decode()


def test_the_author_changes_a_checkin_and_the_partner_cannot(personas: Personas) -> None:
    signed_in(personas.mentee).post(
        f"/pairings/{personas.pairing.pk}/check-ins/new/", form_data(personas)
    )
    checkin = CheckIn.objects.get()
    edit = f"/check-ins/{checkin.pk}/edit/"

    page = signed_in(personas.mentee).get(edit).content.decode()
    assert "Still anxious about the reorg." in page  # the author's own private note
    changed = signed_in(personas.mentee).post(
        edit, {**form_data(personas), "duration_minutes": "75", "private_note": ""}
    )
    assert changed.status_code == 302
    checkin.refresh_from_db()
    assert checkin.duration_minutes == 75
    assert not checkin.private_notes.exists()

    refused = signed_in(personas.mentor).get(edit, follow=True).content.decode()
    assert "Only its author can change a check-in" in refused
    assert signed_in(personas.hr).get(edit).status_code == 404


def test_the_partner_adds_a_private_note_from_the_pairing_page(personas: Personas) -> None:
    signed_in(personas.mentee).post(
        f"/pairings/{personas.pairing.pk}/check-ins/new/", form_data(personas)
    )
    checkin = CheckIn.objects.get()
    detail = f"/pairings/{personas.pairing.pk}/"
    mentor = signed_in(personas.mentor)
    assert "Add a private note" in mentor.get(detail).content.decode()

    saved = mentor.post(
        f"/check-ins/{checkin.pk}/private-note/",
        {"private_note": "Ask about the reorg next time."},
        follow=True,
    )
    page = saved.content.decode()
    assert "Private note saved." in page
    assert "Ask about the reorg next time." in page
    assert "Change your private note" in page
    assert "Still anxious" not in page
    own = signed_in(personas.mentee).get(detail).content.decode()
    assert "Still anxious about the reorg." in own
    assert "Ask about the reorg" not in own
    for persona in (personas.hr, personas.program_admin):
        page = signed_in(persona).get(detail).content.decode()
        assert "Ask about the reorg" not in page
        assert "private note" not in page.lower()
    hr_post = signed_in(personas.hr).post(
        f"/check-ins/{checkin.pk}/private-note/", {"private_note": "HR was here"}
    )
    assert hr_post.status_code == 404
    assert checkin.private_notes.count() == 2

    too_long = mentor.post(
        f"/check-ins/{checkin.pk}/private-note/", {"private_note": "x" * 10_001}, follow=True
    )
    assert (
        "Your private note was not saved: keep it to 10000 characters (it has 10001)."
        in too_long.content.decode()
    )
    lost_field = mentor.post(f"/check-ins/{checkin.pk}/private-note/", {}, follow=True)
    assert "Nothing was sent to save as your private note." in lost_field.content.decode()
    assert checkin.private_notes.count() == 2
    assert "Ask about the reorg next time." in too_long.content.decode()

    removed = mentor.post(f"/check-ins/{checkin.pk}/private-note/", {"private_note": ""})
    assert removed.status_code == 302
    assert list(checkin.private_notes.values_list("author_id", flat=True)) == [personas.mentee.pk]


def test_no_checkin_form_on_a_closed_pairing(personas: Personas) -> None:
    pairing_end(pairing=personas.pairing, by=personas.hr, reason="Left")
    page = signed_in(personas.mentee).get(
        f"/pairings/{personas.pairing.pk}/check-ins/new/", follow=True
    )
    assert "check-ins can no longer be logged" in page.content.decode()


def test_the_mentee_rates_confidence_and_sees_the_chart(personas: Personas) -> None:
    url = f"/pairings/{personas.pairing.pk}/self-assessment/"
    competencies = plan_competencies(personas.pairing)
    mentee = signed_in(personas.mentee)
    page = mentee.get(url).content.decode()
    for competency in competencies:
        assert competency.name in page

    missing = mentee.post(url, {"occasion": "day_30", f"rating_{competencies[0].pk}": "2"})
    assert missing.status_code == 400
    assert f"Rate {competencies[1].name} from 1 to 5." in missing.content.decode()

    done = mentee.post(
        url,
        {
            "occasion": "day_30",
            **{f"rating_{c.pk}": "2" for c in competencies},
            "reflection": "To grow people.",
        },
    )
    assert done.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.shared_with_mentor is False
    assert personas.pairing.milestones.get(title="Day-30 self-assessment").status == (
        MilestoneStatus.DONE
    )
    assessment_record(
        pairing=personas.pairing,
        by=personas.mentee,
        occasion="ad_hoc",
        ratings=dict.fromkeys(competencies, 4),
    )

    chart = mentee.get(f"/pairings/{personas.pairing.pk}/confidence/").content.decode()
    assert "<svg" in chart
    assert chart.count('class="series"') == len(competencies)
    assert "To grow people." in chart

    mentor_view = signed_in(personas.mentor).get(f"/pairings/{personas.pairing.pk}/confidence/")
    assert "has not shared a self-assessment" in mentor_view.content.decode()
    mentee.post(f"/assessments/{assessment.pk}/share/", {"shared_with_mentor": "on"})
    shared = signed_in(personas.mentor).get(f"/pairings/{personas.pairing.pk}/confidence/")
    assert "<svg" in shared.content.decode()
    assert "To grow people." not in shared.content.decode()
    for persona in (personas.hr, personas.line_manager):
        page_status = signed_in(persona).get(f"/pairings/{personas.pairing.pk}/confidence/")
        assert page_status.status_code == 404
    assert signed_in(personas.mentor).get(url).status_code == 404


def test_the_confidence_chart_names_its_axes_and_lines_beside_a_table(
    personas: Personas,
) -> None:
    pairing = personas.pairing
    competencies = plan_competencies(pairing)
    today = today_for(personas.mentee)
    assessment_record(
        pairing=pairing,
        by=personas.mentee,
        occasion="day_0",
        ratings=dict.fromkeys(competencies, 2),
        taken_on=pairing.starts_on,
    )
    assessment_record(
        pairing=pairing,
        by=personas.mentee,
        occasion="ad_hoc",
        ratings={competencies[0]: 4},
        taken_on=today,
    )

    html = signed_in(personas.mentee).get(f"/pairings/{pairing.pk}/confidence/").content
    page = ChartsAndTables(html.decode())

    (chart,) = page.charts
    assert chart.attrs["role"] == "img"
    assert chart.attrs["aria-labelledby"] == "confidence-title"
    assert chart.attrs["aria-describedby"] == "confidence-desc"
    assert chart.title == "Confidence per competency over time"
    assert f"{competencies[0].name} from 2 to 4" in chart.desc
    assert {"Confidence (1–5)", "Date of the self-assessment"} <= set(chart.texts)
    # Every line is named on the chart itself, not only in the legend.
    assert {c.name for c in competencies} <= set(chart.texts)
    table = page.table("Ratings per competency (1–5)")
    assert table.header == [
        "Competency",
        f"Day 0, {pairing.starts_on:%-d %b %Y}",
        f"Ad hoc, {today:%-d %b %Y}",
    ]
    assert table.rows[0] == [competencies[0].name, "2", "4"]
    assert table.rows[1] == [competencies[1].name, "2", "—"]


def test_an_action_item_is_ticked_off_from_the_pairing_page(personas: Personas) -> None:
    signed_in(personas.mentee).post(
        f"/pairings/{personas.pairing.pk}/check-ins/new/", form_data(personas)
    )
    item = ActionItem.objects.get()
    assert signed_in(personas.hr).post(f"/action-items/{item.pk}/done/").status_code == 404

    signed_in(personas.mentor).post(f"/action-items/{item.pk}/done/")

    item.refresh_from_db()
    assert item.done_at is not None
