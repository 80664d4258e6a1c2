"""The one write path for POST in the API: parse, run the service atomically, answer with ETag.

Every unsafe POST of every viewset (`create` and each action such as `.../status/`) goes
through `post_write`, so they all behave alike:

- the body is parsed and validated by the given serializer (a 400 names each field);
- the service runs in one transaction with the response, so a failure changes nothing;
- the answer is the representation of what the service returned, with its `ETag`;
- `Idempotency-Key` is honoured (core.api.idempotency): a retry with the same key and body
  replays the first answer and runs the service no second time (no second object, no
  second round of notices); the same key with another body is a 422;
- the OpenAPI document shows the body, the answer and the Idempotency-Key header
  (core.api.schema documents the header on every POST).

How to write an action (a new app copies this)::

    from core.api.writes import write_action

    class DecisionViewSet(ModelViewSet):
        @write_action(body=AdoptSerializer)
        def adopt(self, request, data, pk=None):
            '''Adopt the decision (the docstring becomes the OpenAPI description).'''
            return services.decision_adopt(actor=self.actor, decision=self.get_object(), **data)

`data` is the serializer's `validated_data` (`{}` when `body=None`). Return what the service
returned; by default it is shown with the viewset's `representation()` (re-read through the
viewset's queryset, so annotations and prefetches are there). Options:

- `response=SomeSerializer` to show the result with another serializer than the viewset's
  (`response=SomeSerializer(many=True)` for a list);
- `status=201` when the action creates an object (default 200; give `response=` with it);
- any `@action` argument (`url_path="agenda-order"`, `detail=False`, ...).

For a POST that shares its URL with a GET action, decorate the handler with
`@credentials.mapping.post`, `@extend_schema(request=..., responses=...)` and
`@post_write(...)` (same options as `write_action`, without routing or schema).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework import status as http_status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.etags import etag_for
from core.api.idempotency import idempotent
from core.api.strict import check_json_types

Handler = Callable[..., Any]


def post_write(
    *,
    body: type[serializers.Serializer] | None = None,
    status: int = http_status.HTTP_200_OK,
    response: serializers.BaseSerializer | type[serializers.BaseSerializer] | None = None,
) -> Callable[[Handler], Handler]:
    """Turn `fn(self, request, data, **url_kwargs) -> result` into an idempotent POST handler."""

    def decorate(fn: Handler) -> Handler:
        def parse(view, request) -> dict:
            if body is None:
                return {}
            parsed = body(data=request.data, context=view.get_serializer_context())
            check_json_types(parsed, request.data)
            parsed.is_valid(raise_exception=True)
            return dict(parsed.validated_data)

        def represent(view, result):
            context = view.get_serializer_context()
            if response is None:
                return view.representation(_fresh(view, result))
            if isinstance(response, serializers.ListSerializer):
                return type(response.child)(result, many=True, context=context).data
            return response(result, context=context).data

        @functools.wraps(fn)
        def handler(view, request, *args, **kwargs):
            return write_response(
                view,
                request,
                parse=lambda: parse(view, request),
                run=lambda data: fn(view, request, data, *args, **kwargs),
                represent=lambda result: represent(view, result),
                status=status,
            )

        return idempotent(handler)

    return decorate


def write_action(
    *,
    body: type[serializers.Serializer] | None = None,
    status: int = http_status.HTTP_200_OK,
    response: serializers.BaseSerializer | type[serializers.BaseSerializer] | None = None,
    detail: bool = True,
    **action_kwargs: Any,
) -> Callable[[Handler], Handler]:
    """`post_write` plus the route: a POST action on the viewset (`@action(methods=["post"])`)."""

    if response is None and status != http_status.HTTP_200_OK:
        raise TypeError("write_action: give `response=` with a status other than 200.")
    schema: dict[str, Any] = {"request": body}
    if response is not None:
        schema["responses"] = {status: response}

    # A POST answers one representation (or a plain list), never a page: without this the
    # OpenAPI document would describe list answers as paginated.
    action_kwargs.setdefault("pagination_class", None)

    def decorate(fn: Handler) -> Handler:
        handler = post_write(body=body, status=status, response=response)(fn)
        return extend_schema(**schema)(action(detail=detail, methods=["post"], **action_kwargs)(handler))

    return decorate


def write_response(view, request, *, parse, run, represent, status: int) -> Response:
    """The shared body of every POST: parse, run in a transaction, represent, add the ETag.

    `parse()` validates the body before anything is locked; `run(data)` calls the service
    and returns its result; `represent(result)` is the JSON shown. Idempotency is the
    caller's wrapper (`@idempotent`), which holds its own transaction around all of this.
    """
    data = parse()
    with transaction.atomic():
        result = run(data)
        shown = represent(result)
    return Response(shown, status=status, headers={"ETag": etag_for(shown)})


def _fresh(view, result):
    """The object as the viewset's reads show it (annotations, prefetches), after the write."""
    if getattr(result, "pk", None) is None:
        return result
    queryset = view.get_queryset()
    if queryset.model is not type(result):
        return result
    return queryset.get(pk=result.pk)
