"""Sending a delivery: claim it, POST it once, log the attempt, and decide what comes next
(done, retry later, or the subscription switched off). Deliveries and attempts are the log
themselves and are not audited; the secretariat's "send again" is."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import Actor
from core.choices import Channel
from core.errors import NotFound
from core.tracking import audit_record
from core.webhooks import limits, permissions, signing, transport
from core.webhooks.choices import AttemptOutcome, DeliveryStatus
from core.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from core.webhooks.services.subscriptions import live_secrets, subscription_disable
from core.webhooks.urlguard import DestinationRefused, check_destination


def _system() -> Actor:
    return Actor.system(Channel.TASK, label="webhooks")


@transaction.atomic
def delivery_claim(*, delivery_id: int, now: datetime.datetime, claim_token: str = "") -> bool:
    """Take the delivery for one attempt, if it is due and nobody else holds it.

    The row is locked while it is checked: of two workers running the same task, exactly one
    gets it. `claim_token` is the id of the task message: the same message delivered again
    after its worker process died (the task rejects on worker lost) takes its own claim back at
    once; anyone else waits for the lease to end. A claim taken over was never finished, so
    the interrupted attempt is logged first: the log shows every time the receiver may have
    been reached.
    """
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .filter(
            pk=delivery_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            subscription__is_active=True,
        )
        .first()
    )
    if delivery is None:
        return False
    held = delivery.claimed_until is not None and delivery.claimed_until >= now
    if held and not (claim_token and delivery.claimed_by == claim_token):
        return False
    if delivery.claimed_until is not None:
        _log_interrupted(delivery)
    delivery.claimed_until = now + limits.claim_lease()
    delivery.claimed_by = claim_token
    delivery.save(update_fields=["claimed_until", "claimed_by", "attempt_count", "last_error"])
    return True


def _log_interrupted(delivery: WebhookDelivery) -> None:
    number = delivery.attempt_count + 1
    error = "Interrupted: the worker sending it stopped before the answer was logged; sent again."
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=delivery.claimed_until - limits.claim_lease(),
        error=error,
        outcome=AttemptOutcome.RETRY,
    )
    delivery.attempt_count = number
    delivery.last_error = error


def delivery_attempt(
    *, delivery_id: int, now: datetime.datetime | None = None, claim_token: str = ""
) -> WebhookAttempt | None:
    """Send a delivery once and log the attempt; None when it was not due or someone else has it.

    The destination is checked again here (DNS may have changed since the subscription was
    saved) and the request goes to the address just checked.
    """
    now = now or timezone.now()
    if not delivery_claim(delivery_id=delivery_id, now=now, claim_token=claim_token):
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
    return AttemptOutcome.RETRY if number < limits.max_attempts() else AttemptOutcome.FAILED


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
    delivery.claimed_by = ""
    delivery.queued_at = None  # the next attempt is queued when due, not when requeue_after() has passed
    delivery.last_status_code = response.status_code
    delivery.last_error = error[:500]
    finished = started_at + datetime.timedelta(milliseconds=response.duration_ms)
    if outcome == AttemptOutcome.RETRY:
        delivery.next_attempt_at = started_at + limits.retry_delays()[number - 1]
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
        raise NotFound(gettext("No such webhook delivery."))
    now = now or timezone.now()
    locked = WebhookDelivery.objects.select_for_update().select_related("subscription").get(pk=delivery.pk)
    if locked.status not in (DeliveryStatus.FAILED, DeliveryStatus.CANCELLED):
        raise ValidationError(gettext("Only a failed or cancelled delivery can be sent again."))
    if not locked.subscription.is_active:
        raise ValidationError(gettext("Switch the subscription back on first."))
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
