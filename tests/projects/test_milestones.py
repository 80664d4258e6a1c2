"""Milestone status at a given date: the pure function and the SQL annotation agree exactly."""

import datetime

import pytest

from core.choices import Confidentiality
from projects.models import Milestone, milestone_status
from projects.selectors import milestone_list, portfolio_glance
from tests.factories import JointProjectFactory, MilestoneFactory

ON = datetime.date(2026, 11, 28)
D = datetime.date

CASES = [
    # due, done, expected on 28 Nov 2026
    (D(2026, 11, 28), None, "upcoming"),  # due today: not yet overdue
    (D(2026, 11, 27), None, "overdue"),  # due yesterday
    (D(2026, 12, 12), None, "upcoming"),
    (D(2026, 11, 27), D(2026, 11, 28), "done"),  # done today
    (D(2026, 11, 27), D(2026, 11, 29), "overdue"),  # done only after the day looked at
    (D(2026, 12, 1), D(2026, 11, 29), "upcoming"),
    (D(2026, 12, 1), D(2026, 11, 20), "done"),  # done early
    (D(2025, 1, 1), None, "overdue"),
]


@pytest.mark.parametrize(("due_on", "done_on", "expected"), CASES)
def test_milestone_status_on_a_day_is_exact(due_on, done_on, expected):
    assert milestone_status(due_on=due_on, done_on=done_on, on=ON) == expected


def test_status_annotation_agrees_with_the_function_on_every_case(system_actor, korean_project):
    for due_on, done_on, _ in CASES:
        MilestoneFactory(project=korean_project, due_on=due_on, done_on=done_on)
    for day in (ON - datetime.timedelta(days=1), ON, ON + datetime.timedelta(days=1)):
        annotated = {m.pk: m.status for m in milestone_list(actor=system_actor, on=day)}
        computed = {m.pk: m.status_on(day) for m in Milestone.objects.all()}
        assert annotated == computed
    statuses = [m.status for m in milestone_list(actor=system_actor, on=ON).order_by("pk")]
    assert statuses == [expected for _, _, expected in CASES]


def test_portfolio_glance_counts_active_projects_and_overdue_milestones(korea_actor, korea, japan):
    mine = JointProjectFactory(lead_member=korea)
    closed = JointProjectFactory(lead_member=korea, stage="closed")
    hidden = JointProjectFactory(lead_member=japan, confidentiality=Confidentiality.SECRETARIAT)
    MilestoneFactory(project=mine, due_on=D(2026, 11, 1))
    MilestoneFactory(project=mine, due_on=D(2026, 11, 2))
    MilestoneFactory(project=closed, due_on=D(2026, 11, 2))
    MilestoneFactory(project=mine, due_on=D(2026, 11, 2), done_on=D(2026, 11, 3))
    MilestoneFactory(project=hidden, due_on=D(2026, 11, 2))
    glance = portfolio_glance(actor=korea_actor, on=ON)
    assert (glance.active_projects, glance.overdue_milestones, glance.projects_with_overdue) == (1, 3, 2)
