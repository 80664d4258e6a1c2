"""The coverage matrix on a fixed data set, cell by cell, as two viewers see it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.choices import Confidentiality
from projects.coverage import coverage_for
from tests.factories import JointProjectFactory, MemberFactory, MineralFactory, ParticipantFactory

SEGMENTS = ["exploration", "extraction", "processing", "components", "recycling", "substitution"]


@pytest.fixture
def portfolio(korea, japan, lithium, cobalt):
    us = MemberFactory(iso2="US", name="United States")
    de = MemberFactory(iso2="DE", name="Germany")
    copper = MineralFactory(name="Copper", slug="copper")
    MineralFactory(name="Nickel", slug="nickel")  # on no project and not strategic: no row
    MineralFactory(name="Graphite", slug="graphite", crma_strategic=True)  # strategic, no project
    p1 = JointProjectFactory(minerals=[lithium], segment="extraction", host_country="AR", lead_member=us)
    ParticipantFactory(project=p1, member=japan)
    ParticipantFactory(project=p1, member=korea)
    p2 = JointProjectFactory(minerals=[lithium], segment="extraction", host_country="CL", lead_member=korea)
    ParticipantFactory(project=p2, member=japan)
    JointProjectFactory(
        minerals=[lithium, cobalt], segment="processing", host_country="ZM", lead_member=japan
    )
    p4 = JointProjectFactory(minerals=[cobalt], segment="processing", host_country="ZM", lead_member=us)
    ParticipantFactory(project=p4, member=de)
    JointProjectFactory(
        minerals=[cobalt], segment="recycling", host_country="ZM", lead_member=de, stage="closed"
    )
    JointProjectFactory(
        minerals=[copper],
        segment="extraction",
        host_country="ZM",
        lead_member=korea,
        confidentiality=Confidentiality.RESTRICTED,
    )
    JointProjectFactory(
        minerals=[lithium], segment="recycling", host_country="AR", lead_member=us, stage="cancelled"
    )


def _matrix(coverage):
    return {
        row.mineral.slug: {cell.segment: (cell.projects, cell.members) for cell in row.cells}
        for row in coverage.rows
    }


def _row(**cells):
    return {segment: cells.get(segment, (0, 0)) for segment in SEGMENTS}


def test_matrix_counts_active_projects_and_distinct_members_cell_by_cell(secretariat_actor, portfolio):
    coverage = coverage_for(actor=secretariat_actor)
    assert _matrix(coverage) == {
        "cobalt": _row(
            processing=(2, 3)
        ),  # JP lead; US lead + DE; the closed recycling project is not counted
        "copper": _row(extraction=(1, 1)),
        "lithium": _row(extraction=(2, 3), processing=(1, 1)),  # {US, JP, KR} and {KR, JP}: 3 members
    }
    assert coverage.active_projects == 5
    assert [(row.mineral.slug, row.gap_segments) for row in coverage.gaps] == [
        ("cobalt", ["recycling"]),
        ("copper", ["processing and refining", "recycling"]),
        ("lithium", ["recycling"]),
    ]
    assert [mineral.slug for mineral in coverage.strategic_without_projects] == ["graphite"]
    assert coverage.cell("lithium", "recycling").is_gap and not coverage.cell("lithium", "exploration").is_gap
    assert (
        coverage.cell("lithium", "extraction").url
        == "/projects/?mineral=lithium&segment=extraction&active=true"
    )
    assert coverage.cell("cobalt", "processing").level == 2


def test_host_concentration_shares_and_hhi(secretariat_actor, portfolio):
    coverage = coverage_for(actor=secretariat_actor)
    assert [(h.code, h.name, h.projects, h.percent) for h in coverage.hosts] == [
        ("ZM", "Zambia", 3, Decimal("60.0")),
        ("AR", "Argentina", 1, Decimal("20.0")),
        ("CL", "Chile", 1, Decimal("20.0")),
    ]
    assert coverage.hhi == 4400  # 60² + 20² + 20²
    assert coverage.hhi_floor == 2000
    assert coverage.concentration == "highly concentrated"


def test_matrix_shows_only_what_the_viewer_may_see(japan_actor, portfolio):
    coverage = coverage_for(actor=japan_actor)  # the restricted copper project is not Japan's
    assert _matrix(coverage) == {
        "cobalt": _row(processing=(2, 3)),
        "lithium": _row(extraction=(2, 3), processing=(1, 1)),
    }
    assert [(h.code, h.percent) for h in coverage.hosts] == [
        ("ZM", Decimal("50.0")),
        ("AR", Decimal("25.0")),
        ("CL", Decimal("25.0")),
    ]
    assert coverage.hhi == 3750


def test_show_all_lists_every_mineral(secretariat_actor, portfolio):
    coverage = coverage_for(actor=secretariat_actor, show_all=True)
    assert _matrix(coverage)["graphite"] == _row()
    assert coverage.cell("graphite", "processing").is_gap
    assert [row.mineral.slug for row in coverage.rows] == [
        "cobalt",
        "copper",
        "graphite",
        "lithium",
        "nickel",
    ]


def _queries(actor) -> int:
    with CaptureQueriesContext(connection) as captured:
        coverage_for(actor=actor)
    return len(captured)


def test_coverage_runs_a_fixed_number_of_queries(secretariat_actor, korea, japan, lithium, cobalt):
    JointProjectFactory(minerals=[lithium], lead_member=korea)
    one = _queries(secretariat_actor)
    for segment in SEGMENTS:
        project = JointProjectFactory(minerals=[lithium, cobalt], segment=segment, lead_member=japan)
        ParticipantFactory(project=project, member=korea)
    assert _queries(secretariat_actor) == one == 4
