"""/api/v1/webhooks/: a token's own webhook subscriptions. Another token's are "not found"."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission

from core.actors import actor_for_request
from core.api.permissions import OUTSIDE_AREA
from core.api.views import ModelViewSet
from core.api.writes import write_action
from core.choices import Channel
from core.webhooks import selectors, services
from core.webhooks.api.serializers import (
    DeliverySerializer,
    SubscriptionSerializer,
    SubscriptionWithSecretSerializer,
)
from core.webhooks.filters import DeliveryFilter, SubscriptionFilter


class IsTokenActor(BasePermission):
    """Subscriptions belong to API tokens; read tokens may subscribe (being told is a read)."""

    message = "Webhook subscriptions are managed with an API token (Authorization: Bearer ...)."

    def has_permission(self, request, view) -> bool:
        actor = actor_for_request(request, Channel.API)
        if actor is not None and not actor.may_use(getattr(view, "data_area", None)):
            self.message = OUTSIDE_AREA  # a token limited to some data has no subscriptions
            return False
        return actor is not None and actor.token_id is not None


class WebhookSubscriptionViewSet(ModelViewSet):
    """Webhook subscriptions of the calling token.

    Deliveries are POSTs signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
    `webhook-signature`) with a thin body: `{"type": "meetings.upsert", "timestamp": ...,
    "data": {"resource": "meetings", "id": 12, "seq": 345, "url": ...}}`; fetch the object
    from `url`. Answer 2xx to acknowledge, 410 to unsubscribe; anything else is retried with
    backoff for about three days.
    """

    permission_classes = [IsTokenActor]
    filterset_class = SubscriptionFilter

    def get_queryset(self):
        if self.action == "deliveries":
            return selectors.delivery_list(actor=self.actor)
        return selectors.subscription_list(actor=self.actor)

    def get_object(self):
        return selectors.subscription_get(actor=self.actor, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action in ("create", "rotate_secret"):
            return SubscriptionWithSecretSerializer
        if self.action == "deliveries":
            return DeliverySerializer
        return SubscriptionSerializer

    @extend_schema(responses={201: SubscriptionWithSecretSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        subscription, _secret = services.subscription_create(actor=self.actor, **serializer.validated_data)
        return subscription

    def perform_update(self, serializer, instance):
        return services.subscription_update(
            actor=self.actor, subscription=instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.subscription_delete(actor=self.actor, subscription=instance)

    @write_action(response=SubscriptionWithSecretSerializer, url_path="rotate-secret")
    def rotate_secret(self, request, data, pk=None):
        """A new secret, shown once; the previous one also signs for 24 hours."""
        subscription, _secret = services.subscription_rotate_secret(
            actor=self.actor, subscription=self.get_object()
        )
        return subscription

    @extend_schema(
        responses={200: DeliverySerializer(many=True)},
        filters=True,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The subscription's id.")],
    )
    @action(detail=True, methods=["get"], filterset_class=DeliveryFilter)
    def deliveries(self, request, pk=None):
        """This subscription's deliveries (oldest first, like every list) with their last result."""
        subscription = self.get_object()
        deliveries = self.get_queryset().filter(subscription=subscription)
        page = self.paginate_queryset(self.filter_queryset(deliveries))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
