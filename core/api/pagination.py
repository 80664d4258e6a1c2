"""Keyset pagination on the primary key: stable order, and a deep page costs what the first does.

The cursor is an opaque token holding the last id of the previous page; there is no count
query and no OFFSET, so pages stay fast and constant in queries however far a client reads.
"""

from __future__ import annotations

import base64
import binascii
import json

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 500


def encode_cursor(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> dict:
    try:
        padded = raw + "=" * (-len(raw) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ValidationError({"cursor": ["Not a cursor this API issued."]}) from exc
    if not isinstance(data, dict):
        raise ValidationError({"cursor": ["Not a cursor this API issued."]})
    return data


def page_size_from(request, default: int) -> int:
    raw = request.query_params.get("page_size")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]})
    return int(raw)


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size = 50

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = page_size_from(request, self.page_size)
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            after = decode_cursor(raw).get("after")
            if not isinstance(after, int):
                raise ValidationError({"cursor": ["Not a cursor this API issued."]})
            queryset = queryset.filter(pk__gt=after)
        rows = list(queryset.order_by("pk")[: size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        # Rows are model instances, or dicts from the fast list path (core.api.fastlist).
        self.last_pk = (rows[-1]["pk"] if isinstance(rows[-1], dict) else rows[-1].pk) if rows else None
        return rows

    def next_link(self) -> str | None:
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encode_cursor({"after": self.last_pk}))

    def get_paginated_response(self, data):
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque cursor from the previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
