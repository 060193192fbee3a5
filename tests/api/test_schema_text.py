"""The published schema says which text may not be only whitespace: exactly
the fields that trim it away and then refuse the blank (so the API fuzzer
finds no schema-valid text refused), and not those that keep it as sent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from mentorship.core.api.schema_hooks import NO_NUL, NOT_BLANK


@pytest.fixture(scope="module")
def requests() -> dict[str, Any]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        name: component["properties"]
        for name, component in schema["components"]["schemas"].items()
        if name.endswith("Request")
    }


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ReasonRequest", "reason"),
        ("EndRequest", "reason"),
        ("WithdrawRequest", "reason"),
        ("PlanDuplicateRequest", "name"),
        ("ProgramInputRequest", "name"),
        ("PatchedMeUpdateRequest", "full_name"),
        ("NewActionItemRequest", "text"),
    ],
)
def test_trimmed_required_text_may_not_be_only_whitespace(
    requests: dict[str, Any], component: str, field: str
) -> None:
    assert requests[component][field]["pattern"] == NOT_BLANK


@pytest.mark.parametrize(
    ("component", "field"),
    [("TokenRequestRequest", "password"), ("PersonCreateRequest", "email")],
)
def test_text_kept_as_sent_is_only_free_of_nul(
    requests: dict[str, Any], component: str, field: str
) -> None:
    assert requests[component][field]["pattern"] == NO_NUL


def test_not_blank_refuses_what_python_strips_and_nothing_else() -> None:
    pattern = re.compile(NOT_BLANK)
    stripped = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert not any(pattern.fullmatch(space * 2) for space in stripped)
    kept = [chr(c) for c in range(1, 0x3100) if not chr(c).isspace()]
    assert all(pattern.fullmatch(f" {char} ") for char in kept)
