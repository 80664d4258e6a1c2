"""Random writes, deletes and scope changes interleaved with incremental syncs: the replica a
partner builds from the feed always ends equal to a fresh full sync."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members import services
from members.choices import TokenScope
from members.models import ChairTerm, Delegate, Member
from tests.sync.replica import Replica, differences, snapshot

names = st.text(alphabet="abcdefgh ", min_size=1, max_size=8).filter(str.strip)
index = st.integers(min_value=0, max_value=30)
member_code = st.sampled_from(["KR", "JP"])

operations = st.lists(
    st.one_of(
        st.tuples(st.just("delegate_create"), member_code, names),
        st.tuples(st.just("delegate_rename"), index, names),
        st.tuples(st.just("delegate_move"), index, member_code),
        st.tuples(st.just("delegate_delete"), index),
        st.tuples(st.just("term_create"), member_code, st.integers(0, 60), st.integers(0, 200)),
        st.tuples(st.just("term_shift"), index, st.integers(0, 60)),
        st.tuples(st.just("term_delete"), index),
        st.tuples(st.just("member_rename"), member_code, names),
        st.tuples(st.just("sync"), st.integers(1, 6)),
    ),
    max_size=25,
)


def _pick(model, position):
    rows = list(model.objects.order_by("pk"))
    return rows[position % len(rows)] if rows else None


def _apply(operation, actor) -> None:
    kind, *args = operation
    member = {m.iso2: m for m in Member.objects.all()}
    if kind == "delegate_create":
        services.delegate_create(actor=actor, member=member[args[0]], full_name=args[1])
    elif kind == "member_rename":
        services.member_update(actor=actor, member=member[args[0]], name=args[1])
    elif kind.startswith("delegate_") and (delegate := _pick(Delegate, args[0])):
        if kind == "delegate_rename":
            services.delegate_update(actor=actor, delegate=delegate, full_name=args[1])
        elif kind == "delegate_move":
            services.delegate_update(actor=actor, delegate=delegate, member=member[args[1]])
        else:
            services.delegate_delete(actor=actor, delegate=delegate)
    elif kind == "term_create":
        starts = datetime.date(2027, 1, 1) + datetime.timedelta(days=30 * args[1])
        services.chair_term_create(
            actor=actor,
            member=member[args[0]],
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=args[2]),
        )
    elif kind.startswith("term_") and (term := _pick(ChairTerm, args[0])):
        if kind == "term_shift":
            starts = datetime.date(2027, 1, 1) + datetime.timedelta(days=30 * args[1])
            services.chair_term_update(actor=actor, term=term, starts_on=starts, ends_on=None)
        else:
            services.chair_term_delete(actor=actor, term=term)


@pytest.fixture
def readers(korea, japan, api_client_for):
    """A delegation's token (sees delegates) and a forum-wide one (does not)."""
    return [api_client_for(TokenScope.READ, korea), api_client_for(TokenScope.READ, None)]


@given(operations=operations)
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_property_feed_replica_equals_full_sync(operations, readers, system_actor):
    with transaction.atomic():
        replicas = [Replica(client).full_sync() for client in readers]
        for operation in operations:
            if operation[0] == "sync":
                for replica in replicas:
                    replica.follow(page_size=operation[1])
                continue
            try:
                with transaction.atomic():
                    _apply(operation, system_actor)
            except ValidationError:
                pass  # a refused write (an overlapping term) changes nothing, as in real use
        for replica in replicas:
            replica.follow()
            expected = snapshot(replica.client)
            assert replica.objects == expected, differences(replica.objects, expected)
        transaction.set_rollback(True)  # each example starts from the same database
