"""The browsable API (an API address opened in a browser) is Scaffold's:
named so, with the way back to the app and to the API's documentation."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def test_an_api_page_in_a_browser_leads_back_to_the_app(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.mentee)

    response = client.get("/api/v1/competencies/", HTTP_ACCEPT="text/html")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert '<a class="navbar-brand" href="/">Scaffold</a>' in html
    assert '<a class="navbar-brand" href="/api/docs/">API documentation</a>' in html
    assert "Scaffold API</title>" in html
    assert "django-rest-framework.org" not in html
