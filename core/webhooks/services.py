"""Every write of the webhooks engine: subscriptions, turning the change feed into
deliveries, and sending them.

Subscription writes are validated and audited like every domain write, with the secrets
masked in the audit log. Deliveries and attempts are the log themselves and are not audited.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from core.actors import Actor
from core.choices import AuditAction, ChangeOp, Channel
from core.errors import Forbidden, NotFound
from core.services import require_settable
from core.tracking import audit_record, diff, integrity_to_validation, snapshot
from core.webhooks import events as domain_events
from core.webhooks import feed, permissions, signing, transport
from core.webhooks.choices import AttemptOutcome, DeliveryStatus
from core.webhooks.models import WebhookAttempt, WebhookCursor, WebhookDelivery, WebhookSubscription
from core.webhooks.urlguard import DestinationRefused, check_destination

# After attempt n fails, attempt n+1 waits RETRY_DELAYS[n-1]: eleven attempts over about
# three days (71.6 hours), the shape Standard Webhooks senders use.
RETRY_DELAYS = [
    datetime.timedelta(seconds=5),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=5),
    datetime.timedelta(hours=10),
    datetime.timedelta(hours=10),
    datetime.timedelta(hours=10),
    datetime.timedelta(hours=14),
    datetime.timedelta(hours=20),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A rotated-out secret keeps signing this long, so receivers can switch without a gap.
SECRET_GRACE = datetime.timedelta(hours=24)
# Longer than the delivery task's hard time limit: a lease outlives only a dead worker.
CLAIM_LEASE = datetime.timedelta(seconds=90)
# A delivery queued but not picked up by then (a lost broker message) is queued again.
REQUEUE_AFTER = datetime.timedelta(minutes=5)
DISPATCH_BATCH = 500
MAX_EVENT_TYPES = 50
EVENT_OPS = (ChangeOp.UPSERT.value, ChangeOp.DELETE.value)
SECRET_FIELDS = ("secret", "previous_secret")
SUBSCRIPTION_FIELDS = {"url", "event_types", "description", "is_active"}
DISPATCHER = "dispatcher"


def _system() -> Actor:
    return Actor.system(Channel.TASK, label="webhooks")


def token_actor(token) -> Actor:
    """The actor of a partner token; the resolver is a setting, core names no app."""
    return import_string(settings.FORGE_TOKEN_ACTOR_RESOLVER)(token)


# Subscriptions ---------------------------------------------------------------------------


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
        raise NotFound("No such webhook subscription.")


@transaction.atomic
def subscription_create(
    *, actor: Actor, url: str, event_types: list[str], description: str = "", is_active: bool = True
) -> tuple[WebhookSubscription, str]:
    """Subscribe the actor's token; returns the subscription and its secret, shown this once."""
    if not permissions.can_subscribe(actor):
        raise Forbidden("Webhook subscriptions belong to API tokens; call the API with a token.")
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
        raise NotFound("No such webhook subscription.")
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


# From the change feed to deliveries ---------------------------------------------------------


def _subscribers(now: datetime.datetime) -> list[WebhookSubscription]:
    """Active subscriptions whose token still works."""
    return list(
        WebhookSubscription.objects.filter(is_active=True, token__revoked_at__isnull=True)
        .filter(Q(token__expires_at__isnull=True) | Q(token__expires_at__gt=now))
        .select_related("token")
        .order_by("id")
    )


def _locked_cursor() -> WebhookCursor:
    WebhookCursor.objects.get_or_create(name=DISPATCHER)
    return WebhookCursor.objects.select_for_update().get(name=DISPATCHER)


def _payload(*, event_type: str, change, resource: str, url: str | None, reason: str = "") -> str:
    data = {"resource": resource, "id": change.object_id, "seq": change.seq, "url": url}
    if reason:
        data["reason"] = reason  # on deletions: "deleted", or "lost_access" when hidden from the token
    body = {"type": event_type, "timestamp": change.at.isoformat().replace("+00:00", "Z"), "data": data}
    return json.dumps(body, separators=(",", ":"))


@dataclass(frozen=True)
class Event:
    change: Any
    event_type: str
    url: str | None
    reason: str = ""


def _last_told_upsert(subscription: WebhookSubscription, resource: str, object_ids: set[int]) -> set[int]:
    """Of these objects, those whose last delivery to this subscriber was an upsert."""
    last: dict[int, str] = {}
    rows = (
        WebhookDelivery.objects.filter(subscription=subscription, resource=resource, object_id__in=object_ids)
        .order_by("change_seq")
        .values_list("object_id", "event_type")
    )
    for object_id, event_type in rows:
        last[object_id] = event_type
    return {object_id for object_id, event_type in last.items() if event_type.endswith(".upsert")}


