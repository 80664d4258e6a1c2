"""GET /api/v1/changes/ and /api/v1/changes/head/: the change feed partners sync from."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actors import Actor, actor_for_request
from core.api.pagination import decode_cursor, encode_cursor, page_size_from
from core.choices import Channel
from core.sync import selectors, services
from core.sync.api.serializers import ChangesPageSerializer, HeadSerializer

DEFAULT_PAGE_SIZE = 100

SYNC_GUIDE = """
**Full sync, then incremental sync.** 1. `GET /api/v1/changes/head/` and keep its `cursor`.
2. List every resource you mirror (follow each list's `next` link). 3. From then on, poll
`GET /api/v1/changes/?cursor=<cursor>` and apply each entry: `upsert` stores `object` under
(`resource`, `id`), `delete` removes it (`reason`: `deleted`, or `lost_access` when this token
may not see it now, whether it still exists or not). Keep `next_cursor` after every page, and fetch again at once while `has_more` is true.

Entries follow commit order; each object appears once per page, as it is now. Without a cursor the
feed starts at the oldest retained change. History is kept for a limited time: a cursor older than
that answers **410 Gone**, and the client syncs again from step 1.
"""


def cursor_for(seq: int) -> str:
    return encode_cursor({"seq": seq})


def seq_from(raw: str) -> int:
    seq = decode_cursor(raw).get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValidationError({"cursor": ["Not a cursor this API issued."]})
    return seq


class FeedView(APIView):
    @property
    def actor(self) -> Actor:
        return actor_for_request(self.request, Channel.API)


class ChangesView(FeedView):
    problem_responses = ["410"]  # for the OpenAPI document (core.api.schema)

    @extend_schema(
        operation_id="changes_list",
        summary="Changes after a cursor",
        description=SYNC_GUIDE,
        tags=["sync"],
        parameters=[
            OpenApiParameter(
                "cursor", str, description="`next_cursor` of the previous page, or the head cursor."
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": selectors.MAX_PAGE_SIZE},
                description=f"Feed rows per page, 1 to {selectors.MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
            ),
            OpenApiParameter(
                "from",
                str,
                enum=["now"],
                description="`now`: return no changes, only the head cursor (same as /changes/head/).",
            ),
        ],
        responses={200: ChangesPageSerializer},
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "changes": [
                        {
                            "seq": 41,
                            "resource": "delegates",
                            "id": 7,
                            "op": "upsert",
                            "object": {
                                "id": 7,
                                "member": "KR",
                                "full_name": "Kim Min-jun",
                                "title": "Director",
                                "capacity": "head",
                                "email": "minjun.kim@example.org",
                                "phone": "",
                                "active_from": "2026-02-04",
                                "active_until": None,
                                "created_at": "2026-02-04T09:00:00Z",
                                "updated_at": "2026-03-01T10:12:00Z",
                            },
                        },
                        {"seq": 42, "resource": "delegates", "id": 9, "op": "delete", "reason": "deleted"},
                    ],
                    "next_cursor": "eyJzZXEiOjQyfQ",
                    "has_more": False,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        size = page_size_from(request, DEFAULT_PAGE_SIZE)
        start = request.query_params.get("from")
        if start not in (None, "now"):
            raise ValidationError({"from": ["The only value is `now`."]})
        raw = request.query_params.get("cursor")
        if start == "now" and raw:
            raise ValidationError({"from": ["Give either `cursor` or `from=now`, not both."]})
        services.changes_sequence()
        if start == "now":
            return Response(
                {"changes": [], "next_cursor": cursor_for(selectors.head_seq()), "has_more": False}
            )
        page = selectors.changes_page(
            actor=self.actor,
            after_seq=seq_from(raw) if raw else None,
            limit=size,
            context={"request": request, "view": self},
        )
        return Response(
            {"changes": page.changes, "next_cursor": cursor_for(page.last_seq), "has_more": page.has_more}
        )


class HeadView(FeedView):
    @extend_schema(
        operation_id="changes_head",
        summary="The feed's current head cursor",
        description="Take this before a full sync; then follow `/changes/?cursor=` from it.",
        tags=["sync"],
        responses={200: HeadSerializer},
        examples=[OpenApiExample("Head", value={"cursor": "eyJzZXEiOjQyfQ"}, response_only=True)],
    )
    def get(self, request):
        services.changes_sequence()
        return Response({"cursor": cursor_for(selectors.head_seq())})
