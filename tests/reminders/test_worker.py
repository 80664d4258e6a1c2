"""Delivery with a real Celery worker and beat, real Redis and a local SMTP server.

The worker runs as a subprocess on the test database, so these tests commit their rows
(transaction=True) and watch the database and the SMTP sink from outside.
"""

import datetime
import shutil

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from core.reminders import services
from core.reminders.email import message_id_for
from core.reminders.models import DispatcherRun, Reminder, SentMail
from core.reminders.services import Desired, Recipient, reminder_plan
from members.reminders import HANDOVER
from tests.factories import ChairTermFactory, MemberFactory
from tests.reminders.workers import (
    Celery,
    Hold,
    RedisServer,
    RowLock,
    SmtpSink,
    database_url,
    row_is_free,
    wait_until,
)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def _desired(term, count: int, *, prefix: str, due_at) -> list[Desired]:
    return [
        Desired(
            subject=term,
            kind=HANDOVER,
            recipient=Recipient(email=f"{prefix}{i}@example.org", name=f"Recipient {i}"),
            occurrence=f"7d-before:{term.ends_on.isoformat()}",
            due_at=due_at,
            context={
                "member_name": term.member.name,
                "ends_on": term.ends_on.isoformat(),
                "days_before": 7,
            },
        )
        for i in range(count)
    ]


def _plan_due(count: int, *, prefix: str = "r") -> list[int]:
    term = ChairTermFactory(member=MemberFactory(iso2="KR", name="Republic of Korea"))
    desired = _desired(term, count, prefix=prefix, due_at=timezone.now() - datetime.timedelta(seconds=1))
    reminder_plan(subjects=[term], kinds=[HANDOVER], desired=desired)
    return list(Reminder.objects.filter(recipient_email__startswith=prefix).values_list("pk", flat=True))


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _celery(tmp_path, redis, sink, **timings):
    return Celery(
        workdir=tmp_path,
        database=database_url(connection.settings_dict),
        redis_url=redis.url,
        smtp_port=sink.port,
        **timings,
    )


def _sent_count() -> int:
    return Reminder.objects.filter(status="sent").count()


