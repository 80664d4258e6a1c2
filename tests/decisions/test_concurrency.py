"""Races on two or more PostgreSQL connections: closing vs objection, concurrent adoptions."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from decisions import services
from decisions.choices import DecisionStatus, PositionKind, ProcedureStatus
from decisions.models import Decision, Position, WrittenProcedure
from tests.decisions.conftest import DEADLINE_UTC, OPENED_AT
from tests.factories import MeetingFactory

BEFORE = DEADLINE_UTC - datetime.timedelta(seconds=1)
AFTER = DEADLINE_UTC + datetime.timedelta(seconds=1)
WAIT = 20  # seconds: a bound on every wait, never a pause


def _wait_for_lock_waiter(step: str) -> None:
    """Wait until some other connection is blocked on a row lock (an observable state)."""
    deadline = time.monotonic() + WAIT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] > 0:
                return
    raise AssertionError(f"{step}: no connection ever waited for the procedure's row lock")


def _in_thread(target, results: dict, key: str) -> threading.Thread:
    def run():
        try:
            results[key] = target()
        except ValidationError as exc:
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _join(*threads):
    for thread in threads:
        thread.join(WAIT)
        assert not thread.is_alive(), "a racing step never finished"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_objection_holding_lock_is_seen_by_closing(procedure, korea, korea_actor, draft):
    objection_in = threading.Event()
    release = threading.Event()
    results: dict = {}

    def object_and_hold():
        with transaction.atomic():
            position = services.position_answer(
                actor=korea_actor,
                procedure=procedure,
                member=korea,
                kind=PositionKind.OBJECTION,
                text="Paragraph 2",
                now=BEFORE,
            )
            objection_in.set()
            assert release.wait(WAIT), "the test never released the objection's transaction"
        return position

    objecting = _in_thread(object_and_hold, results, "objection")
    assert objection_in.wait(WAIT), "the objection never reached its locked write"
    closing = _in_thread(
        lambda: services.procedure_close(procedure_id=procedure.pk, now=AFTER), results, "close"
    )
    _wait_for_lock_waiter("closing behind the objection")
    release.set()
    _join(objecting, closing)

    assert isinstance(results["objection"], Position)
    assert results["close"].status == ProcedureStatus.NOT_ADOPTED
    assert Decision.objects.get(pk=draft.pk).status == DecisionStatus.NOT_ADOPTED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_objection_waiting_for_closing_is_refused_as_late(procedure, korea, korea_actor, draft):
    closed = threading.Event()
    release = threading.Event()
    results: dict = {}

    def close_and_hold():
        with transaction.atomic():
            result = services.procedure_close(procedure_id=procedure.pk, now=AFTER)
            closed.set()
            assert release.wait(WAIT), "the test never released the closing's transaction"
        return result

    closing = _in_thread(close_and_hold, results, "close")
    assert closed.wait(WAIT), "the closing never ran"
    # The objection left before the deadline but reaches the row only after the closing.
    objecting = _in_thread(
        lambda: services.position_answer(
            actor=korea_actor,
            procedure=procedure,
            member=korea,
            kind=PositionKind.OBJECTION,
            text="Paragraph 2",
            now=BEFORE,
        ),
        results,
        "objection",
    )
    _wait_for_lock_waiter("objection behind the closing")
    release.set()
    _join(closing, objecting)

    assert results["close"].status == ProcedureStatus.ADOPTED
    assert isinstance(results["objection"], ValidationError)
    assert results["objection"].message_dict == {
        "kind": ["The procedure is closed: adopted; nothing more can be recorded."]
    }
    assert Position.objects.count() == 0
    assert WrittenProcedure.objects.get(pk=procedure.pk).status == ProcedureStatus.ADOPTED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_closings_at_once_close_once(procedure, draft):
    barrier = threading.Barrier(2)
    results: dict = {}

    def close():
        barrier.wait(WAIT)
        return services.procedure_close(procedure_id=procedure.pk, now=AFTER)

    threads = [_in_thread(close, results, key) for key in ("a", "b")]
    _join(*threads)

    assert sorted(r is None for r in results.values()) == [False, True]
    assert Decision.objects.get(pk=draft.pk).reference == "FORGE/2026/D/1"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_adoptions_get_gapless_unique_references(make_draft, secretariat_actor):
    meeting = MeetingFactory()
    tabled = [
        services.decision_move(
            actor=secretariat_actor,
            decision=make_draft(title=f"Decision {n}"),
            to_status=DecisionStatus.TABLED,
            meeting=meeting,
            now=OPENED_AT,
        )
        for n in range(10)
    ]
    barrier = threading.Barrier(10)
    results: dict = {}

    def adopt(decision):
        barrier.wait(WAIT)
        return services.decision_adopt(actor=secretariat_actor, decision=decision, at=OPENED_AT)

    threads = [_in_thread(lambda d=d: adopt(d), results, str(d.pk)) for d in tabled]
    _join(*threads)

    numbers = sorted(Decision.objects.values_list("reference_number", flat=True))
    assert numbers == list(range(1, 11))
    assert sorted(Decision.objects.values_list("reference", flat=True)) == sorted(
        f"FORGE/2026/D/{n}" for n in range(1, 11)
    )
