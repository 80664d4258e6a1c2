"""Subscriptions: a partner token's request to be told about changes. Validated and audited
like every domain write, with the secrets masked in the audit log."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import Actor
from core.choices import AuditAction, ChangeOp
from core.errors import Forbidden, NotFound
from core.services import require_settable
from core.tracking import audit_record, diff, integrity_to_validation, snapshot
from core.webhooks import events as domain_events
from core.webhooks import feed, limits, permissions, signing
from core.webhooks.choices import DeliveryStatus
from core.webhooks.models import WebhookDelivery, WebhookSubscription
from core.webhooks.urlguard import DestinationRefused, check_destination

# A rotated-out secret keeps signing this long, so receivers can switch without a gap.
SECRET_GRACE = datetime.timedelta(hours=24)
MAX_EVENT_TYPES = 50
EVENT_OPS = (ChangeOp.UPSERT.value, ChangeOp.DELETE.value)
SECRET_FIELDS = ("secret", "previous_secret")
SUBSCRIPTION_FIELDS = {"url", "event_types", "description", "is_active"}


def event_type_matches(patterns: list[str], event_type: str) -> bool:
    """`*` matches everything, `meetings.*` every event of meetings, else an exact name.

    A domain event ("decision.adopted") matches "*" and its own name only.
    """
    resource = event_type.partition(".")[0]
    if domain_events.is_event(event_type):
        return any(p in ("*", event_type) for p in patterns)
    return any(p in ("*", event_type, f"{resource}.*") for p in patterns)


def clean_event_types(value: Any) -> list[str]:
    """A list of known event types, without duplicates, in the order given."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValidationError(
            {"event_types": 'Give a non-empty list of event types, e.g. ["meetings.upsert"].'}
        )
    if len(value) > MAX_EVENT_TYPES:
        raise ValidationError({"event_types": f"Give at most {MAX_EVENT_TYPES} event types."})
    known = set(feed.resource_names())
    cleaned: list[str] = []
    for item in value:
        name = item.strip()
        resource, dot, op = name.partition(".")
        valid = (
            name == "*"
            or domain_events.is_event(name)
            or (dot and resource in known and op in (*EVENT_OPS, "*"))
        )
        if not valid:
            raise ValidationError(
                {
                    "event_types": f'Unknown event type {name!r}: use "*", "<resource>.*" or '
                    f'"<resource>.upsert" / "<resource>.delete" with a resource of /api/v1/ '
                    f"({', '.join(sorted(known))}), or an event ({', '.join(domain_events.event_names())})."
                }
            )
        if name not in cleaned:
            cleaned.append(name)
    return cleaned


def _check_url(url: str) -> None:
    try:
        check_destination(url)
    except DestinationRefused as exc:
        raise ValidationError({"url": str(exc)}) from exc


def _masked(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        key: (["(hidden)" if v else v for v in values] if key in SECRET_FIELDS else values)
        for key, values in changes.items()
    }


def _save_audited(
    subscription: WebhookSubscription, *, actor: Actor, action: str, before: dict[str, Any]
) -> WebhookSubscription:
    subscription.full_clean()
    subscription.updated_at = timezone.now()
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError as exc:
        raise integrity_to_validation(subscription, exc) from exc
    changes = _masked(diff(before, snapshot(subscription)))
    audit_record(actor=actor, instance=subscription, action=action, changes=changes)
    return subscription


def _require_manage(actor: Actor, subscription: WebhookSubscription) -> None:
    if not permissions.can_manage(actor, subscription):
        raise NotFound(gettext("No such webhook subscription."))


def _require_room(token_id: int) -> None:
    """At most FORGE_WEBHOOK_MAX_SUBSCRIPTIONS_PER_TOKEN subscriptions per token. The token row
    is locked first, so two creations at once cannot both take the last place."""
    token_model = WebhookSubscription._meta.get_field("token").related_model
    list(token_model.objects.select_for_update().filter(pk=token_id).values_list("pk", flat=True))
    cap = limits.max_subscriptions_per_token()
    if WebhookSubscription.objects.filter(token_id=token_id).count() >= cap:
        raise ValidationError(
            {
                "url": f"This token already has {cap} webhook subscriptions, the most allowed; delete one first."
            }
        )


