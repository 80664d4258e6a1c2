"""Fixtures for the projects tests: a few minerals and projects around Korea and Japan."""

from __future__ import annotations

import datetime

import pytest

from core.choices import Confidentiality
from projects.choices import Segment, Stage
from tests.factories import JointProjectFactory, MemberFactory, MineralFactory, ParticipantFactory


@pytest.fixture
def lithium(db):
    return MineralFactory(name="Lithium", slug="lithium", crma_strategic=True)


@pytest.fixture
def cobalt(db):
    return MineralFactory(name="Cobalt", slug="cobalt", crma_strategic=True)


@pytest.fixture
def united_states(db):
    return MemberFactory(iso2="US", name="United States")


@pytest.fixture
def korean_project(korea, lithium):
    """A members-level project led by Korea."""
    return JointProjectFactory(
        title="Korean lithium", lead_member=korea, minerals=[lithium], segment=Segment.PROCESSING
    )


@pytest.fixture
def japanese_project(japan, lithium):
    """A members-level project led by Japan, which Korea does not take part in."""
    return JointProjectFactory(title="Japanese lithium", lead_member=japan, minerals=[lithium])


@pytest.fixture
def japanese_secret(japan, cobalt):
    """A restricted project of Japan's: hidden from Korea."""
    return JointProjectFactory(
        title="Japanese cobalt (restricted)",
        lead_member=japan,
        minerals=[cobalt],
        confidentiality=Confidentiality.RESTRICTED,
        stage=Stage.CONSTRUCTION,
    )


@pytest.fixture
def joint_project(korea, japan, lithium):
    """Japan leads, Korea takes part."""
    project = JointProjectFactory(title="Joint lithium", lead_member=japan, minerals=[lithium])
    ParticipantFactory(project=project, member=korea)
    return project


DAY = datetime.date(2026, 11, 28)
