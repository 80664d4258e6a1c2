"""From the change feed to deliveries, and from due deliveries to queued tasks."""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.module_loading import import_string

from core.actors import Actor
from core.choices import ChangeOp
from core.webhooks import feed, limits
from core.webhooks.choices import DeliveryStatus
from core.webhooks.models import WebhookCursor, WebhookDelivery, WebhookSubscription
from core.webhooks.services.subscriptions import event_type_matches

DISPATCH_BATCH = 500
DISPATCHER = "dispatcher"
# The row sweeps of due deliveries lock in turn (its last_seq is unused).
SWEEPER = "sweeper"


def token_actor(token) -> Actor:
    """The actor of a partner token; the resolver is a setting, core names no app."""
    return import_string(settings.FORGE_TOKEN_ACTOR_RESOLVER)(token)


def _subscribers(now: datetime.datetime) -> list[WebhookSubscription]:
    """Active subscriptions whose token still works."""
    return list(
        WebhookSubscription.objects.filter(is_active=True, token__revoked_at__isnull=True)
        .filter(Q(token__expires_at__isnull=True) | Q(token__expires_at__gt=now))
        .select_related("token")
        .order_by("id")
    )


def _locked_cursor(name: str = DISPATCHER) -> WebhookCursor:
    WebhookCursor.objects.get_or_create(name=name)
    return WebhookCursor.objects.select_for_update().get(name=name)


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


def _in_flight(now: datetime.datetime) -> Q:
    """Pending deliveries queued recently (their task may be waiting in the queue) or being sent."""
    queued = Q(queued_at__isnull=False, queued_at__gte=now - limits.requeue_after())
    return Q(status=DeliveryStatus.PENDING) & (queued | Q(claimed_until__gt=now))


def _in_flight_by_token(now: datetime.datetime) -> dict[int, int]:
    rows = (
        WebhookDelivery.objects.filter(_in_flight(now))
        .values("subscription__token_id")
        .annotate(count=Count("id"))
        .values_list("subscription__token_id", "count")
    )
    return dict(rows)


def _due(now: datetime.datetime):
    return (
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__is_active=True
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - limits.requeue_after()))
    )


@transaction.atomic
def deliveries_take_due(*, now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Pick pending deliveries that are due and not queued recently; mark them queued.

    Returns their ids, oldest due first, for the caller to queue. Each token gets at most
    FORGE_WEBHOOK_MAX_IN_FLIGHT_PER_TOKEN deliveries queued or being sent at once, so a slow
    receiver ties up few workers and never holds back other tokens' deliveries. Sweeps take
    turns on a locked row, so two at once cannot both fill the same free places; the
    delivery's own claim makes a double send impossible anyway.
    """
    now = now or timezone.now()
    _locked_cursor(SWEEPER)
    cap = limits.max_in_flight_per_token()
    busy = _in_flight_by_token(now)
    ranked = (
        _due(now)
        .annotate(
            token_rank=Window(
                RowNumber(),
                partition_by=[F("subscription__token_id")],
                order_by=[F("next_attempt_at").asc(), F("id").asc()],
            )
        )
        .filter(token_rank__lte=cap)
        .order_by("next_attempt_at", "id")
        .values_list("pk", "subscription__token_id", "token_rank")
    )
    ids = [pk for pk, token_id, rank in ranked if rank <= cap - busy.get(token_id, 0)][:limit]
    if ids:
        WebhookDelivery.objects.filter(pk__in=ids).update(queued_at=now)
    return ids