class Waves:
    """Batches of due reminders, one per fault, each about a chair term of its own.

    A wave is planned not yet due, so the sink can be told which message to hold before any
    worker can send it; then it is rescheduled to be due, and beat's dispatcher queues it.
    """

    SIZE = 6

    def __init__(self, sink: SmtpSink, celery: Celery) -> None:
        self.sink, self.celery = sink, celery
        self.member = MemberFactory(iso2="KR", name="Republic of Korea")
        self.ids: list[int] = []
        self.waves = 0

    def start(self, *, hold_index: int = 2) -> tuple[list[int], Hold]:
        """Plan the next wave, hold one of its messages at the sink, make the wave due."""
        self.waves += 1
        first = datetime.date(2027, 1, 1) + datetime.timedelta(days=10 * self.waves)
        term = ChairTermFactory(
            member=self.member, starts_on=first, ends_on=first + datetime.timedelta(days=9)
        )
        prefix = f"w{self.waves}-"
        later = timezone.now() + datetime.timedelta(days=1)
        reminder_plan(
            subjects=[term], kinds=[HANDOVER], desired=_desired(term, self.SIZE, prefix=prefix, due_at=later)
        )
        ids = list(
            Reminder.objects.filter(recipient_email__startswith=prefix)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        hold = self.sink.hold(message_id_for(ids[hold_index]))
        due = timezone.now() - datetime.timedelta(seconds=1)
        result = reminder_plan(
            subjects=[term], kinds=[HANDOVER], desired=_desired(term, self.SIZE, prefix=prefix, due_at=due)
        )
        assert result.rescheduled == self.SIZE
        self.ids += ids
        return ids, hold

    def wait_others_sent(self, ids: list[int], held: int, *, step: str) -> None:
        """Wait until the wave's other messages are sent, so a kill of the whole worker lands
        while its only send in flight is the held one."""
        self.wait_sent([pk for pk in ids if pk != held], step=f"{step}, before the kill")

    def wait_sent(self, ids: list[int], *, step: str) -> None:
        def all_sent() -> bool:
            return Reminder.objects.filter(pk__in=ids, status="sent").count() == len(ids)

        assert wait_until(all_sent, timeout=120, interval=0.2), (
            f"{step}: not every reminder of the wave was sent: "
            f"{dict(Reminder.objects.filter(pk__in=ids).values_list('pk', 'status'))}\n{self.celery.logs()}"
        )


def _wait_row_free(pk: int, *, step: str) -> None:
    url, table = database_url(connection.settings_dict), Reminder._meta.db_table
    assert wait_until(lambda: row_is_free(url, table, pk), timeout=60), (
        f"{step}: the killed worker's database session still holds reminder {pk}"
    )


def _lock_row(pk: int) -> RowLock:
    return RowLock(database_url(connection.settings_dict), Reminder._meta.db_table, pk)


def _reconcile_as_of(fault_at: datetime.datetime) -> int:
    """Run the reconciler as if the lease had run out since `fault_at`: everything queued or
    claimed before the fault counts as stuck, nothing queued or claimed after it does."""
    lease = datetime.timedelta(seconds=settings.FORGE_REMINDER_LEASE_SECONDS)
    return services.reminder_reconcile(now=fault_at + lease)


def test_kills_and_redis_restart_lose_and_duplicate_nothing(tmp_path, redis):
    """Five waves, one fault each, placed by the sink: a pool process killed before and after
    the server's 250, Redis restarted, a whole worker killed before and after the 250. Two
    workers run, as in a deployment, so one is warm while the other is killed and replaced."""
    with (
        SmtpSink() as sink,
        _celery(tmp_path, redis, sink, FORGE_REMINDER_RECONCILE_SECONDS="3600") as celery,
    ):
        celery.start_beat()
        celery.start_worker()
        celery.start_worker()
        waves = Waves(sink, celery)
        duplicated = []

        step = "wave 1 (pool process killed before the 250)"
        ids, hold = waves.start()
        hold.wait_reached(timeout=120, step=step)
        _, process = celery.on_port(hold.peer_port)
        celery.kill_pool_process(process)
        hold.release(accept=False)
        waves.wait_sent(ids, step=step)

        step = "wave 2 (pool process killed after the 250)"
        ids, hold = waves.start()
        hold.wait_reached(timeout=120, step=step)
        _, process = celery.on_port(hold.peer_port)
        lock = _lock_row(ids[2])
        hold.release(accept=True)
        lock.wait_for_waiter(timeout=60, step=f"{step}: marking it sent")
        celery.kill_pool_process(process)
        lock.release()
        duplicated.append(ids[2])
        waves.wait_sent(ids, step=step)
        # Both came back through the redelivered task message alone: no reconciler has run.
        assert not DispatcherRun.objects.filter(kind="reconcile").exists()
        assert dict(Reminder.objects.filter(pk__in=[waves.ids[2], ids[2]]).values_list("pk", "attempts")) == {
            waves.ids[2]: 2,
            ids[2]: 2,
        }

        step = "wave 3 (Redis restarted)"
        ids, hold = waves.start()
        hold.wait_reached(timeout=120, step=step)
        restarted_at = timezone.now()
        redis.restart()
        hold.release(accept=True)
        # The batch in flight needs no broker to finish: the whole wave is sent before anything
        # else happens. Its task message may be restored to the new Redis meanwhile and run
        # again beside it: that run finds nothing left to send (see services.sending._sole_run).
        waves.wait_sent(ids, step=f"{step}, the batch in flight")
        # A worker whose task ends while the broker is away may die of kombu's
        # "'NoneType' object has no attribute 'hostname'"; deployments restart it (compose's
        # restart policy). Do the same for both, while no send is in flight.
        celery.replace_workers()
        assert _reconcile_as_of(restarted_at) == 0
        assert wait_until(
            lambda: DispatcherRun.objects.filter(kind="dispatch", started_at__gt=restarted_at).exists(),
            timeout=120,
        ), f"{step}: no dispatcher run after the restart\n{celery.logs()}"
        waves.wait_sent(ids, step=step)

        step = "wave 4 (whole worker killed before the 250)"
        ids, hold = waves.start(hold_index=-1)
        hold.wait_reached(timeout=120, step=step)
        waves.wait_others_sent(ids, ids[-1], step=step)
        worker, _ = celery.on_port(hold.peer_port)
        killed_at = timezone.now()
        celery.kill_worker(worker)
        hold.release(accept=False)
        celery.start_worker()
        _wait_row_free(ids[-1], step=step)
        assert _reconcile_as_of(killed_at) == 1
        waves.wait_sent(ids, step=step)

        step = "wave 5 (whole worker killed after the 250)"
        ids, hold = waves.start(hold_index=-1)
        hold.wait_reached(timeout=120, step=step)
        waves.wait_others_sent(ids, ids[-1], step=step)
        worker, _ = celery.on_port(hold.peer_port)
        lock = _lock_row(ids[-1])
        hold.release(accept=True)
        lock.wait_for_waiter(timeout=60, step=f"{step}: marking it sent")
        killed_at = timezone.now()
        celery.kill_worker(worker)
        lock.release()
        duplicated.append(ids[-1])
        _wait_row_free(ids[-1], step=step)
        assert _reconcile_as_of(killed_at) == 1
        waves.wait_sent(ids, step=step)

        assert celery.kills == 4
        total = len(waves.ids)
        assert dict(Reminder.objects.values_list("status").annotate(n=Count("pk")).order_by()) == {
            "sent": total
        }
        assert sorted(SentMail.objects.values_list("reminder_id", flat=True)) == sorted(waves.ids)
        # Exactly one SMTP duplicate per kill after a 250, with the first copy's Message-ID.
        assert dict(sink.received) == {message_id_for(pk): 1 + (pk in duplicated) for pk in waves.ids}


def test_rolled_back_transaction_queues_nothing(tmp_path, redis):
    with SmtpSink() as sink, _celery(tmp_path, redis, sink) as celery:
        celery.start_beat()
        celery.start_worker()
        with pytest.raises(RuntimeError), transaction.atomic():
            _plan_due(5, prefix="rolled")
            services.reminder_dispatch()
            raise RuntimeError("the change that made them due failed")
        rolled_back_at = timezone.now()
        # A dispatcher run after the rollback finds nothing; then a committed reminder proves
        # the pipeline works.
        assert wait_until(
            lambda: DispatcherRun.objects.filter(kind="dispatch", started_at__gt=rolled_back_at).exists(),
            timeout=60,
        ), celery.logs()
        (committed,) = _plan_due(1, prefix="committed")
        assert wait_until(lambda: _sent_count() == 1, timeout=30), celery.logs()
        assert Reminder.objects.count() == 1
        assert set(sink.received) == {f"<reminder.{committed}@forge.invalid>"}


def test_smtp_failing_three_times_delivers_on_the_fourth_try(tmp_path, redis):
    (reminder_id,) = _plan_due(1)
    with SmtpSink(fail_first=3) as sink, _celery(tmp_path, redis, sink) as celery:
        celery.start_beat()
        celery.start_worker()
        assert wait_until(lambda: _sent_count() == 1, timeout=40), celery.logs()
        reminder = Reminder.objects.get(pk=reminder_id)
        assert (reminder.status, reminder.attempts) == ("sent", 4)
        assert sink.attempts == 4
        assert dict(sink.received) == {f"<reminder.{reminder_id}@forge.invalid>": 1}
        assert SentMail.objects.filter(reminder_id=reminder_id).count() == 1


def test_send_stalled_past_its_soft_time_limit_is_retried_not_failed(tmp_path, redis):
    with (
        SmtpSink() as sink,
        _celery(tmp_path, redis, sink, FORGE_REMINDER_SEND_SOFT_TIME_LIMIT="2") as celery,
    ):
        celery.start_beat()
        celery.start_worker()
        waves = Waves(sink, celery)
        ids, stall = waves.start(hold_index=0)
        stall.wait_reached(timeout=120, step="the stalled send")

        def soft_limit_hit() -> bool:
            return Reminder.objects.get(pk=ids[0]).last_error.startswith("SoftTimeLimitExceeded")

        # The row is back in the queue only for a moment (the retry goes out at once, the sink
        # stalls only once), so the test waits on the lasting trace: the error it recorded.
        assert wait_until(soft_limit_hit, timeout=60), (
            f"the stalled send never hit its soft time limit: {Reminder.objects.get(pk=ids[0]).__dict__}"
        )
        assert Reminder.objects.get(pk=ids[0]).status != "failed"
        stall.release(accept=False)
        waves.wait_sent(ids, step="after the stall")
        row = Reminder.objects.get(pk=ids[0])
        assert (row.status, row.attempts, row.last_error) == (
            "sent",
            2,
            "SoftTimeLimitExceeded: SoftTimeLimitExceeded()",
        )
        assert dict(sink.received) == {message_id_for(pk): 1 for pk in ids}
