"""Error pages are the site's own: in its layout, with a plain sentence and
a way back home — while the API keeps answering errors in JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from tests.fixtures.personas import Personas

LAYOUT = "Skip to content"  # base.html's first line of the page
HOME = '<a href="/">'


@pytest.fixture(autouse=True)
def _not_debugging(settings: Any) -> None:
    settings.DEBUG = False


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    client.raise_request_exception = False
    return client


def assert_styled(response: Any, status: int, sentence: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert LAYOUT in page
    assert sentence in page
    assert HOME in page
    return page


@pytest.mark.django_db
def test_a_page_that_is_not_yours_is_403_in_the_sites_layout(personas: Personas) -> None:
    response = signed_in(personas.mentor).get("/mail/log/")

    assert_styled(response, 403, "This page is not open to you")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no-such-page/", "/pairings/999999/"])
def test_a_page_that_is_not_there_is_404_in_the_sites_layout(personas: Personas, path: str) -> None:
    response = signed_in(personas.mentee).get(path)

    page = assert_styled(response, 404, "There is no page here")
    assert "Mira" in page  # still signed in: the menu is there


@pytest.mark.django_db
def test_a_fault_is_500_in_the_sites_layout(personas: Personas, monkeypatch: Any) -> None:
    from mentorship.people import views

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(views.ProfileForm, "for_person", broken)
    response = signed_in(personas.mentee).get("/account/profile/")

    page = assert_styled(response, 500, "Something went wrong on our side")
    assert "boom" not in page
    assert "Traceback" not in page


def test_the_500_page_needs_neither_a_database_nor_a_signed_in_person() -> None:
    """No django_db here: any query would fail the test."""
    from config.urls import handler500

    request = RequestFactory().get("/pairings/1/")

    response = handler500(request)

    assert_styled(response, 500, "Something went wrong on our side")


@pytest.mark.django_db
def test_an_expired_link_is_410_in_the_sites_layout(personas: Personas, time_machine: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from mentorship.notifications import links

    url = links.unsubscribe_url(person_id=personas.mentee.pk, kind="milestone_overdue")
    time_machine.move_to(timezone.now() + dt.timedelta(days=400))

    response = Client().get(url.split("8000", 1)[1])

    assert_styled(response, 410, "This link no longer works")


@pytest.mark.django_db
def test_the_api_keeps_its_json_errors(personas: Personas, monkeypatch: Any) -> None:
    from config.urls import handler403

    client = signed_in(personas.mentee)

    missing = client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    refused = handler403(RequestFactory().get("/api/v1/people/"), PermissionError())
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_is_403_in_the_sites_layout(
    personas: Personas,
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.mentee)

    response = client.post("/account/profile/", {"full_name": "Someone else"})

    assert_styled(response, 403, "This form could not be sent")
