"""Fixtures for the markets tests: lithium and a lithium carbonate product in USD per tonne."""

import datetime

import pytest

from decisions import services as decision_services
from decisions.choices import DecisionKind, DecisionStatus
from tests.factories import MeetingFactory, MineralFactory, ProductFactory


@pytest.fixture
def lithium(db):
    return MineralFactory(name="Lithium", slug="lithium", crma_strategic=True)


@pytest.fixture
def carbonate(lithium):
    return ProductFactory(
        name="Lithium carbonate", slug="lithium-carbonate", mineral=lithium, specification="battery grade"
    )


AT = datetime.datetime(2026, 2, 4, 15, 0, tzinfo=datetime.UTC)


def adopt(actor, title: str = "Reference prices for lithium products", **fields):
    """An adopted decision (created, tabled at a meeting, adopted) through the services."""
    decision = decision_services.decision_create(
        actor=actor,
        now=AT,
        title=title,
        kind=DecisionKind.DECISION,
        text="The forum adopts reference prices.",
        **fields,
    )
    decision = decision_services.decision_move(
        actor=actor, decision=decision, to_status=DecisionStatus.TABLED, meeting=MeetingFactory(), now=AT
    )
    return decision_services.decision_adopt(actor=actor, decision=decision, at=AT)


@pytest.fixture
def decision(secretariat_actor):
    return adopt(secretariat_actor)
