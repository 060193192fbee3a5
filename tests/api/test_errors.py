"""The API answers every error in one shape."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from mentorship.core.api.pagination import cursor_for
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def shape(body: dict[str, Any]) -> tuple[int, str]:
    assert set(body) == {"error"}
    assert {"status", "code", "message"} <= set(body["error"])
    return body["error"]["status"], body["error"]["code"]


def test_anonymous_gets_401_with_a_challenge(client_for: Any) -> None:
    response = client_for(None).get("/api/v1/programs/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert shape(response.json()) == (401, "not_authenticated")


def test_an_object_out_of_reach_is_404(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.outsider).get(f"/api/v1/people/{personas.mentee.pk}/")

    assert response.status_code == 404
    assert shape(response.json()) == (404, "not_found")


def test_an_unknown_api_path_is_404_in_the_same_shape(client_for: Any, db: None) -> None:
    response = client_for(None).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert shape(response.json()) == (404, "not_found")


def test_a_bad_filter_value_is_400_naming_the_filter(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.hr).get("/api/v1/programs/?status=sideways")

    assert response.status_code == 400
    body = response.json()
    assert shape(body) == (400, "invalid")
    assert "status" in body["error"]["fields"]


@pytest.mark.parametrize(
    "cursor",
    [
        "",  # an empty cursor: once taken as the first page
        "bm9uc2Vuc2U",  # "nonsense", unpadded
        "cD0xAA==",  # p=1 and a NUL
        "AA==",  # a lone NUL: once taken as the first page
        "eD0x",  # x=1: a key no cursor has
        "!!!",
    ],
)
@pytest.mark.parametrize(
    "path", ["/api/v1/people/", "/api/v1/competencies/", "/api/v1/plans/", "/api/v1/pairings/"]
)
def test_a_forged_cursor_names_no_page(
    personas: Personas, client_for: Any, cursor: str, path: str
) -> None:
    response = client_for(personas.hr).get(path, {"cursor": cursor})

    assert response.status_code == 404, response.content
    assert shape(response.json()) == (404, "not_found")
    assert "not a cursor this API gave" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "path", ["/api/v1/competencies/", "/api/v1/plans/", "/api/v1/pairings/", "/api/v1/check-ins/"]
)
def test_a_cursor_position_that_is_not_a_value_of_the_order_is_refused(
    personas: Personas, client_for: Any, path: str
) -> None:
    # p=abc, where the list is ordered by an id or a date: once a 500.
    response = client_for(personas.hr).get(path, {"cursor": "cD1hYmM="})

    assert response.status_code == 404, response.content
    assert "not a cursor this API gave" in response.json()["error"]["message"]


# Well-formed cursors the API never gave, written as it once wrote its own
# (base64 of the JSON): an id past 64 bits was a 500 (OverflowError in the
# database driver), Infinity one too, a name where a date belongs a page.
UNSIGNED = [
    '{"v":["2026-09-04",9223372036854775808]}',
    '{"v":[Infinity,1]}',
    '{"v":["garbage",24]}',
    '{"v":[1]}',
]


@pytest.mark.parametrize("body", UNSIGNED)
@pytest.mark.parametrize(
    "path",
    ["/api/v1/milestones/", "/api/v1/competencies/", "/api/v1/people/", "/api/v1/check-ins/"],
)
def test_a_cursor_the_api_did_not_sign_names_no_page(
    personas: Personas, client_for: Any, body: str, path: str
) -> None:
    cursor = base64.urlsafe_b64encode(body.encode()).decode()

    response = client_for(personas.hr).get(path, {"cursor": cursor})

    assert response.status_code == 404, response.content
    assert "not a cursor this API gave" in response.json()["error"]["message"]


def test_a_signed_cursor_out_of_any_rows_range_is_refused(
    personas: Personas, client_for: Any
) -> None:
    """Even signed (a leaked key), a value no row can hold never reaches
    the database."""
    for values in ([9223372036854775808], [float("inf")]):
        cursor = cursor_for(values)

        response = client_for(personas.hr).get("/api/v1/plans/", {"cursor": cursor})

        assert response.status_code == 404, (values, response.content)


def test_the_cursors_the_api_gives_still_work(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.hr)
    first = client.get("/api/v1/people/", {"page_size": 2}).json()

    following = client.get(first["next"])

    assert following.status_code == 200
    assert following.json()["results"]


def test_a_method_not_allowed_is_405(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.hr).delete("/api/v1/me/")

    assert response.status_code == 405
    assert shape(response.json()) == (405, "method_not_allowed")


def test_a_server_fault_is_500_in_the_same_shape(
    personas: Personas, client_for: Any, monkeypatch: Any
) -> None:
    from mentorship.people import selectors

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "departments_list", broken)
    client = client_for(personas.hr)
    client.raise_request_exception = False

    response = client.get("/api/v1/departments/")

    assert response.status_code == 500
    assert shape(response.json()) == (500, "server_error")


@pytest.mark.parametrize("size", ["abc", "null", "0", "201"])
def test_a_bad_page_size_is_refused_not_ignored(
    personas: Personas, client_for: Any, size: str
) -> None:
    response = client_for(personas.hr).get("/api/v1/people/", {"page_size": size})

    assert response.status_code == 400
    assert "page_size" in response.json()["error"]["fields"]


def test_the_apis_own_address_leads_to_its_documentation(client_for: Any, db: None) -> None:
    response = client_for(None).get("/api/v1/")

    assert response.status_code == 302
    assert response["Location"] == "/api/docs/"


@pytest.mark.parametrize("parameter", ["ordering", "statu", "search"])
def test_a_list_refuses_a_parameter_it_does_not_read(
    personas: Personas, client_for: Any, parameter: str
) -> None:
    """Once quietly ignored: ``?ordering=title`` answered in the list's own
    order, a misspelt filter with the whole list."""
    response = client_for(personas.hr).get("/api/v1/milestones/", {parameter: "x"})

    assert response.status_code == 400, response.content
    message = response.json()["error"]["fields"][parameter][0]
    assert "no such parameter" in message
    assert "status" in message  # the filters it has


def test_a_list_still_reads_its_filters_and_paging(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.hr).get(
        "/api/v1/milestones/", {"status": "open", "page_size": 2, "format": "json"}
    )

    assert response.status_code == 200, response.content
