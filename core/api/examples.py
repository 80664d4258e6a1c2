"""Request examples in the OpenAPI document, one per write operation, given by each app's
viewset (tests/contract/test_examples.py holds every one to its own schema and sends the
write ones to the real endpoint)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view


def request_examples(**by_action: dict):
    """Class decorator: `@request_examples(create={...}, partial_update={...})` gives each
    action of a viewset one request body example, named after the action."""
    return extend_schema_view(
        **{
            action: extend_schema(
                examples=[
                    OpenApiExample(action.replace("_", " ").capitalize(), value=value, request_only=True)
                ]
            )
            for action, value in by_action.items()
        }
    )
