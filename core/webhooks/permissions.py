"""Who may do what with webhook subscriptions and their delivery log."""

from __future__ import annotations

from core.actors import Actor
from core.webhooks.models import WebhookSubscription


def owns(actor: Actor, subscription: WebhookSubscription) -> bool:
    return actor.token_id is not None and actor.token_id == subscription.token_id


def can_subscribe(actor: Actor) -> bool:
    """Subscriptions belong to API tokens. Being told about changes is a read, so read tokens
    may subscribe too."""
    return actor.token_id is not None


def can_manage(actor: Actor, subscription: WebhookSubscription) -> bool:
    """The owning token, or the secretariat (to switch a misbehaving endpoint off or back on)."""
    return owns(actor, subscription) or (actor.is_secretariat and actor.can_write)


def can_view_log(actor: Actor) -> bool:
    return actor.is_secretariat