@transaction.atomic
def subscription_create(
    *, actor: Actor, url: str, event_types: list[str], description: str = "", is_active: bool = True
) -> tuple[WebhookSubscription, str]:
    """Subscribe the actor's token; returns the subscription and its secret, shown this once."""
    if not permissions.can_subscribe(actor):
        raise Forbidden(gettext("Webhook subscriptions belong to API tokens; call the API with a token."))
    _require_room(actor.token_id)
    secret = signing.generate_secret()
    subscription = WebhookSubscription(
        token_id=actor.token_id,
        url=url,
        event_types=clean_event_types(event_types),
        description=description,
        is_active=is_active,
        secret=secret,
    )
    subscription.full_clean()
    _check_url(url)
    _save_audited(subscription, actor=actor, action=AuditAction.CREATE, before={})
    return subscription, secret


@transaction.atomic
def subscription_update(
    *, actor: Actor, subscription: WebhookSubscription, **fields: Any
) -> WebhookSubscription:
    """Change the URL, event types, description or `is_active`. Switching a disabled
    subscription back on clears the reason and the failure count."""
    _require_manage(actor, subscription)
    fields = require_settable(fields, SUBSCRIPTION_FIELDS)
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    before = snapshot(locked)
    if "event_types" in fields:
        fields["event_types"] = clean_event_types(fields["event_types"])
    if "url" in fields and fields["url"] != locked.url:
        locked.url = fields["url"]
        locked.full_clean(exclude=["secret", "token"])
        _check_url(fields["url"])
    is_active = fields.pop("is_active", None)
    for name, value in fields.items():
        setattr(locked, name, value)
    if is_active is True and not locked.is_active:
        _reactivate(locked)
    elif is_active is False and locked.is_active:
        _deactivate(locked, reason=_stopped_by(actor), now=timezone.now())
    if not diff(before, snapshot(locked)):
        return locked
    return _save_audited(locked, actor=actor, action=AuditAction.UPDATE, before=before)


def _stopped_by(actor: Actor) -> str:
    return "Switched off by the secretariat." if actor.is_secretariat else "Switched off by its owner."


def _reactivate(subscription: WebhookSubscription) -> None:
    subscription.is_active = True
    subscription.disabled_at = None
    subscription.disabled_reason = ""
    subscription.consecutive_failures = 0


def _deactivate(subscription: WebhookSubscription, *, reason: str, now: datetime.datetime) -> None:
    """Switch off and cancel what is still waiting: a receiver coming back resyncs from the feed."""
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.disabled_reason = reason[:300]
    WebhookDelivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED,
        finished_at=now,
        next_attempt_at=None,
        last_error=f"Not sent: {reason}"[:500],
    )


@transaction.atomic
def subscription_disable(
    *, actor: Actor, subscription: WebhookSubscription, reason: str, now: datetime.datetime | None = None
) -> WebhookSubscription:
    _require_manage(actor, subscription)
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if not locked.is_active:
        return locked
    before = snapshot(locked)
    _deactivate(locked, reason=reason, now=now or timezone.now())
    return _save_audited(locked, actor=actor, action="disable", before=before)


@transaction.atomic
def subscription_enable(*, actor: Actor, subscription: WebhookSubscription) -> WebhookSubscription:
    _require_manage(actor, subscription)
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.is_active:
        return locked
    before = snapshot(locked)
    _reactivate(locked)
    return _save_audited(locked, actor=actor, action="enable", before=before)


@transaction.atomic
def subscription_rotate_secret(
    *, actor: Actor, subscription: WebhookSubscription, now: datetime.datetime | None = None
) -> tuple[WebhookSubscription, str]:
    """A new secret; the old one keeps signing for SECRET_GRACE. Returns the new secret, shown once."""
    if not permissions.owns(actor, subscription):
        raise NotFound(gettext("No such webhook subscription."))
    now = now or timezone.now()
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    before = snapshot(locked)
    secret = signing.generate_secret()
    locked.previous_secret = locked.secret
    locked.previous_secret_expires_at = now + SECRET_GRACE
    locked.secret = secret
    return _save_audited(locked, actor=actor, action="rotate_secret", before=before), secret


@transaction.atomic
def subscription_delete(*, actor: Actor, subscription: WebhookSubscription) -> None:
    _require_manage(actor, subscription)
    changes = _masked({key: [value, None] for key, value in snapshot(subscription).items()})
    audit_record(actor=actor, instance=subscription, action=AuditAction.DELETE, changes=changes)
    subscription.delete()


def live_secrets(subscription: WebhookSubscription, now: datetime.datetime) -> list[str]:
    """The secrets that sign a message sent at `now`: the current one, and the previous one
    during its grace period."""
    keys = [subscription.secret]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires and now < expires:
        keys.append(subscription.previous_secret)
    return keys
