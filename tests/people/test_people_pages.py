"""HR's people pages: the directory, adding and editing one person. The
form shows every problem under its field, in the import's words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mentorship.audit.models import AuditEvent
from mentorship.core.timezones import today_for
from mentorship.people.models import Person
from tests.factories import PersonFactory, competency
from tests.fixtures.personas import Personas
from tests.helpers import assert_constant_queries, occurrences

pytestmark = pytest.mark.django_db


def client_as(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "email": "nia@x.io",
        "full_name": "Nia New",
        "title": "",
        "department": "",
        "manager": "",
        "time_zone": "Europe/Berlin",
        "became_manager_on": "",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    "persona", ["program_admin", "mentor", "mentee", "line_manager", "outsider"]
)
def test_the_people_pages_are_hrs_alone(personas: Personas, persona: str) -> None:
    client = client_as(getattr(personas, persona))
    for url in ("/people/", "/people/new/", f"/people/{personas.mentee.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/people/new/", form()).status_code == 404
    assert client.post(f"/people/{personas.mentee.pk}/invite/").status_code == 404
    assert not Person.objects.filter(email="nia@x.io").exists()
    assert (
        'href="/people/new/'
        not in client.get(f"/programs/{personas.program.pk}/people/").content.decode()
    )


def test_the_form_shows_every_problem_at_its_field(personas: Personas) -> None:
    tomorrow = today_for(personas.hr) + dt.timedelta(days=1)  # in HR's zone, where the form is
    response = client_as(personas.hr).post(
        "/people/new/",
        form(
            email=personas.mentor.email,
            full_name="",
            manager="nobody@x.io",
            time_zone="Moon/Base",
            became_manager_on=tomorrow.isoformat(),
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "mentor@scaffold.test is already someone&#x27;s address in Scaffold",
        "The name is empty.",
        "nobody@x.io is not someone in the company.",
        "Moon/Base is not a known time zone",
        f"{tomorrow.isoformat()} is in the future",
    ):
        assert message in html, message
    assert html.count('aria-invalid="true"') == 5
    assert not Person.objects.filter(full_name="").exists()


def test_an_empty_form_hears_about_each_required_field(personas: Personas) -> None:
    response = client_as(personas.hr).post("/people/new/", form(email="", full_name=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The email address is empty." in html
    assert "The name is empty." in html
    assert html.count('aria-invalid="true"') == 2
    # The browser is told too, before anything is sent.
    assert html.count(" required") >= 2


def test_a_date_in_another_form_is_refused_not_guessed(personas: Personas) -> None:
    response = client_as(personas.hr).post("/people/new/", form(became_manager_on="03/04/2025"))
    assert response.status_code == 400
    assert (
        "“03/04/2025” is not a date in the form YYYY-MM-DD (for example 2026-12-31)."
        in response.content.decode()
    )


def test_added_from_a_program_back_to_enroll_them(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as(personas.hr)
    page = client.get(f"/programs/{personas.program.pk}/people/").content.decode()
    assert f'href="/people/new/?program={personas.program.pk}"' in page
    assert f'href="/people/{personas.mentee.pk}/edit/?program={personas.program.pk}"' in page

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            f"/people/new/?program={personas.program.pk}",
            form(
                department="Data",
                manager=personas.line_manager.email,
                became_manager_on="2025-06-30",
                expertise=[competency("conflict-resolution").pk],
                invite="on",
            ),
        )
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{personas.program.pk}/people/?email=nia%40x.io"
    nia = Person.objects.get(email="nia@x.io")
    assert (nia.manager, nia.became_manager_on) == (personas.line_manager, dt.date(2025, 6, 30))
    assert len(queued) == 1  # the invitation, after the commit
    enroll_form = client.get(response["Location"]).content.decode()
    assert 'value="nia@x.io"' in enroll_form


def test_adding_without_inviting(personas: Personas) -> None:
    response = client_as(personas.hr).post("/people/new/", form())
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert not AuditEvent.objects.filter(action="people.invited").exists()


def test_hr_edits_a_person_and_a_loop_is_refused(personas: Personas) -> None:
    client = client_as(personas.hr)
    url = f"/people/{personas.line_manager.pk}/edit/"
    shown = client.get(url).content.decode()
    assert f'value="{personas.line_manager.email}"' in shown

    looped = client.post(
        url,
        form(email=personas.line_manager.email, full_name="Lena", manager=personas.mentee.email),
    )
    assert looped.status_code == 400
    assert (
        "This makes a reporting cycle: boss@scaffold.test → mentee@scaffold.test → "
        "boss@scaffold.test." in looped.content.decode()
    )
    lena = personas.line_manager
    as_shown = form(
        email=lena.email,
        full_name=lena.full_name,
        department="Engineering",
        time_zone=lena.time_zone,
        became_manager_on=lena.became_manager_on.isoformat() if lena.became_manager_on else "",
    )
    saved = client.post(url, {**as_shown, "title": "Director"})
    assert saved.status_code == 302
    lena.refresh_from_db()
    assert lena.title == "Director"
    # Only what changed is recorded, by name.
    assert AuditEvent.objects.get(action="person.updated").data == {"fields": ["title"]}


def test_invite_from_the_edit_page(personas: Personas) -> None:
    client = client_as(personas.hr)
    response = client.post(f"/people/{personas.outsider.pk}/invite/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="people.invited").exists()
    client_as(personas.outsider)  # signs in: no more invitations
    personas.outsider.refresh_from_db()
    assert personas.outsider.last_login is not None
    again = client.post(f"/people/{personas.outsider.pk}/invite/", follow=True)
    assert "has already signed in" in again.content.decode()


def test_the_directory_searches_and_costs_the_same_for_1_or_50(personas: Personas) -> None:
    client = client_as(personas.hr)
    html = client.get("/people/", {"q": "othermen"}).content.decode()
    assert "Otto Othermentee" in html
    assert "Marco Mentor" not in html

    def grow(n: int) -> None:
        for _ in range(n):
            PersonFactory.create(manager=personas.line_manager, title="Grown team lead")

    # The search keeps the grown rows within the first page of 50.
    assert_constant_queries(
        lambda: client.get("/people/", {"q": "Grown team lead"}),
        grow,
        served=occurrences("<td>Grown team lead</td>"),
        at_most=8,
    )


def test_the_directory_pages_through_everyone_once(personas: Personas) -> None:
    """Once the first 50 and "search to find others": now a next link, by
    name then id, so people sharing a name are neither skipped nor shown
    twice, with or without a search."""
    import re

    for _ in range(60):
        PersonFactory.create(full_name="Sam Same", title="Twin lead")
    PersonFactory.create_batch(45, title="Twin lead")
    client = client_as(personas.hr)
    expected = set(Person.objects.filter(title="Twin lead").values_list("email", flat=True))
    for query in ({"q": "Twin lead"}, {}):
        seen: list[str] = []
        url: str | None = "/people/"
        params: dict[str, str] = dict(query)
        pages = 0
        while url is not None and pages < 10:
            html = client.get(url, params).content.decode()
            seen += re.findall(r'<small class="muted">([^<]+@[^<]+)</small>', html)
            following = re.search(r'href="(\?[^"]+)" rel="next"', html)
            url = "/people/" + following.group(1).replace("&amp;", "&") if following else None
            params = {}
            pages += 1
        assert url is None  # it ended
        assert len(seen) == len(set(seen))  # nobody twice
        assert expected <= set(seen)  # nobody skipped
        if query:
            assert set(seen) == expected
            assert pages == 3  # 105 people, 50 a page


def test_a_page_after_someone_out_of_sight_starts_from_the_beginning(
    personas: Personas,
) -> None:
    client = client_as(personas.hr)
    for after in ("999999999", "9" * 40, "abc"):
        response = client.get("/people/", {"after": after})
        assert response.status_code == 200
        assert "Otto Othermentee" in response.content.decode()
