"""Webhook deliveries through real Celery workers and beat, real Redis and a local receiver.

The workers run as in a deployment: one on the default queue (beat's dispatch and sweeps,
reminders), one on the "webhooks" queue (deliveries). They are subprocesses on the test
database, so these tests commit their rows (transaction=True) and watch the database and the
receiver from outside. Retry delays, sweeps and the requeue delay are made short by settings
(environment variables of the worker), so nothing waits on the production delays.
"""

from __future__ import annotations

import collections
import datetime
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.utils import timezone

from core.reminders.email import message_id_for
from core.reminders.models import Reminder
from core.reminders.services import Desired, Recipient, reminder_plan
from core.webhooks import feed, limits, services
from core.webhooks.choices import AttemptOutcome, DeliveryStatus
from core.webhooks.models import WebhookCursor, WebhookDelivery
from members import services as member_services
from members.choices import TokenScope
from members.permissions import actor_for_token
from members.reminders import HANDOVER
from members.services import partner_token_create
from tests.factories import ChairTermFactory
from tests.reminders.workers import Celery, RedisServer, SmtpSink, database_url, wait_until

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

INTERRUPTED = "Interrupted: the worker sending it stopped before the answer was logged; sent again."
# Short everything, except the attempt's deadline: a held request must outlive the kill.
WORKER_SETTINGS = {
    "FORGE_WEBHOOK_ALLOW_PRIVATE": "true",
    "FORGE_WEBHOOK_SWEEP_SECONDS": "0.5",
    "FORGE_WEBHOOK_RETRY_DELAYS": "0.5,0.5,0.5",
    "FORGE_WEBHOOK_REQUEUE_SECONDS": "2",
    "FORGE_WEBHOOK_DEADLINE_SECONDS": "10",
    "FORGE_SITE_URL": "https://forge.example",
}


class Receiver:
    """A partner's endpoint on 127.0.0.1: answers with `statuses` in turn (the last repeats),
    can hold the next request unanswered until the test releases it, or stall every request."""

    def __init__(self, statuses=(200,), *, stall: bool = False) -> None:
        self.statuses = list(statuses)
        self.stall = stall
        self.received: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.hold_next = False
        self.held = threading.Event()
        self.released = threading.Event()
        self.held_id = ""
        self.held_port = 0
        self.open_requests = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if not receiver.answer(self.headers["webhook-id"], self.client_address[1]):
                    return  # held, then dropped: its sender is dead
                self.send_response(receiver.next_status())
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def answer(self, message_id: str, port: int) -> bool:
        """Count the request; hold or stall it if asked. False: do not answer it."""
        with self.lock:
            self.received[message_id] += 1
            self.open_requests += 1
            hold, self.hold_next = self.hold_next, False
            if hold:
                self.held_id, self.held_port = message_id, port
        try:
            if hold:
                self.held.set()
                self.released.wait(120)
                return False
            if self.stall:
                self.released.wait(120)
            return True
        finally:
            with self.lock:
                self.open_requests -= 1

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    def hold(self) -> None:
        """Hold the next request to arrive."""
        self.held.clear()
        self.released.clear()
        self.hold_next = True

    def wait_held(self, *, step: str) -> None:
        assert self.held.wait(120), f"{step}: no delivery reached the receiver"

    def __enter__(self) -> Receiver:
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _celery(tmp_path, redis, smtp_port: int = 25, **extra) -> Celery:
    return Celery(
        workdir=tmp_path,
        database=database_url(connection.settings_dict),
        redis_url=redis.url,
        smtp_port=smtp_port,
        **{**WORKER_SETTINGS, **extra},
    )


def _start(celery: Celery, *, webhook_processes: int = 2):
    """Beat, a worker on the default queue and one on the webhooks queue, as deployed."""
    celery.start_beat()
    celery.start_worker(1, "WARNING", "-Q", "celery")
    return celery.start_worker(webhook_processes, "WARNING", "-Q", "webhooks")


def _subscribe(member, url: str):
    token, _ = partner_token_create(
        actor=_system(), name=f"Partner of {member.iso2}", scope=TokenScope.READ, member=member
    )
    subscription, _ = services.subscription_create(
        actor=actor_for_token(token), url=url, event_types=["delegates.*"]
    )
    return subscription


