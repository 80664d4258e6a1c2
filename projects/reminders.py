"""Milestone reminders to a project's participants (the lead member and every participant).

- milestone due (not essential): the focal points of each taking-part member, 14 days before
  the due date, 09:00 in their capital;
- milestone overdue (not essential): the same people every Monday while the milestone is open
  after its due date.

The milestone and participant services call the planners in their transactions; the hourly
periodic planner moves the weekly overdue notices along.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reminders.registry import ReminderKind
from core.reminders.services import Recipient, reminder_plan
from core.reminders.timing import before_then_weekly
from members.reminders import focal_point_recipients
from projects.models import JointProject, Milestone, ProjectParticipant

DUE = "project.milestone_due"
OVERDUE = "project.milestone_overdue"
KINDS = [DUE, OVERDUE]
DUE_DAYS = 14


def _due_stale(reminder, milestone: Milestone) -> bool:
    return milestone.done_on is not None or reminder.context.get("due_on") != milestone.due_on.isoformat()


def _overdue_stale(reminder, milestone: Milestone) -> bool:
    return milestone.done_on is not None


def _context(reminder, milestone: Milestone) -> dict:
    today = timezone.now().date()
    return {
        "milestone": milestone,
        "project": milestone.project,
        "due_on": milestone.due_on,
        "days_late": (today - milestone.due_on).days,
    }


def _link(reminder, milestone: Milestone) -> str:
    return milestone.project.get_absolute_url()


REMINDER_KINDS = [
    ReminderKind(
        name=DUE,
        label=_("Project milestone coming due"),
        template="email/project_milestone_due",
        description=_("To the project's participants 14 days before a milestone is due."),
        is_stale=_due_stale,
        context=_context,
        link=_link,
    ),
    ReminderKind(
        name=OVERDUE,
        label=_("Project milestone overdue"),
        template="email/project_milestone_overdue",
        description=_("To the project's participants every Monday while a milestone is overdue."),
        is_stale=_overdue_stale,
        context=_context,
        link=_link,
    ),
]


def _recipients_by_project(project_ids: set[int], today: datetime.date) -> dict[int, list[Recipient]]:
    """Focal points of each project's lead and participants: three queries for any number."""
    members: dict[int, set[int]] = defaultdict(set)
    for pk, lead in JointProject.objects.filter(pk__in=project_ids).values_list("pk", "lead_member_id"):
        members[pk].add(lead)
    for pk, member in ProjectParticipant.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "member_id"
    ):
        members[pk].add(member)
    member_ids = set().union(*members.values()) if members else set()
    by_member = focal_point_recipients(member_ids, today)
    return {pk: [r for member in sorted(ids) for r in by_member[member]] for pk, ids in members.items()}


def milestone_reminders_plan(*, milestones: Iterable[Milestone], now: datetime.datetime | None = None) -> int:
    """Make the milestones' open reminders match their due dates, state and participants."""
    now = now or timezone.now()
    milestones = list(milestones)
    if not milestones:
        return 0
    recipients = _recipients_by_project({m.project_id for m in milestones}, now.date())
    desired = [
        item
        for milestone in milestones
        for item in _desired_for(milestone, recipients.get(milestone.project_id, []), now)
    ]
    return reminder_plan(subjects=milestones, kinds=KINDS, desired=desired, now=now).created


def project_reminders_plan(*, project: JointProject, now: datetime.datetime | None = None) -> int:
    """After a change of participants: re-plan the project's open milestones."""
    return milestone_reminders_plan(
        milestones=Milestone.objects.filter(project=project, done_on__isnull=True), now=now
    )


def _desired_for(milestone: Milestone, recipients: list[Recipient], now: datetime.datetime):
    if milestone.done_on is not None:
        return
    yield from before_then_weekly(
        subject=milestone,
        recipients=recipients,
        target=milestone.due_on,
        days=[DUE_DAYS],
        before_kind=DUE,
        weekly_kind=OVERDUE,
        weekly_since=milestone.due_on + datetime.timedelta(days=1),
        context={"title": milestone.title, "due_on": milestone.due_on.isoformat()},
        now=now,
    )


def plan_periodic(*, now: datetime.datetime) -> int:
    """Open milestones due within the next fortnight or overdue: keep their notices current."""
    horizon = now.date() + datetime.timedelta(days=DUE_DAYS + 1)
    open_soon = Milestone.objects.filter(Q(done_on__isnull=True) & Q(due_on__lte=horizon))
    return milestone_reminders_plan(milestones=open_soon, now=now)
