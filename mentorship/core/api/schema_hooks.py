"""Post-processing of the generated OpenAPI document, so it states what the
server really accepts."""

from __future__ import annotations

from typing import Any

# Django and DRF refuse the NUL character in any text field or parameter.
NO_NUL = "^[^\\u0000]*$"

# What Python's str.strip() removes, and so what DRF trims off a text field,
# spelled out: a schema's "\\s" is ECMAScript's, which is another set (it
# has U+FEFF and lacks U+001C-U+001F and U+0085), so a name of one U+001D
# would pass the schema and be refused as blank.
PYTHON_SPACE = (
    "\\t\\n\\u000b\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)
# Text that is not only whitespace, and holds no NUL: what a trimmed,
# required text field accepts.
NOT_BLANK = f"^[^\\u0000]*[^\\u0000{PYTHON_SPACE}][^\\u0000]*$"


def _tighten_string(schema: dict[str, Any], *, non_empty: bool) -> None:
    if schema.get("type") != "string" or "enum" in schema:
        return
    schema.setdefault("pattern", NO_NUL)
    if non_empty:
        schema.setdefault("minLength", 1)


def strict_strings(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Query strings are never empty (StrictFilterSet refuses ``?name=``
    with 400) and no text anywhere may hold a NUL character."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _tighten_string(parameter.get("schema", {}), non_empty=True)
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            for field in component.get("properties", {}).values():
                _tighten_string(field, non_empty=False)
    return result
