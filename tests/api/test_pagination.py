"""Every cursor-paginated list visits every row exactly once and ends,
however many rows share every ordering value — forwards and backwards, on
SQLite and PostgreSQL (CI runs this file on both).

DRF's own cursor walked ties with an offset it capped at 1,000: a list with
more than 1,000 rows sharing the first ordering value repeated the same page
for ever (measured on 1,113 milestones due on one day: 1,050 distinct ones,
then the same page again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from mentorship.core.api.pagination import StandardCursorPagination
from mentorship.pairings.models import Milestone
from tests.factories import MilestoneFactory
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def walk(client: Any, url: str, *, key: str) -> tuple[list[int], int, str]:
    """Follow the ``key`` links until they end: the ids met in list order,
    the pages read, and the address of the last page."""
    seen: list[int] = []
    pages = 0
    current = url
    link: str | None = url
    while link:
        current = link
        response = client.get(link)
        assert response.status_code == 200, response.content
        body = response.json()
        ids = [row["id"] for row in body["results"]]
        seen = seen + ids if key == "next" else ids + seen
        link = body[key]
        pages += 1
        assert pages < 100, "the links do not end"
    return seen, pages, current


def test_more_than_a_thousand_rows_on_one_date_are_each_listed_once(
    personas: Personas, client_for: Any
) -> None:
    day = timezone.localdate() + dt.timedelta(days=5)
    pairing = personas.pairing
    start = max(Milestone.objects.filter(pairing=pairing).values_list("position", flat=True))
    Milestone.objects.bulk_create(
        MilestoneFactory.build(pairing=pairing, due_on=day, position=start + n + 1)
        for n in range(1_250)
    )
    expected = list(
        Milestone.objects.filter(pairing=pairing)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )
    client = client_for(personas.hr)

    forwards, pages, last = walk(
        client, f"/api/v1/milestones/?pairing={pairing.pk}&page_size=200", key="next"
    )

    assert forwards == expected
    assert pages == -(-len(expected) // 200)
    # And back again from the last page, through the previous links.
    backwards, _, first = walk(client, last, key="previous")
    assert backwards == expected
    assert "cursor=" not in first or client.get(first).json()["previous"] is None


ORDERINGS = [
    ("due_on", "id"),
    ("-due_on", "id"),
    ("-due_on", "-position", "-id"),
    ("title", "-due_on", "id"),
]


class _View:
    def __init__(self, ordering: tuple[str, ...]) -> None:
        self.cursor_ordering = ordering


def _page(
    ordering: tuple[str, ...], size: int, cursor_url: str | None, pairing_id: int
) -> tuple[list[int], str | None, str | None]:
    url = cursor_url or f"/api/v1/milestones/?{urlencode({'page_size': size})}"
    request = Request(APIRequestFactory().get(url))
    paginator = StandardCursorPagination()
    rows = paginator.paginate_queryset(
        Milestone.objects.filter(pairing_id=pairing_id), request, _View(ordering)
    )
    return [row.pk for row in rows], paginator.get_next_link(), paginator.get_previous_link()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 1), st.sampled_from(["a", "b"])),
        max_size=25,
    ),
    size=st.integers(1, 7),
    ordering=st.sampled_from(ORDERINGS),
)
def test_any_rows_any_page_size_any_order(
    personas: Personas, rows: list[tuple[int, int, str]], size: int, ordering: tuple[str, ...]
) -> None:
    """Few distinct values, so most rows tie on most fields: forwards the
    pages give exactly the sorted rows, and backwards from the end the
    same rows in reverse."""
    pairing = personas.other_pairing
    Milestone.objects.filter(pairing=pairing).delete()
    today = timezone.localdate()
    Milestone.objects.bulk_create(
        MilestoneFactory.build(
            pairing=pairing,
            due_on=today + dt.timedelta(days=day),
            position=1 + n * 2 + extra,
            title=title,
        )
        for n, (day, extra, title) in enumerate(rows)
    )
    everything = Milestone.objects.filter(pairing=pairing)
    expected = list(everything.order_by(*ordering).values_list("pk", flat=True))

    forwards: list[int] = []
    cursor: str | None = None  # the address of the page being read
    for _ in range(len(expected) + 2):
        ids, following, _ = _page(ordering, size, cursor, pairing.pk)
        forwards += ids
        if following is None:
            break
        cursor = following
    else:
        pytest.fail("the pages do not end")
    assert forwards == expected

    # Backwards: from the last page, follow the previous links to the start.
    backwards, _, previous = _page(ordering, size, cursor, pairing.pk)
    for _ in range(len(expected) + 2):
        if previous is None:
            break
        ids, _, previous = _page(ordering, size, previous, pairing.pk)
        backwards = ids + backwards
    else:
        pytest.fail("the previous links do not end")
    assert backwards == expected


def test_every_list_orders_by_values_that_are_never_null(personas: Personas) -> None:
    """A keyset compares values; a null one compares as nothing and would
    drop rows. Every paginated list's order is made of non-null fields, or
    of an annotation that cannot be null (a Coalesce with a default)."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db.models.functions import Coalesce

    from config.urls import router

    checked = 0
    for _, viewset, _ in router.registry:
        ordering = getattr(viewset, "cursor_ordering", None)
        if ordering is None:
            continue
        view: Any = viewset()
        scoped = getattr(view, "scoped_queryset", None)
        queryset = scoped(personas.hr) if scoped is not None else view.get_queryset()
        for name in ordering:
            try:
                field = queryset.model._meta.get_field(name.lstrip("-"))
            except FieldDoesNotExist:
                expression = queryset.query.annotations[name.lstrip("-")]
                assert isinstance(expression, Coalesce), f"{viewset.__name__}: {name}"
            else:
                assert not field.null, f"{viewset.__name__} orders by {name}, which can be null"
            checked += 1
    assert checked >= 15


def test_proposals_without_a_score_are_listed_after_the_scored_ones(
    personas: Personas, client_for: Any
) -> None:
    """A mentee's own request has no score. Compared as a keyset, a null
    score matched nothing: such proposals went missing after the first page."""
    from mentorship.pairings.models import PairingStatus
    from tests.factories import PairingFactory

    scored = [
        PairingFactory.create(
            program=personas.program, status=PairingStatus.PROPOSED, match_score=score
        )
        for score in (0.9, 0.5, 0.5, 0.2)
    ]
    requested = [
        PairingFactory.create(
            program=personas.program, status=PairingStatus.PROPOSED, match_score=None
        )
        for _ in range(3)
    ]
    client = client_for(personas.hr)

    seen, _, _ = walk(
        client, f"/api/v1/matching/proposals/?program={personas.program.pk}&page_size=2", key="next"
    )

    ours = [pk for pk in seen if pk in {p.pk for p in scored + requested}]
    assert ours == [scored[0].pk, scored[1].pk, scored[2].pk, scored[3].pk] + [
        p.pk for p in requested
    ]
