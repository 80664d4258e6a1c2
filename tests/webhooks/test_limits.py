"""The bounds on deliveries: retry delays from the settings, subscriptions and deliveries in
flight per token, and the timeouts and overall deadline of one attempt."""

from __future__ import annotations

import datetime
import socket
import threading

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.webhooks import services, transport
from core.webhooks.choices import AttemptOutcome, DeliveryStatus
from core.webhooks.models import WebhookDelivery
from core.webhooks.urlguard import Destination
from members import services as member_services
from members.permissions import actor_for_token


def _subscribe(token, url):
    subscription, _ = services.subscription_create(
        actor=actor_for_token(token), url=url, event_types=["delegates.*"]
    )
    return subscription


def _deliveries(system_actor, member, sequenced, count: int, *, now) -> list[WebhookDelivery]:
    for i in range(count):
        member_services.delegate_create(
            actor=system_actor, member=member, full_name=f"D{i}", capacity="delegate"
        )
    sequenced()
    services.deliveries_dispatch(now=now)
    return list(WebhookDelivery.objects.filter(subscription__token__member=member).order_by("id"))


@pytest.mark.django_db
def test_retry_delays_come_from_settings_and_each_retry_is_queued_when_due(
    settings, korea, token_for, receiver, system_actor, sequenced
):
    settings.FORGE_WEBHOOK_RETRY_DELAYS = [1, 2]
    receiver.statuses = [500]
    _subscribe(token_for(member=korea)[0], receiver.url)
    t0 = timezone.now()
    [delivery] = _deliveries(system_actor, korea, sequenced, 1, now=t0)

    assert services.deliveries_take_due(now=t0) == [delivery.pk]
    assert services.delivery_attempt(delivery_id=delivery.pk, now=t0).outcome == AttemptOutcome.RETRY
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == t0 + datetime.timedelta(seconds=1)
    t1 = t0 + datetime.timedelta(seconds=1)
    # Queued again as soon as it is due, not requeue_after() after the first queueing.
    assert services.deliveries_take_due(now=t1) == [delivery.pk]
    assert services.delivery_attempt(delivery_id=delivery.pk, now=t1).outcome == AttemptOutcome.RETRY
    t2 = t1 + datetime.timedelta(seconds=2)
    assert services.deliveries_take_due(now=t2) == [delivery.pk]
    assert services.delivery_attempt(delivery_id=delivery.pk, now=t2).outcome == AttemptOutcome.FAILED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, len(receiver.requests)) == (DeliveryStatus.FAILED, 3, 3)


@pytest.mark.django_db
def test_subscriptions_per_token_are_capped(settings, korea, token_for, receiver):
    settings.FORGE_WEBHOOK_MAX_SUBSCRIPTIONS_PER_TOKEN = 2
    token, _ = token_for(member=korea)
    other, _ = token_for(member=korea)
    _subscribe(token, receiver.url)
    _subscribe(token, receiver.url + "/2")
    with pytest.raises(ValidationError) as refused:
        _subscribe(token, receiver.url + "/3")
    assert refused.value.message_dict == {
        "url": ["This token already has 2 webhook subscriptions, the most allowed; delete one first."]
    }
    assert token.webhook_subscriptions.count() == 2
    _subscribe(other, receiver.url)  # another token's places are its own


@pytest.mark.django_db
def test_deliveries_in_flight_are_capped_per_token(
    settings, korea, japan, token_for, receiver, system_actor, sequenced
):
    settings.FORGE_WEBHOOK_MAX_IN_FLIGHT_PER_TOKEN = 2
    t0 = timezone.now()
    korean_subscription = _subscribe(token_for(member=korea)[0], receiver.url)
    _deliveries(system_actor, korea, sequenced, 3, now=t0)
    japanese_subscription = _subscribe(token_for(member=japan)[0], receiver.url)
    _deliveries(system_actor, japan, sequenced, 1, now=t0)
    korean = list(korean_subscription.deliveries.order_by("id"))
    japanese = list(japanese_subscription.deliveries.order_by("id"))
    assert (len(korean) >= 3, len(japanese)) == (True, 1)

    taken = services.deliveries_take_due(now=t0)
    assert sorted(taken) == sorted([korean[0].pk, korean[1].pk, japanese[0].pk])
    assert services.deliveries_take_due(now=t0) == []  # Korea's token has 2 in flight already
    services.delivery_attempt(delivery_id=korean[0].pk, now=t0)  # delivered: a place is free
    assert services.deliveries_take_due(now=t0) == [korean[2].pk]


class SlowReceiver:
    """A TCP server on 127.0.0.1 that reads the request and then answers a byte at a time
    (`trickle`), or not at all."""

    def __init__(self, *, trickle: float | None) -> None:
        self.trickle = trickle
        self.stop = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            connection.recv(65536)
            answer = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 10_000
            for byte in answer:
                if self.trickle is None or self.stop.wait(self.trickle):
                    break
                connection.sendall(bytes([byte]))
            self.stop.wait(30)

    def __enter__(self) -> SlowReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.server.close()
        self.thread.join(timeout=5)

    def destination(self) -> Destination:
        return Destination(
            scheme="http", host="127.0.0.1", port=self.port, path="/", addresses=("127.0.0.1",)
        )


def test_attempt_is_cut_off_at_its_deadline_however_the_receiver_trickles():
    timeouts = transport.Timeouts(connect=1.0, read=1.0, deadline=1.5)
    with SlowReceiver(trickle=0.05) as slow:
        response = transport.post(slow.destination(), body=b"{}", headers={}, timeouts=timeouts)
    assert (response.status_code, response.error) == (
        None,
        "Stopped at the 1.5s deadline for the whole attempt.",
    )
    assert 1500 <= response.duration_ms < 4000


def test_attempt_times_out_when_the_receiver_never_answers():
    timeouts = transport.Timeouts(connect=1.0, read=0.5, deadline=20.0)
    with SlowReceiver(trickle=None) as slow:
        response = transport.post(slow.destination(), body=b"{}", headers={}, timeouts=timeouts)
    assert (response.status_code, response.error) == (
        None,
        "Timed out: no answer within 0.5s (connecting: 1s).",
    )
    assert 500 <= response.duration_ms < 4000
