"""The ``page`` fixture's checks are not blind: pages with a known fault,
served on the live server's own origin under a strict Content-Security-Policy,
are reported — whether the test leaves them by a click, a form or a ``goto``
straight after arriving, or ends on them.

Each test reads what the checks found and then clears it, since the faults
are planted; left in place, they would fail the test at teardown.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.accessibility import PageChecks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
FAULTY = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A faulty page</title></head>
<body>
  <main>
    <h1>A faulty page</h1>
    <img src="/static/scaffold/favicon.svg" width="24" height="24">
    <form action="/account/sign-in/" method="get">
      <input type="text" name="q">
      <button type="submit">Search</button>
    </form>
    <p><a href="/account/sign-in/">Sign in</a></p>
    {extra}
  </main>
</body>
</html>
"""


@pytest.fixture
def faulty_page(page: Any, live_server: Any) -> str:
    """A page at /faulty/ on the live server: an image without a text
    alternative, an input without a label, and whatever ``?extra`` adds."""
    extras = {
        "wide": '<img src="/static/scaffold/favicon.svg" alt="Wide" width="900" height="9">',
        "inline-script": "<script>document.title = 'changed';</script>",
    }

    def serve(route: Any) -> None:
        extra = extras.get(route.request.url.partition("?")[2], "")
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": POLICY},
            body=FAULTY.format(extra=extra),
        )

    page.route(f"{live_server.url}/faulty/*", serve)
    page.route(f"{live_server.url}/faulty/", serve)
    return f"{live_server.url}/faulty/"


def planted(checks: PageChecks, url: str) -> list[str]:
    """The problems found on ``url``, taken out of the fixture's list."""
    found = [p for p in checks.problems if f" at {url}" in p]
    checks.problems[:] = [p for p in checks.problems if p not in found]
    return found


def test_a_page_left_by_a_click_is_checked(
    page: Any, page_checks: PageChecks, faulty_page: str
) -> None:
    page.goto(faulty_page)
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("heading", name="Sign in").wait_for()

    found = planted(page_checks, faulty_page)
    # Rule, impact, the page, and the element, for each.
    assert (
        f"axe image-alt (critical) at {faulty_page}: Images must have alternative text — img"
        in found
    )
    assert f"axe label (critical) at {faulty_page}: Form elements must have labels — input" in found


def test_a_page_left_by_submitting_a_form_is_checked(
    page: Any, page_checks: PageChecks, faulty_page: str
) -> None:
    page.goto(faulty_page)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Sign in").wait_for()

    assert any("axe label (critical)" in p for p in planted(page_checks, faulty_page))


def test_a_page_left_at_once_is_checked_all_the_same(
    page: Any, page_checks: PageChecks, faulty_page: str, live_server: Any
) -> None:
    page.goto(faulty_page, wait_until="commit")
    page.goto("/account/sign-in/")

    assert any("axe image-alt" in p for p in planted(page_checks, faulty_page))
    # Every page of the test was checked, each once.
    assert [c.url for c in page_checks.checked] == [faulty_page]


def test_the_page_a_test_ends_on_is_checked(
    page: Any, page_checks: PageChecks, faulty_page: str
) -> None:
    page.goto(faulty_page)

    result = page_checks.check()  # what the fixture does at the end

    assert result is not None
    assert {v.rule for v in result.violations} >= {"image-alt", "label"}
    planted(page_checks, faulty_page)


@pytest.mark.viewport(390, 844)
def test_a_page_wider_than_a_phone_is_reported(
    page: Any, page_checks: PageChecks, faulty_page: str
) -> None:
    page.goto(f"{faulty_page}?wide")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("heading", name="Sign in").wait_for()

    found = planted(page_checks, f"{faulty_page}?wide")
    wide = [p for p in found if p.startswith("sideways scroll")]
    assert wide, found
    assert "in a 390px viewport" in wide[0]
    assert "sticking out: img (" in wide[0]


def test_a_content_security_policy_violation_is_still_reported(
    page: Any, page_checks: PageChecks, faulty_page: str
) -> None:
    page.goto(f"{faulty_page}?inline-script")

    assert page.title() == "A faulty page"  # the inline script was refused
    refused = [p for p in page_checks.problems if "Content Security Policy" in p]
    assert refused, page_checks.problems
    page_checks.problems.clear()
    page_checks.check()
    planted(page_checks, f"{faulty_page}?inline-script")
