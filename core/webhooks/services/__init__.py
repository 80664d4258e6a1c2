"""Every write of the webhooks engine, by concern:

- `subscriptions`: a partner token's subscriptions (validated, audited, secrets masked);
- `dispatch`: the change feed turned into deliveries, and due deliveries picked for sending
  (with the per-token cap on deliveries in flight);
- `sending`: one attempt of a delivery, its log, retries and what a final outcome means.

Callers import from here (`from core.webhooks import services`).
"""

from core.webhooks.services.dispatch import (
    DISPATCH_BATCH,
    deliveries_dispatch,
    deliveries_take_due,
    token_actor,
)
from core.webhooks.services.sending import (
    deliveries_prune,
    delivery_attempt,
    delivery_claim,
    delivery_retry,
)
from core.webhooks.services.subscriptions import (
    SECRET_GRACE,
    clean_event_types,
    event_type_matches,
    live_secrets,
    subscription_create,
    subscription_delete,
    subscription_disable,
    subscription_enable,
    subscription_rotate_secret,
    subscription_update,
)

__all__ = [
    "DISPATCH_BATCH",
    "SECRET_GRACE",
    "clean_event_types",
    "deliveries_dispatch",
    "deliveries_prune",
    "deliveries_take_due",
    "delivery_attempt",
    "delivery_claim",
    "delivery_retry",
    "event_type_matches",
    "live_secrets",
    "subscription_create",
    "subscription_delete",
    "subscription_disable",
    "subscription_enable",
    "subscription_rotate_secret",
    "subscription_update",
    "token_actor",
]