def _system():
    from core.actors import Actor
    from core.choices import Channel

    return Actor.system(Channel.TASK, label="tests")


def _changes(member, count: int, prefix: str) -> int:
    """Add delegates and number the changes, as the sync beat task would; the last change's seq."""
    for i in range(count):
        member_services.delegate_create(
            actor=_system(), member=member, full_name=f"{prefix} {i}", capacity="delegate"
        )
    feed.sequence_pending()
    return feed.changes_after(0, limit=100_000)[-1].seq


def _wait_finished(subscription, count: int, *, step: str, celery: Celery, timeout: float = 120) -> None:
    def finished() -> bool:
        deliveries = WebhookDelivery.objects.filter(subscription=subscription)
        return deliveries.count() == count and not deliveries.filter(status=DeliveryStatus.PENDING).exists()

    _wait_deliveries(finished, f"{step}: the deliveries did not finish", celery=celery, timeout=timeout)


def _wait_delivered(subscription, count: int, *, step: str, celery: Celery) -> None:
    def delivered() -> bool:
        deliveries = WebhookDelivery.objects.filter(
            subscription=subscription, status=DeliveryStatus.DELIVERED
        )
        return deliveries.count() == count

    _wait_deliveries(delivered, f"{step}: {count} deliveries were not delivered", celery=celery)


def _wait_deliveries(condition, failure: str, *, celery: Celery, timeout: float = 120) -> None:
    assert wait_until(condition, timeout=timeout, interval=0.2), (
        f"{failure}: {list(WebhookDelivery.objects.values_list('pk', 'status', 'attempt_count', 'last_error'))}\n"
        f"{celery.logs()}"
    )


def _attempts(delivery) -> list[tuple]:
    return list(delivery.attempts.order_by("number").values_list("number", "outcome", "status_code", "error"))


def test_receiver_failing_then_gone_switches_the_subscription_off_for_good(korea, tmp_path, redis):
    with Receiver(statuses=[500, 410]) as receiver, _celery(tmp_path, redis) as celery:
        _start(celery)
        subscription = _subscribe(korea, receiver.url)
        _changes(korea, 1, "Before")
        _wait_finished(subscription, 1, step="failing then 410", celery=celery)

        delivery = WebhookDelivery.objects.get(subscription=subscription)
        assert _attempts(delivery) == [
            (1, AttemptOutcome.RETRY, 500, "HTTP 500"),
            (2, AttemptOutcome.GONE, 410, "HTTP 410"),
        ]
        assert (delivery.status, dict(receiver.received)) == (DeliveryStatus.FAILED, {delivery.message_id: 2})
        subscription.refresh_from_db()
        assert (subscription.is_active, subscription.disabled_reason) == (
            False,
            "The endpoint answered 410 Gone.",
        )

        # Later changes reach no delivery: wait until the dispatcher has read past them.
        last = _changes(korea, 2, "After")
        assert wait_until(
            lambda: WebhookCursor.objects.filter(name="dispatcher", last_seq__gte=last).exists(), timeout=60
        ), f"after the 410: the dispatcher never read change {last}\n{celery.logs()}"
        assert WebhookDelivery.objects.filter(subscription=subscription).count() == 1
        assert sum(receiver.received.values()) == 2


