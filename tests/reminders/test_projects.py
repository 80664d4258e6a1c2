"""Milestone reminders planned by the project services, and the weekly overdue planner."""

import datetime

import pytest

from core.reminders.models import Reminder
from members.choices import Capacity
from projects import reminders as project_reminders
from projects import services
from tests.factories import DelegateFactory, JointProjectFactory, MemberFactory

UTC = datetime.UTC
pytestmark = pytest.mark.usefixtures("pinned_clock")


def test_milestone_reminders_follow_due_date_participants_and_completion(db, system_actor):
    korea = MemberFactory(iso2="KR", name="Republic of Korea", capital_time_zone="Asia/Seoul")
    japan = MemberFactory(iso2="JP", name="Japan", capital_time_zone="Asia/Tokyo")
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="fp@kr.example.org")
    DelegateFactory(member=japan, capacity=Capacity.FOCAL_POINT, email="fp@jp.example.org")
    project = JointProjectFactory(lead_member=korea)
    milestone = services.milestone_create(
        actor=system_actor, project=project, title="Financial close", due_on=datetime.date(2027, 3, 15)
    )
    assert list(Reminder.objects.values_list("kind", "recipient_email", "occurrence", "due_at")) == [
        # 09:00 in Seoul on 1 March 2027 is 00:00 UTC.
        (
            "project.milestone_due",
            "fp@kr.example.org",
            "14d-before:2027-03-15",
            datetime.datetime(2027, 3, 1, 0, tzinfo=UTC),
        )
    ]
    services.participant_add(actor=system_actor, project=project, member=japan)
    assert sorted(Reminder.objects.filter(status="pending").values_list("recipient_email", flat=True)) == [
        "fp@jp.example.org",
        "fp@kr.example.org",
    ]
    services.milestone_update(actor=system_actor, milestone=milestone, due_on=datetime.date(2027, 4, 1))
    assert sorted(Reminder.objects.filter(status="pending").values_list("occurrence", flat=True)) == [
        "14d-before:2027-04-01",
        "14d-before:2027-04-01",
    ]
    assert Reminder.objects.filter(status="cancelled").count() == 2
    # Overdue: every Monday while open, planned by the periodic planner.
    now = datetime.datetime(2027, 4, 7, 12, tzinfo=UTC)  # a Wednesday after the due date
    project_reminders.plan_periodic(now=now)
    assert sorted(
        Reminder.objects.filter(kind="project.milestone_overdue").values_list(
            "recipient_email", "occurrence", "due_at"
        )
    ) == [
        ("fp@jp.example.org", "week:2027-W15", datetime.datetime(2027, 4, 12, 0, tzinfo=UTC)),
        ("fp@kr.example.org", "week:2027-W15", datetime.datetime(2027, 4, 12, 0, tzinfo=UTC)),
    ]
    services.milestone_complete(actor=system_actor, milestone=milestone, on=datetime.date(2026, 11, 1))
    assert Reminder.objects.filter(status="pending").count() == 0
