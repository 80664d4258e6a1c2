"""From the change feed to a local receiver on 127.0.0.1: dispatch, signing, retries, disabling."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from core.webhooks import limits, services
from core.webhooks.choices import AttemptOutcome, DeliveryStatus
from core.webhooks.models import WebhookAttempt, WebhookCursor, WebhookDelivery, WebhookSubscription
from members import services as member_services


@pytest.fixture
def korea_token(korea, token_for):
    return token_for(member=korea)[0]


def _subscribe(token, url, event_types=("delegates.*",)):
    from members.permissions import actor_for_token

    subscription, secret = services.subscription_create(
        actor=actor_for_token(token), url=url, event_types=list(event_types)
    )
    return subscription, secret


def _add_delegate(system_actor, member, name="Kim Min-jun"):
    return member_services.delegate_create(
        actor=system_actor, member=member, full_name=name, capacity="delegate"
    )


def _dispatch(sequenced, now=None):
    sequenced()
    services.deliveries_dispatch(now=now)
    return list(WebhookDelivery.objects.order_by("id"))


@pytest.mark.django_db
def test_delivery_arrives_once_signed_with_thin_payload(
    korea, korea_token, receiver, system_actor, sequenced
):
    subscription, secret = _subscribe(korea_token, receiver.url)
    delegate = _add_delegate(system_actor, korea)
    [delivery] = _dispatch(sequenced)

    attempt = services.delivery_attempt(delivery_id=delivery.pk)
    again = services.delivery_attempt(delivery_id=delivery.pk)  # a duplicate task message

    assert again is None
    assert len(receiver.requests) == 1
    received = receiver.requests[0]
    assert received.path == "/hooks/forge"
    assert received.headers["webhook-id"] == delivery.message_id
    assert received.headers["content-type"] == "application/json"
    assert Webhook(secret).verify(received.body, received.headers) == {
        "type": "delegates.upsert",
        "timestamp": delivery.body and json.loads(delivery.body)["timestamp"],
        "data": {
            "resource": "delegates",
            "id": delegate.pk,
            "seq": delivery.change_seq,
            "url": f"https://forge.example/api/v1/delegates/{delegate.pk}/",
        },
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == ("delivered", 1, 200)
    assert (attempt.number, attempt.status_code, attempt.outcome, attempt.response_excerpt) == (
        1,
        200,
        AttemptOutcome.DELIVERED,
        '{"ok":true}',
    )
    assert subscription.pk == delivery.subscription_id


@pytest.mark.django_db
def test_dispatch_twice_makes_each_delivery_once(korea, korea_token, receiver, system_actor, sequenced):
    _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea, "A")
    _add_delegate(system_actor, korea, "B")
    first = _dispatch(sequenced)
    second = _dispatch(sequenced)
    assert len(first) == 2
    assert [d.pk for d in second] == [d.pk for d in first]
    assert WebhookCursor.objects.get().last_seq == max(d.change_seq for d in first)


@pytest.mark.django_db
def test_dispatch_only_objects_the_token_may_see(
    korea, korea_token, token_for, receiver, system_actor, sequenced
):
    forum_wide, _ = token_for(member=None)  # forum-wide tokens see no delegations' people
    _subscribe(korea_token, receiver.url, ["*"])
    blind, _ = _subscribe(forum_wide, receiver.url, ["*"])
    delegate = _add_delegate(system_actor, korea)
    _dispatch(sequenced)
    member_services.delegate_delete(actor=system_actor, delegate=delegate)
    deliveries = _dispatch(sequenced)
    assert [(d.subscription.token_id, d.event_type) for d in deliveries] == [
        (korea_token.pk, "delegates.upsert"),
        (korea_token.pk, "delegates.delete"),
    ]
    assert not WebhookDelivery.objects.filter(subscription=blind).exists()


@pytest.mark.django_db
def test_dispatch_respects_event_types(korea, korea_token, receiver, system_actor, sequenced):
    _subscribe(korea_token, receiver.url, ["delegates.delete"])
    delegate = _add_delegate(system_actor, korea)
    member_services.delegate_delete(actor=system_actor, delegate=delegate)
    [delivery] = _dispatch(sequenced)
    assert json.loads(delivery.body)["data"] == {
        "resource": "delegates",
        "id": delegate.pk,
        "seq": delivery.change_seq,
        "url": f"https://forge.example/api/v1/delegates/{delegate.pk}/",
        "reason": "deleted",
    }


@pytest.mark.django_db
def test_dispatch_member_url_uses_iso_code(korea, korea_token, receiver, system_actor, sequenced):
    _subscribe(korea_token, receiver.url, ["members.upsert"])
    member_services.member_update(actor=system_actor, member=korea, name="Korea (Republic of)")
    deliveries = _dispatch(sequenced)
    assert [json.loads(d.body)["data"]["url"] for d in deliveries] == [
        "https://forge.example/api/v1/members/KR/"
    ]


@pytest.mark.django_db
def test_dispatch_skips_revoked_token(korea, korea_token, receiver, system_actor, sequenced):
    _subscribe(korea_token, receiver.url)
    member_services.partner_token_revoke(actor=system_actor, token=korea_token)
    _add_delegate(system_actor, korea)
    assert _dispatch(sequenced) == []
    assert WebhookCursor.objects.get().last_seq > 0  # the change is read past, not left behind


@pytest.mark.django_db
def test_delivery_500_retries_on_the_backoff_schedule(korea, korea_token, receiver, system_actor, sequenced):
    receiver.statuses = [500]
    receiver.reply = b"upstream exploded"
    _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea)
    t0 = timezone.now()
    [delivery] = _dispatch(sequenced, now=t0)

    now = t0
    expected_gaps = [5, 300, 1800, 7200, 18000, 36000, 36000, 36000, 50400, 72000]
    for gap in expected_gaps:
        attempt = services.delivery_attempt(delivery_id=delivery.pk, now=now)
        assert attempt.outcome == AttemptOutcome.RETRY
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == now + datetime.timedelta(seconds=gap)
        # Not due a second early: nothing is sent.
        assert (
            services.delivery_attempt(
                delivery_id=delivery.pk, now=delivery.next_attempt_at - datetime.timedelta(seconds=1)
            )
            is None
        )
        now = delivery.next_attempt_at
    last = services.delivery_attempt(delivery_id=delivery.pk, now=now)

    delivery.refresh_from_db()
    assert last.outcome == AttemptOutcome.FAILED
    assert (delivery.status, delivery.attempt_count, delivery.next_attempt_at) == ("failed", 11, None)
    assert len(receiver.requests) == 11
    assert now - t0 == datetime.timedelta(hours=71, minutes=35, seconds=5)
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery))
    assert [a.status_code for a in attempts] == [500] * 11
    assert {a.error for a in attempts} == {"HTTP 500"}
    assert attempts[0].response_excerpt == "upstream exploded"
    assert WebhookSubscription.objects.get().consecutive_failures == 1
    # Each retry carries the same webhook-id (receivers dedupe on it) and a fresh signature.
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.message_id}


@pytest.mark.django_db
def test_delivery_recovers_after_retry(korea, korea_token, receiver, system_actor, sequenced):
    receiver.statuses = [503, 204]
    _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea)
    t0 = timezone.now()
    [delivery] = _dispatch(sequenced, now=t0)
    services.delivery_attempt(delivery_id=delivery.pk, now=t0)
    services.delivery_attempt(delivery_id=delivery.pk, now=t0 + datetime.timedelta(seconds=5))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == ("delivered", 2, 204)


@pytest.mark.django_db
def test_delivery_410_disables_subscription(korea, korea_token, receiver, system_actor, sequenced):
    receiver.statuses = [410]
    subscription, _ = _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea, "A")
    _add_delegate(system_actor, korea, "B")
    first, second = _dispatch(sequenced)

    attempt = services.delivery_attempt(delivery_id=first.pk)

    subscription.refresh_from_db()
    assert attempt.outcome == AttemptOutcome.GONE
    assert (subscription.is_active, subscription.disabled_reason) == (
        False,
        "The endpoint answered 410 Gone.",
    )
    assert subscription.disabled_at is not None
    second.refresh_from_db()
    assert second.status == DeliveryStatus.CANCELLED
    assert services.delivery_attempt(delivery_id=second.pk) is None
    assert len(receiver.requests) == 1
    # Switched off subscriptions get no new deliveries.
    _add_delegate(system_actor, korea, "C")
    assert len(_dispatch(sequenced)) == 2


@pytest.mark.django_db
def test_consecutive_failed_deliveries_disable(
    settings, korea, korea_token, receiver, system_actor, sequenced
):
    settings.FORGE_WEBHOOK_DISABLE_AFTER_FAILURES = 2
    receiver.statuses = [500]
    subscription, _ = _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea, "A")
    _add_delegate(system_actor, korea, "B")
    deliveries = _dispatch(sequenced)
    for delivery in deliveries:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(attempt_count=limits.max_attempts() - 1)
        assert services.delivery_attempt(delivery_id=delivery.pk).outcome == AttemptOutcome.FAILED
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (False, 2)
    assert subscription.disabled_reason == "2 deliveries in a row failed after every retry."


@pytest.mark.django_db
def test_delivery_destination_checked_again_before_sending(
    settings, korea, korea_token, receiver, system_actor, sequenced
):
    _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea)
    [delivery] = _dispatch(sequenced)
    settings.FORGE_WEBHOOK_ALLOW_PRIVATE = False

    attempt = services.delivery_attempt(delivery_id=delivery.pk)

    assert receiver.requests == []
    assert attempt.outcome == AttemptOutcome.RETRY
    assert attempt.status_code is None
    assert attempt.error == (
        "Refused: The host '127.0.0.1' resolves to 127.0.0.1 is a loopback address; "
        "webhooks go to public addresses only."
    )


@pytest.mark.django_db
def test_delivery_redirect_not_followed(korea, korea_token, receiver, system_actor, sequenced):
    receiver.statuses = [302]
    _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea)
    [delivery] = _dispatch(sequenced)
    attempt = services.delivery_attempt(delivery_id=delivery.pk)
    assert len(receiver.requests) == 1
    assert (attempt.status_code, attempt.outcome) == (302, AttemptOutcome.RETRY)
    assert attempt.error == "HTTP 302: redirects are not followed; subscribe the final URL."


@pytest.mark.django_db
def test_delivery_connection_refused_is_logged(korea, korea_token, receiver, system_actor, sequenced):
    _subscribe(korea_token, "http://127.0.0.1:9/closed")
    _add_delegate(system_actor, korea)
    [delivery] = _dispatch(sequenced)
    attempt = services.delivery_attempt(delivery_id=delivery.pk)
    assert attempt.outcome == AttemptOutcome.RETRY
    assert attempt.error.startswith("ConnectionRefusedError")


@pytest.mark.django_db
def test_rotated_secret_signs_with_both_during_grace(korea, korea_token, receiver, system_actor, sequenced):
    from members.permissions import actor_for_token

    subscription, old_secret = _subscribe(korea_token, receiver.url)
    subscription, new_secret = services.subscription_rotate_secret(
        actor=actor_for_token(korea_token), subscription=subscription
    )
    _add_delegate(system_actor, korea)
    [delivery] = _dispatch(sequenced)
    services.delivery_attempt(delivery_id=delivery.pk)
    received = receiver.requests[0]
    Webhook(old_secret).verify(received.body, received.headers)
    Webhook(new_secret).verify(received.body, received.headers)
    after_grace = subscription.previous_secret_expires_at + datetime.timedelta(seconds=1)
    assert services.live_secrets(subscription, after_grace) == [new_secret]


@pytest.mark.django_db
def test_take_due_queues_each_delivery_once_until_requeue(
    korea, korea_token, receiver, system_actor, sequenced
):
    _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea)
    t0 = timezone.now()
    [delivery] = _dispatch(sequenced, now=t0)
    assert services.deliveries_take_due(now=t0) == [delivery.pk]
    assert services.deliveries_take_due(now=t0 + datetime.timedelta(seconds=5)) == []
    # The queued message was lost: after requeue_after() it is queued again.
    assert services.deliveries_take_due(now=t0 + limits.requeue_after() + datetime.timedelta(seconds=1)) == [
        delivery.pk
    ]


@pytest.mark.django_db
def test_claim_is_exclusive_until_the_lease_ends(korea, korea_token, receiver, system_actor, sequenced):
    _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea)
    t0 = timezone.now()
    [delivery] = _dispatch(sequenced, now=t0)
    assert services.delivery_claim(delivery_id=delivery.pk, now=t0) is True
    assert services.delivery_claim(delivery_id=delivery.pk, now=t0) is False
    assert (
        services.delivery_claim(
            delivery_id=delivery.pk, now=t0 + limits.claim_lease() + datetime.timedelta(seconds=1)
        )
        is True
    )


@pytest.mark.django_db
def test_redelivered_task_message_takes_its_own_claim_back_and_logs_the_interrupted_attempt(
    korea, korea_token, receiver, system_actor, sequenced
):
    _subscribe(korea_token, receiver.url)
    _add_delegate(system_actor, korea)
    t0 = timezone.now()
    [delivery] = _dispatch(sequenced, now=t0)
    assert services.delivery_claim(delivery_id=delivery.pk, now=t0, claim_token="task-1") is True
    # Its pool process died; another message for the same delivery must wait for the lease...
    assert services.delivery_attempt(delivery_id=delivery.pk, now=t0, claim_token="task-2") is None
    # ...while the same message, redelivered, goes on at once.
    attempt = services.delivery_attempt(delivery_id=delivery.pk, now=t0, claim_token="task-1")

    assert attempt.number == 2
    assert list(delivery.attempts.values_list("number", "outcome", "error")) == [
        (
            1,
            AttemptOutcome.RETRY,
            "Interrupted: the worker sending it stopped before the answer was logged; sent again.",
        ),
        (2, AttemptOutcome.DELIVERED, ""),
    ]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.claimed_by) == (DeliveryStatus.DELIVERED, 2, "")
    assert len(receiver.requests) == 1