def test_worker_killed_mid_delivery_sends_it_again_and_logs_the_interrupted_attempt(korea, tmp_path, redis):
    """A pool process killed while its request is in flight (its task message is redelivered
    at once), then a whole worker (the delivery waits for its lease, then the sweeper queues it
    again). Each killed delivery reaches the receiver twice with the same webhook-id, as the
    contract allows (receivers drop duplicates by it); every other delivery once; none lost."""
    with Receiver() as receiver, _celery(tmp_path, redis) as celery:
        webhooks_worker = _start(celery)
        subscription = _subscribe(korea, receiver.url)

        step = "pool process killed mid-delivery"
        receiver.hold()
        _changes(korea, 3, "Wave 1")
        receiver.wait_held(step=step)
        _, process = celery.on_port(receiver.held_port)
        celery.kill_pool_process(process)
        receiver.released.set()
        _wait_finished(subscription, 3, step=step, celery=celery)
        first_killed = receiver.held_id

        step = "whole webhooks worker killed mid-delivery"
        receiver.hold()
        _changes(korea, 3, "Wave 2")
        receiver.wait_held(step=step)
        # The other pool process goes on delivering the wave: kill only once it has finished,
        # so the held delivery is the one in flight (a kill between a 200 and its row being
        # marked would send that one twice too, which the contract allows but this count would not).
        _wait_delivered(subscription, 5, step=f"{step}: the wave's other deliveries", celery=celery)
        killed_at = timezone.now()
        celery.kill_worker(webhooks_worker)
        receiver.released.set()
        celery.start_worker(2, "WARNING", "-Q", "webhooks")
        _wait_finished(subscription, 6, step=step, celery=celery, timeout=180)
        second_killed = receiver.held_id

        deliveries = {d.message_id: d for d in WebhookDelivery.objects.filter(subscription=subscription)}
        assert all(d.status == DeliveryStatus.DELIVERED for d in deliveries.values())
        assert dict(receiver.received) == {
            message_id: 2 if message_id in (first_killed, second_killed) else 1 for message_id in deliveries
        }
        for message_id in (first_killed, second_killed):
            assert _attempts(deliveries[message_id]) == [
                (1, AttemptOutcome.RETRY, None, INTERRUPTED),
                (2, AttemptOutcome.DELIVERED, 200, ""),
            ]
        # The whole worker's message died with it: the delivery came back only after its lease.
        retried = deliveries[second_killed].attempts.get(number=2).started_at
        settings_lease = _lease_with(WORKER_SETTINGS)
        assert retried >= killed_at + settings_lease - datetime.timedelta(seconds=15)


def _lease_with(worker_settings: dict) -> datetime.timedelta:
    deadline = float(worker_settings["FORGE_WEBHOOK_DEADLINE_SECONDS"])
    return datetime.timedelta(seconds=deadline + limits.HARD_LIMIT_MARGIN + limits.LEASE_MARGIN)


def _plan_due_reminder(member) -> Reminder:
    term = ChairTermFactory(member=member)
    desired = Desired(
        subject=term,
        kind=HANDOVER,
        recipient=Recipient(email="chair@example.org", name="Chair"),
        occurrence=f"7d-before:{term.ends_on.isoformat()}",
        due_at=timezone.now() - datetime.timedelta(seconds=1),
        context={"member_name": member.name, "ends_on": term.ends_on.isoformat(), "days_before": 7},
    )
    reminder_plan(subjects=[term], kinds=[HANDOVER], desired=[desired])
    return Reminder.objects.get(recipient_email="chair@example.org")


def test_stalled_receiver_does_not_delay_a_due_reminder(korea, tmp_path, redis):
    """Every webhook worker process waits on a receiver that never answers (deadline 60 s);
    a reminder that falls due meanwhile is sent by the default queue's worker at once."""
    with (
        Receiver(stall=True) as receiver,
        SmtpSink() as sink,
        _celery(tmp_path, redis, sink.port, FORGE_WEBHOOK_DEADLINE_SECONDS="60") as celery,
    ):
        _start(celery)
        subscription = _subscribe(korea, receiver.url)
        _changes(korea, 4, "Stalled")
        assert wait_until(lambda: receiver.open_requests == 2, timeout=120), (
            f"the stall: both webhook processes never reached the receiver\n{celery.logs()}"
        )
        stalled_since = timezone.now()

        reminder = _plan_due_reminder(korea)
        assert wait_until(lambda: sink.unique == 1, timeout=40), (
            f"the reminder was not sent while the receiver stalled\n{celery.logs()}"
        )
        sent_after = timezone.now() - stalled_since

        # The stall was still on: both requests open, no attempt logged, nothing delivered.
        assert receiver.open_requests == 2
        assert (
            not WebhookDelivery.objects.filter(subscription=subscription).exclude(status="pending").exists()
        )
        assert sent_after < datetime.timedelta(seconds=40)
        assert dict(sink.received) == {message_id_for(reminder.pk): 1}
