"""The base of every API viewset: scoped querysets, ETags, and writes through services.

Subclasses stay thin (NetBox style): a selector for `get_queryset`, a serializer, a
filterset, and `perform_create` / `perform_update` / `perform_destroy` that call one service
each and return what it returns.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.actors import Actor, actor_for_request
from core.api import fastlist
from core.api.etags import etag_for
from core.api.etags import etag_list as _etag_list
from core.api.idempotency import idempotent
from core.api.strict import check_json_types
from core.api.writes import write_response
from core.choices import Channel
from core.errors import PreconditionFailed


class ForgeGenericViewSet(viewsets.GenericViewSet):
    # Object ids are bigints: anything else in the path is a 404 from the router, not a
    # ValueError (or a bigint overflow) in the database lookup.
    lookup_value_regex = "[0-9]{1,18}"

    @property
    def actor(self) -> Actor:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no caller: an actor who may see nothing.
            return Actor(channel=Channel.API, label="schema")
        return actor_for_request(self.request, Channel.API)

    def representation(self, instance) -> dict:
        return self.get_serializer(instance).data


class ListRetrieveMixin(mixins.ListModelMixin):
    def list(self, request, *args, **kwargs):
        # Same queryset (scope, filters, keyset page) either way; the fast path only changes
        # how rows become JSON (core.api.fastlist), and falls back when it cannot.
        queryset = self.filter_queryset(self.get_queryset())
        plan = None
        if self.paginator is not None and fastlist.enabled():
            plan = fastlist.plan_for(self.get_serializer(instance=()), queryset)
        if plan is not None:
            return self.get_paginated_response(plan.represent(self.paginate_queryset(plan.values(queryset))))
        page = self.paginate_queryset(queryset)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(queryset, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        data = self.representation(self.get_object())
        etag = etag_for(data)
        if etag in _etag_list(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})


class CreateMixin:
    """`create` takes the same write path as every POST action (core.api.writes): Idempotency-Key
    honoured, one transaction, the representation with its ETag."""

    @idempotent
    def create(self, request, *args, **kwargs):
        def parse():
            serializer = self.get_serializer(data=request.data)
            check_json_types(serializer, request.data)
            serializer.is_valid(raise_exception=True)
            return serializer

        return write_response(
            self,
            request,
            parse=parse,
            run=self.perform_create,
            represent=self.representation,
            status=status.HTTP_201_CREATED,
        )

    def perform_create(self, serializer):
        raise NotImplementedError


class ChangeMixin:
    """update / partial_update / destroy with If-Match checked under a row lock."""

    def update(self, request, *args, partial: bool = False, **kwargs):
        with transaction.atomic():
            instance = self._locked_current_instance()
            self.guard_change(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            check_json_types(serializer, request.data)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_update(serializer, instance)
        data = self.representation(self.get_queryset().get(pk=instance.pk))
        return Response(data, headers={"ETag": etag_for(data)})

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self._locked_current_instance()
            self.guard_change(instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _locked_current_instance(self):
        """The object as this actor sees it, locked, after checking If-Match against it."""
        instance = self.get_object()  # 404 when out of scope, before anything is locked
        type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()
        instance = self.get_object()  # re-read now that no one else can change it
        expected = self.request.headers.get("If-Match")
        if expected and "*" not in _etag_list(expected):
            if etag_for(self.representation(instance)) not in _etag_list(expected):
                raise PreconditionFailed("The object changed since you read it; fetch it again and retry.")
        return instance

    def guard_change(self, instance) -> None:
        """The permission rule the service enforces for changing `instance`, checked before the
        body is read, so that a caller who may not change it is refused (403, or 404 where the
        app treats it as not there) rather than told what is wrong with its body (400)."""

    def perform_update(self, serializer, instance):
        raise NotImplementedError

    def perform_destroy(self, instance):
        raise NotImplementedError


class WriteMixin(CreateMixin, ChangeMixin):
    pass


class ReadOnlyViewSet(ListRetrieveMixin, ForgeGenericViewSet):
    pass


class ChangeOnlyViewSet(ChangeMixin, ListRetrieveMixin, ForgeGenericViewSet):
    """Objects created elsewhere (an invitation, by its meeting's invite action): no POST on the
    collection, so the document shows none and the API answers 405."""


class ModelViewSet(WriteMixin, ListRetrieveMixin, ForgeGenericViewSet):
    pass
