"""Every read of subscriptions and deliveries, scoped to the actor.

A token sees its own subscriptions only; another token's look exactly like missing ones.
The secretariat sees them all, with the delivery log.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from core.actors import Actor
from core.errors import Forbidden
from core.selectors import get_visible
from core.webhooks import permissions
from core.webhooks.choices import DeliveryStatus
from core.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


def subscription_list(*, actor: Actor) -> QuerySet[WebhookSubscription]:
    subscriptions = WebhookSubscription.objects.select_related("token", "token__member")
    if actor.is_secretariat:
        return subscriptions
    if actor.token_id is not None:
        return subscriptions.filter(token_id=actor.token_id)
    return subscriptions.none()


def _require_log(actor: Actor) -> None:
    if not permissions.can_view_log(actor):
        raise Forbidden(gettext("The webhook log is for the secretariat."))


def subscription_overview(*, actor: Actor) -> QuerySet[WebhookSubscription]:
    """Subscriptions with their delivery counts, for the secretariat's list (one query)."""
    _require_log(actor)
    return subscription_list(actor=actor).annotate(
        pending_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        delivered_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
    )


def subscription_get(*, actor: Actor, pk: int) -> WebhookSubscription:
    return get_visible(subscription_list(actor=actor), pk, gettext_lazy("No such webhook subscription."))


def delivery_list(*, actor: Actor) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.select_related("subscription", "subscription__token")
    if actor.is_secretariat:
        return deliveries
    if actor.token_id is not None:
        return deliveries.filter(subscription__token_id=actor.token_id)
    return deliveries.none()


def delivery_get(*, actor: Actor, pk: int) -> WebhookDelivery:
    """A delivery with its attempts, oldest first."""
    attempts = Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("number"))
    return get_visible(
        delivery_list(actor=actor).prefetch_related(attempts), pk, gettext_lazy("No such webhook delivery.")
    )


# The secretariat's log pages: the same reads, refused (403) to anyone else, who may know the
# log exists but not read it.


def log_subscription_get(*, actor: Actor, pk: int) -> WebhookSubscription:
    _require_log(actor)
    return subscription_get(actor=actor, pk=pk)


def log_deliveries(*, actor: Actor, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    _require_log(actor)
    return delivery_list(actor=actor).filter(subscription=subscription)


def log_delivery_get(*, actor: Actor, pk: int) -> WebhookDelivery:
    _require_log(actor)
    return delivery_get(actor=actor, pk=pk)
