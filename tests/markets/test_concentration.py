"""Supply concentration from the USGS MCS 2025 figures, against values computed by hand."""

from decimal import Decimal

import pytest

from core.choices import Confidentiality
from markets import concentration, reference
from markets.models import ProductionFigure
from tests.factories import JointProjectFactory, MineralFactory


@pytest.fixture
def loaded(system_actor, lithium):
    MineralFactory(name="Neodymium", slug="neodymium")
    reference.load_production(actor=system_actor)


def test_load_production_is_idempotent(system_actor, loaded):
    before = ProductionFigure.objects.count()

    created = reference.load_production(actor=system_actor)

    assert created == 0
    # Lithium (6 countries) and neodymium (the 6 rows of the rare-earth group).
    assert before == ProductionFigure.objects.count() == 12


def test_lithium_shares_leader_and_hhi_equal_hand_computed(system_actor, lithium, loaded):
    (item,) = concentration.concentration_for(actor=system_actor, mineral=lithium)
    (series,) = item.series

    # World 240,000 t Li: AU 88,000, CL 49,000, CN 41,000, ZW 22,000, AR 18,000, BR 10,000.
    assert [(s.country, s.percent_shown) for s in series.shares] == [
        ("AU", Decimal("36.7")),
        ("CL", Decimal("20.4")),
        ("CN", Decimal("17.1")),
        ("ZW", Decimal("9.2")),
        ("AR", Decimal("7.5")),
        ("BR", Decimal("4.2")),
    ]
    assert series.leader.country == "AU"
    assert series.rest_of_world == Decimal("12000")
    # (88² + 49² + 41² + 22² + 18² + 10²) / 240² x 10,000 = 12,734 / 57,600 x 10,000 = 2,210.76
    assert series.hhi == 2211
    # plus the rest of the world as one producer: + 12² -> 12,878 / 57,600 x 10,000 = 2,235.76
    assert series.hhi_upper == 2236
    assert str(series.level) == "highly concentrated"


def test_rare_earth_element_shows_the_group_figure(system_actor, loaded):
    neodymium = ProductionFigure.objects.filter(mineral__slug="neodymium").first().mineral

    (item,) = concentration.concentration_for(actor=system_actor, mineral=neodymium)

    assert item.series[0].is_group_figure
    assert item.series[0].commodity == "Rare earths"
    assert item.series[0].leader.country == "CN"


def test_projects_beside_concentration_by_host_and_stage(korea_actor, korea, lithium, loaded, japan):
    JointProjectFactory(minerals=[lithium], host_country="AU", stage="feasibility", lead_member=korea)
    JointProjectFactory(minerals=[lithium], host_country="AR", stage="construction", lead_member=korea)
    JointProjectFactory(minerals=[lithium], host_country="AR", stage="construction", lead_member=korea)
    JointProjectFactory(minerals=[lithium], host_country="CL", stage="closed", lead_member=korea)
    JointProjectFactory(
        minerals=[lithium], host_country="BR", lead_member=japan, confidentiality=Confidentiality.RESTRICTED
    )

    (item,) = concentration.concentration_for(actor=korea_actor, mineral=lithium)

    assert [(c.country, c.stage, c.projects, c.is_leader) for c in item.projects] == [
        ("AR", "construction", 2, False),
        ("AU", "feasibility", 1, True),
    ]
    assert (item.projects_total, item.projects_outside_leader) == (3, 2)
