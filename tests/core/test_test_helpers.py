"""``assert_constant_queries`` passes only a list that shows every grown row
for the same number of queries: an empty, capped or N+1 list fails it."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse

from mentorship.people.models import Department
from tests.factories import DepartmentFactory
from tests.helpers import api_rows, assert_constant_queries, occurrences

pytestmark = pytest.mark.django_db


def departments() -> list[Department]:
    return list(Department.objects.order_by("name"))


def test_it_passes_a_list_that_shows_every_row_in_one_query() -> None:
    queries = assert_constant_queries(
        departments, DepartmentFactory.create_batch, served=len, at_most=1
    )
    assert queries == 1


def test_it_fails_a_list_that_shows_nothing() -> None:
    with pytest.raises(AssertionError, match="served 0 rows after growing 1 unit"):
        assert_constant_queries(
            lambda: list(Department.objects.none()),
            DepartmentFactory.create_batch,
            served=len,
            at_most=1,
        )


def test_it_fails_a_list_that_shows_only_the_first_few() -> None:
    with pytest.raises(AssertionError, match=r"served 1 rows, then 5 .* \(expected 50\)"):
        assert_constant_queries(
            lambda: departments()[:5], DepartmentFactory.create_batch, served=len, at_most=1
        )


def test_it_fails_a_list_that_hides_the_grown_rows() -> None:
    DepartmentFactory.create(name="Already there")
    with pytest.raises(AssertionError, match="served 1 rows, then 1 "):
        assert_constant_queries(
            lambda: list(Department.objects.filter(name="Already there")),
            DepartmentFactory.create_batch,
            served=len,
            at_most=1,
        )


def test_it_fails_when_the_query_count_grows() -> None:
    def one_query_per_row() -> list[int]:
        ids = Department.objects.values_list("pk", flat=True)
        return [Department.objects.get(pk=pk).pk for pk in ids]

    with pytest.raises(AssertionError, match="2 queries for 1 unit, 51 for 50"):
        assert_constant_queries(
            one_query_per_row, DepartmentFactory.create_batch, served=len, at_most=60
        )


def test_it_fails_over_budget() -> None:
    with pytest.raises(AssertionError, match="1 queries, budget 0"):
        assert_constant_queries(departments, DepartmentFactory.create_batch, served=len, at_most=0)


def two_per_unit(n: int) -> None:
    DepartmentFactory.create_batch(2 * n)


def test_it_takes_the_rows_each_unit_shows() -> None:
    assert_constant_queries(departments, two_per_unit, served=len, per_unit=2, at_most=1)


def test_it_fails_when_a_unit_shows_other_than_it_says() -> None:
    with pytest.raises(AssertionError, match=r"served 2 rows, then 100 .* \(expected 51\)"):
        assert_constant_queries(departments, two_per_unit, served=len, at_most=1)


def test_it_refuses_to_grow_too_few_rows_to_tell() -> None:
    with pytest.raises(AssertionError, match="too few rows"):
        assert_constant_queries(
            departments, DepartmentFactory.create_batch, served=len, at_most=1, up_to=5
        )


def test_api_rows_refuses_a_list_that_runs_past_its_page(personas: Any, client_for: Any) -> None:
    client = client_for(personas.hr)
    assert api_rows(client.get("/api/v1/people/?page_size=200")) == 8
    with pytest.raises(AssertionError, match=r"ask for \?page_size=200"):
        api_rows(client.get("/api/v1/people/?page_size=2"))
    with pytest.raises(AssertionError):
        api_rows(client_for(None).get("/api/v1/people/"))


def test_occurrences_counts_every_marker_and_needs_a_page() -> None:
    page = HttpResponse('<li class="a">1</li><li class="a">2</li><li class="b">3</li>')
    assert occurrences('class="a"')(page) == 2
    assert occurrences('class="a"', 'class="b"')(page) == 3
    with pytest.raises(AssertionError):
        occurrences('class="a"')(HttpResponse(page.content, status=404))
