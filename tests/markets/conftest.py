"""Fixtures for the markets tests: lithium and a lithium carbonate product in USD per tonne."""

import pytest

from tests.factories import MineralFactory, ProductFactory, adopt


@pytest.fixture
def lithium(db):
    return MineralFactory(name="Lithium", slug="lithium", crma_strategic=True)


@pytest.fixture
def carbonate(lithium):
    return ProductFactory(
        name="Lithium carbonate", slug="lithium-carbonate", mineral=lithium, specification="battery grade"
    )


@pytest.fixture
def decision(secretariat_actor):
    return adopt(secretariat_actor)
