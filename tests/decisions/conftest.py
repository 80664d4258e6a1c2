"""Fixtures for the decisions tests: a draft around Korea and Japan, focal points with accounts,
and helpers that open a procedure with a pinned clock."""

from __future__ import annotations

import datetime

import pytest

from decisions import services
from decisions.choices import DecisionKind
from members.choices import Capacity
from tests.factories import DelegateFactory

UTC = datetime.UTC
# A Monday in winter (Brussels = UTC+1); the procedure's deadline comes a week later.
OPENED_AT = datetime.datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def wall_clock(*parts: int) -> datetime.datetime:
    """A local wall-clock time without zone, as a secretariat types a deadline."""
    return datetime.datetime(*parts)  # noqa: DTZ001


DEADLINE_LOCAL = wall_clock(2026, 2, 9, 18, 0)  # 18:00 Europe/Brussels = 17:00 UTC
DEADLINE_UTC = datetime.datetime(2026, 2, 9, 17, 0, tzinfo=UTC)


@pytest.fixture
def korea_focal(korea, korea_user):
    return DelegateFactory(
        member=korea,
        capacity=Capacity.FOCAL_POINT,
        full_name="Kim Min-jun",
        email="kim@korea.example",
        user=korea_user,
    )


@pytest.fixture
def japan_focal(japan, japan_user):
    return DelegateFactory(
        member=japan,
        capacity=Capacity.FOCAL_POINT,
        full_name="Sato Yuki",
        email="sato@japan.example",
        user=japan_user,
    )


@pytest.fixture
def make_draft(secretariat_actor):
    def make(**fields):
        fields.setdefault("title", "Joint statement on lithium supply")
        fields.setdefault("kind", DecisionKind.JOINT_STATEMENT)
        fields.setdefault("text", "The members welcome the report.\n\nThey agree to share data.")
        return services.decision_create(actor=secretariat_actor, now=OPENED_AT, **fields)

    return make


@pytest.fixture
def draft(make_draft, korea, japan):
    return make_draft()


@pytest.fixture
def open_procedure(secretariat_actor):
    def make(decision, **fields):
        fields.setdefault("deadline_local", DEADLINE_LOCAL)
        fields.setdefault("time_zone", "Europe/Brussels")
        fields.setdefault("now", OPENED_AT)
        return services.procedure_open(actor=secretariat_actor, decision=decision, **fields)

    return make


@pytest.fixture
def procedure(draft, open_procedure, korea_focal, japan_focal):
    return open_procedure(draft)
