"""Every page each persona can reach, at a phone's width and a desktop's.

Each persona signs in and follows every link of the site from the
navigation and their home page onwards — one page of each kind (the first
pairing, not all sixty) — and the ``page`` fixture checks each page on the
way: axe-core finds nothing serious and nothing makes the page scroll
sideways (tests/fixtures/accessibility.py). The walk then asserts the kinds
of page it reached, so it cannot quietly shrink.

The data is the demo company (``seed_demo``: a running program with real
volumes, a draft one, proposals waiting), plus the shared personas for the
program admin who is not HR and the line manager, and a people import of
each outcome and a message in the outbox, so that those pages have
something to show.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from mentorship.demo.content import DEMO_PASSWORD, HR_EMAIL, MENTEE_EMAIL, MENTOR_EMAIL
from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.people.imports.services import person_import_start
from mentorship.people.models import Person, PersonImport
from mentorship.people.services import password_reset_request
from tests.fixtures.personas import PASSWORD, build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = pytest.param((390, 844), marks=pytest.mark.viewport(390, 844), id="phone")
DESKTOP = pytest.param((1280, 900), marks=pytest.mark.viewport(1280, 900), id="desktop")

# Not pages to open by walking: the Django admin, the API (but its docs),
# downloads, and one-time links (a reset, an invitation, an email's action,
# an unsubscribe).
NOT_WALKED = re.compile(
    r"^/admin/|^/api/(?!docs/$)"
    r"|\.(ics|csv|xlsx)$"
    r"|^/account/password-reset/[^/]+/[^/]+/$"
    r"|^/account/welcome/"
    r"|^/pairings/email/"
    r"|^/mail/unsubscribe/"
)
MOST_PAGES = 90
# Pages that draw themselves after loading: what to wait for.
DRAWN = {"/api/docs/": ".swagger-ui .info"}

# Every link of the page, and the address of every form that reads (GET).
LINKS = """
() => [
  ...[...document.querySelectorAll("a[href]:not([download])")].map((a) => a.href),
  ...[...document.querySelectorAll("form")]
    .filter((f) => (f.getAttribute("method") || "get").toLowerCase() === "get")
    .map((f) => f.action),
]
"""

EVERYONE_SIGNED_IN = {
    "/",
    "/api/docs/",
    "/account/profile/",
    "/account/security/",
    "/account/two-factor/",
    "/account/api-tokens/",
    "/mail/",
    "/mail/preferences/",
    "/mail/outbox/",
    "/mail/outbox/N/",
    "/calendar/",
}
PROGRAM_ADMIN = EVERYONE_SIGNED_IN | {
    "/programs/",
    "/programs/new/",
    "/programs/N/",
    "/programs/N/edit/",
    "/programs/N/copy/",
    "/programs/N/close/",
    "/pairings/N/rematch/",
    "/insights/",
    "/insights/upward-feedback/",
    "/plans/",
    "/plans/new/",
    "/plans/N/",
    "/plans/N/edit/",
    "/programs/N/people/",
    "/programs/N/people/N/edit/",
    "/programs/N/matching/",
    "/programs/N/exports/",
    "/pairings/N/",
    "/mail/log/",
}
# The kinds of page each persona must reach.
EXPECTED = {
    "anonymous": {"/account/sign-in/", "/account/password-reset/"},
    "hr": PROGRAM_ADMIN
    | {
        "/people/",
        "/people/new/",
        "/people/security/",
        "/people/N/edit/",
        "/people/import/",
        "/people/import/N/",
        "/programs/N/proposals/N/",
    },
    "program_admin": PROGRAM_ADMIN,
    "mentor": EVERYONE_SIGNED_IN
    | {
        "/pairings/N/",
        "/pairings/N/check-ins/new/",
        "/pairings/N/confidence/",
        "/pairings/N/upward-feedback/",
        "/pairings/N/agreement/",
        "/programs/N/people/N/edit/",
    },
    "mentee": EVERYONE_SIGNED_IN
    | {
        "/pairings/N/",
        "/pairings/N/check-ins/new/",
        "/check-ins/N/edit/",
        "/pairings/N/self-assessment/",
        "/pairings/N/confidence/",
        "/pairings/N/upward-feedback/",
        "/pairings/N/agreement/",
    },
    "line_manager": EVERYONE_SIGNED_IN | {"/pairings/N/"},
}


def kind_of(path: str) -> str:
    """/pairings/12/ and /pairings/40/ are one kind of page."""
    return re.sub(r"/\d+(?=/|$)", "/N", path)


def walk(page: Any, origin: str, *, start: str = "/", also: tuple[str, ...] = ()) -> set[str]:
    """Open every page reachable from ``start``, one of each kind, and then
    the pages in ``also`` (another state of a kind already seen); returns the
    kinds reached."""
    queue = [start]
    seen: dict[str, str] = {}
    while queue and len(seen) < MOST_PAGES:
        address = queue.pop(0)
        kind = kind_of(urlsplit(address).path)
        if kind in seen:
            continue
        response = page.goto(address)
        assert response is not None
        assert response.ok, f"{address} answered {response.status}"
        seen[kind_of(urlsplit(page.url).path)] = seen[kind] = address
        if kind in DRAWN:
            page.locator(DRAWN[kind]).wait_for()
        for link in page.evaluate(LINKS):
            parts = urlsplit(link)
            if f"{parts.scheme}://{parts.netloc}" != origin or NOT_WALKED.search(parts.path):
                continue
            if kind_of(parts.path) not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    for address in also:
        response = page.goto(address)
        assert response is not None
        assert response.ok, f"{address} answered {response.status}"
        seen[kind_of(urlsplit(address).path)] = address
    return set(seen)


@pytest.fixture
def company(settings: Any, celery_eager: None) -> dict[str, Any]:
    """The demo company, an import that checks out and one that does not,
    and a message in the outbox."""
    call_command("seed_demo", "--force", stdout=StringIO())
    hr = Person.objects.get(email=HR_EMAIL)
    header = "email,full_name,department,manager_email,time_zone\n"
    rejected = person_import_start(
        uploaded_by=hr,
        filename="with-mistakes.csv",
        content=f"{header}ines@example.com,Inês Sousa,Sales,no@example.com,Mars/Base\n".encode(),
    )
    checked = person_import_start(
        uploaded_by=hr,
        filename="new-joiners.csv",
        content=f"{header}ines@example.com,Inês Sousa,Sales,,Europe/Lisbon\n".encode(),
    )
    assert PersonImport.objects.get(pk=rejected.pk).status == "rejected"
    assert PersonImport.objects.get(pk=checked.pk).status == "checked"
    settings.MAILERS = {
        "default": {"BACKEND": "mentorship.notifications.backends.OutboxEmailBackend"}
    }
    for email in (HR_EMAIL, MENTOR_EMAIL, MENTEE_EMAIL):
        password_reset_request(email=email)
    return {"hr": hr, "imports": (rejected, checked)}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
@pytest.mark.parametrize(
    "persona", ["anonymous", "hr", "program_admin", "mentor", "mentee", "line_manager"]
)
def test_every_page_a_persona_reaches_is_accessible_and_fits(
    page: Any,
    sign_in: Any,
    live_server: Any,
    company: dict[str, Any],
    persona: str,
    viewport: tuple[int, int],
) -> None:
    also: tuple[str, ...] = ()
    if persona == "anonymous":
        start = "/account/sign-in/"
    else:
        start = "/"
        if persona in ("program_admin", "line_manager"):
            # Not in the demo: a program admin who is not HR, a line manager.
            cast = build_personas()
            person, password = getattr(cast, persona), PASSWORD
            password_reset_request(email=person.email)
            if persona == "program_admin":
                # Closing is offered for an open program, which the walk
                # may not be on when it first opens a program's page.
                also = (f"/programs/{cast.program.pk}/close/",)
        else:
            email = {"hr": HR_EMAIL, "mentor": MENTOR_EMAIL, "mentee": MENTEE_EMAIL}[persona]
            person, password = Person.objects.get(email=email), DEMO_PASSWORD
        if persona == "hr":
            proposal = Pairing.objects.filter(status=PairingStatus.PROPOSED).first()
            assert proposal is not None
            also = (
                *(f"/people/import/{i.pk}/" for i in company["imports"]),
                f"/programs/{proposal.program_id}/close/",
                f"/programs/{proposal.program_id}/proposals/{proposal.pk}/",
            )
        sign_in(person, password)

    reached = walk(page, live_server.url, start=start, also=also)

    missing = EXPECTED[persona] - reached
    assert not missing, f"the walk did not reach {sorted(missing)}"
