"""The feed numbers changes in commit order, so a late commit is never skipped."""

import threading

import pytest
from django.db import connection, connections, transaction

from core.models import Change
from core.sync import selectors, services
from members import services as member_services


def _in_own_connection(target):
    """Run `target` in a thread with its own database connection; re-raise its error."""
    errors = []

    def run():
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_sequencer_later_change_committing_first_loses_nothing(korea, system_actor):
    early_written = threading.Event()
    may_commit = threading.Event()
    names = {}

    def early():
        with transaction.atomic():
            names["early"] = member_services.delegate_create(
                actor=system_actor, member=korea, full_name="Early"
            ).pk
            early_written.set()
            assert may_commit.wait(10)

    thread, errors = _in_own_connection(early)
    assert early_written.wait(10)
    # Written after "early" (a higher change id), committed before it.
    late = member_services.delegate_create(actor=system_actor, member=korea, full_name="Late")

    services.changes_sequence()
    page = selectors.changes_page(actor=system_actor, after_seq=0)
    seen = [(c["resource"], c["id"]) for c in page.changes]
    assert seen[-1] == ("delegates", late.pk)
    assert ("delegates", names["early"]) not in seen

    may_commit.set()
    thread.join(10)
    assert errors == []
    services.changes_sequence()
    after = selectors.changes_page(actor=system_actor, after_seq=page.last_seq)

    assert [(c["resource"], c["id"], c["op"]) for c in after.changes] == [
        ("delegates", names["early"], "upsert")
    ]
    early_row = Change.objects.get(resource="members.delegate", object_id=names["early"])
    late_row = Change.objects.get(resource="members.delegate", object_id=late.pk)
    assert early_row.id < late_row.id and early_row.seq > late_row.seq


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_sequencer_concurrent_runs_give_each_row_one_distinct_number(korea, system_actor):
    for n in range(30):
        member_services.delegate_create(actor=system_actor, member=korea, full_name=f"P{n}")
    threads = [_in_own_connection(services.changes_sequence) for _ in range(4)]
    for thread, errors in threads:
        thread.join(10)
        assert errors == []

    seqs = sorted(Change.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert connection.vendor == "postgresql"