def _events_for(
    subscription: WebhookSubscription, actor: Actor, resource: feed.FeedResource, changes: list
) -> list[Event]:
    """The events of one resource's changes that this subscriber gets.

    Upserts of objects the token may see now; deletions by the change feed's tombstone rule;
    and a deletion ("lost_access") for an object the token can no longer see, when the last
    thing this subscription was told about it was an upsert. Other hidden changes are silent.
    """
    if not resource.listable_by(actor):
        return []
    name = resource.name
    upsert_ids = {c.object_id for c in changes if c.op == ChangeOp.UPSERT}
    lookup = feed.lookup_field(name)
    visible: dict[int, Any] = {}
    if upsert_ids:
        # A fixed number of queries per subscriber and resource, whatever the batch holds.
        visible = dict(resource.visible_to(actor).filter(pk__in=upsert_ids).values_list("pk", lookup))
    hidden = upsert_ids - set(visible)
    told = _last_told_upsert(subscription, name, hidden) if hidden else set()
    events = []
    for change in changes:
        if change.event:
            if change.object_id not in visible:
                continue  # a domain event reaches only those who may see its object
            event = Event(change, change.event, feed.object_url(name, visible[change.object_id]))
        elif change.op == ChangeOp.UPSERT and change.object_id in visible:
            event = Event(change, f"{name}.upsert", feed.object_url(name, visible[change.object_id]))
        elif change.op == ChangeOp.UPSERT and change.object_id in told:
            told.discard(change.object_id)  # one lost-access event per object
            event = Event(change, f"{name}.delete", None, "lost_access")
        elif change.op == ChangeOp.DELETE and resource.deletion_reaches(actor, change.scope):
            # A deleted object has no URL when it was addressed by something other than its id.
            url = feed.object_url(name, change.object_id) if lookup == "pk" else None
            event = Event(change, f"{name}.delete", url, "deleted")
        else:
            continue
        if event_type_matches(subscription.event_types, event.event_type):
            events.append(event)
    return events


def _delivery(
    subscription: WebhookSubscription, resource: str, event: Event, *, now: datetime.datetime
) -> WebhookDelivery:
    change = event.change
    return WebhookDelivery(
        subscription=subscription,
        change_seq=change.seq,
        message_id=f"msg_{uuid.uuid4().hex}",
        event_type=event.event_type,
        resource=resource,
        object_id=change.object_id,
        body=_payload(
            event_type=event.event_type, change=change, resource=resource, url=event.url, reason=event.reason
        ),
        next_attempt_at=now,
        created_at=now,
    )


@transaction.atomic
def deliveries_dispatch(*, now: datetime.datetime | None = None, batch: int = DISPATCH_BATCH) -> int:
    """Turn the next batch of sequenced changes into deliveries; return how many changes were read.

    The cursor row is locked for the whole step and advanced in the same transaction as the
    deliveries are created, so a change becomes deliveries once: never lost, never doubled
    (the unique (subscription, change_seq) backs that up).
    """
    now = now or timezone.now()
    cursor = _locked_cursor()
    changes = feed.changes_after(cursor.last_seq, limit=batch)
    if not changes:
        return 0
    subscribers = _subscribers(now)
    groups = [(feed.resource_for_label(label), group) for label, group in feed.label_groups(changes).items()]
    deliveries = []
    for subscription in subscribers:
        actor = token_actor(subscription.token)
        for resource, group in groups:
            if resource is None:
                continue  # not an API resource: nothing a partner could fetch
            for event in _events_for(subscription, actor, resource, group):
                deliveries.append(_delivery(subscription, resource.name, event, now=now))
    WebhookDelivery.objects.bulk_create(deliveries, batch_size=500, ignore_conflicts=True)
    cursor.last_seq = changes[-1].seq
    cursor.updated_at = now
    cursor.save(update_fields=["last_seq", "updated_at"])
    return len(changes)


@transaction.atomic
def deliveries_take_due(*, now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Pick pending deliveries that are due and not queued recently; mark them queued.

    Returns their ids for the caller to queue. A sweeper that runs twice at once skips the
    rows the other holds (PostgreSQL), and the delivery's own claim makes a double send
    impossible anyway.
    """
    now = now or timezone.now()
    due = (
        WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__is_active=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    if ids:
        WebhookDelivery.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


# Sending ----------------------------------------------------------------------------------


def delivery_claim(*, delivery_id: int, now: datetime.datetime) -> bool:
    """Take the delivery for one attempt, if it is due and nobody else holds it.

    One conditional UPDATE: of two workers running the same task, exactly one gets the row.
    """
    claimed = (
        WebhookDelivery.objects.filter(
            pk=delivery_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            subscription__is_active=True,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM_LEASE)
    )
    return claimed == 1


def delivery_attempt(*, delivery_id: int, now: datetime.datetime | None = None) -> WebhookAttempt | None:
    """Send a delivery once and log the attempt; None when it was not due or someone else has it.

    The destination is checked again here (DNS may have changed since the subscription was
    saved) and the request goes to the address just checked.
    """
    now = now or timezone.now()
    if not delivery_claim(delivery_id=delivery_id, now=now):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    try:
        destination = check_destination(subscription.url)
    except DestinationRefused as exc:
        response = transport.Response(None, "", f"Refused: {exc}"[:500], 0)
    else:
        body = delivery.body.encode()
        headers = signing.headers_for(
            secrets_=live_secrets(subscription, now),
            message_id=delivery.message_id,
            timestamp=int(now.timestamp()),
            body=body,
        )
        response = transport.post(destination, body=body, headers=headers)
    return _record_attempt(delivery_id=delivery_id, response=response, started_at=now)


def _outcome(response: transport.Response, number: int) -> str:
    code = response.status_code
    if code is not None and 200 <= code < 300:
        return AttemptOutcome.DELIVERED
    if code == 410:
        return AttemptOutcome.GONE
    return AttemptOutcome.RETRY if number < MAX_ATTEMPTS else AttemptOutcome.FAILED


def _error_text(response: transport.Response) -> str:
    if response.error:
        return response.error
    code = response.status_code
    if code is not None and 300 <= code < 400:
        return f"HTTP {code}: redirects are not followed; subscribe the final URL."
    if code is not None and not 200 <= code < 300:
        return f"HTTP {code}"
    return ""


@transaction.atomic
def _record_attempt(
    *, delivery_id: int, response: transport.Response, started_at: datetime.datetime
) -> WebhookAttempt:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    number = delivery.attempt_count + 1
    outcome = _outcome(response, number)
    error = _error_text(response)
    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=started_at,
        duration_ms=response.duration_ms,
        status_code=response.status_code,
        error=error[:500],
        response_excerpt=response.excerpt,
        outcome=outcome,
    )
    delivery.attempt_count = number
    delivery.claimed_until = None
    delivery.last_status_code = response.status_code
    delivery.last_error = error[:500]
    finished = started_at + datetime.timedelta(milliseconds=response.duration_ms)
    if outcome == AttemptOutcome.RETRY:
        delivery.next_attempt_at = started_at + RETRY_DELAYS[number - 1]
    else:
        delivery.status = (
            DeliveryStatus.DELIVERED if outcome == AttemptOutcome.DELIVERED else DeliveryStatus.FAILED
        )
        delivery.next_attempt_at = None
        delivery.finished_at = finished
    delivery.save()
    _after_outcome(delivery, outcome, now=finished)
    return attempt


def _after_outcome(delivery: WebhookDelivery, outcome: str, *, now: datetime.datetime) -> None:
    """What a final outcome means for the subscription: reset, count, or switch off."""
    subscriptions = WebhookSubscription.objects.filter(pk=delivery.subscription_id)
    if outcome == AttemptOutcome.DELIVERED:
        subscriptions.exclude(consecutive_failures=0).update(consecutive_failures=0)
    elif outcome == AttemptOutcome.GONE:
        _system_disable(delivery.subscription_id, "The endpoint answered 410 Gone.", now=now)
    elif outcome == AttemptOutcome.FAILED:
        subscriptions.update(consecutive_failures=F("consecutive_failures") + 1)
        limit = settings.FORGE_WEBHOOK_DISABLE_AFTER_FAILURES
        if subscriptions.filter(consecutive_failures__gte=limit, is_active=True).exists():
            reason = f"{limit} deliveries in a row failed after every retry."
            _system_disable(delivery.subscription_id, reason, now=now)


def _system_disable(subscription_id: int, reason: str, *, now: datetime.datetime) -> None:
    subscription = WebhookSubscription.objects.get(pk=subscription_id)
    subscription_disable(actor=_system(), subscription=subscription, reason=reason, now=now)


@transaction.atomic
def delivery_retry(*, actor: Actor, delivery: WebhookDelivery, now: datetime.datetime | None = None):
    """Send a failed or cancelled delivery once more (the secretariat's "retry now")."""
    if not permissions.can_manage(actor, delivery.subscription):
        raise NotFound("No such webhook delivery.")
    now = now or timezone.now()
    locked = WebhookDelivery.objects.select_for_update().select_related("subscription").get(pk=delivery.pk)
    if locked.status not in (DeliveryStatus.FAILED, DeliveryStatus.CANCELLED):
        raise ValidationError("Only a failed or cancelled delivery can be sent again.")
    if not locked.subscription.is_active:
        raise ValidationError("Switch the subscription back on first.")
    locked.status = DeliveryStatus.PENDING
    locked.next_attempt_at = now
    locked.finished_at = None
    locked.queued_at = None
    locked.save(update_fields=["status", "next_attempt_at", "finished_at", "queued_at"])
    audit_record(
        actor=actor, instance=locked, action="retry", changes={"status": [delivery.status, "pending"]}
    )
    return locked


def deliveries_prune(*, now: datetime.datetime | None = None) -> int:
    """Forget finished deliveries (and their attempts) older than FORGE_WEBHOOK_LOG_DAYS."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.FORGE_WEBHOOK_LOG_DAYS)
    deleted, _ = (
        WebhookDelivery.objects.exclude(status=DeliveryStatus.PENDING).filter(finished_at__lt=cutoff).delete()
    )
    return deleted
