"""Chair-handover reminders to the secretariat.

60, 30 and 7 days before a chair term ends, and every Monday while no successor is designated
(from 60 days before the end, and on through a gap after it), at 09:00 in the secretariat's
time zone. Planned whenever the rotation changes (members.services) and every hour by the
periodic planner, which is what moves the weekly notices along.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reminders.registry import ReminderKind
from core.reminders.services import Recipient, reminder_plan
from core.reminders.timing import (
    before_then_weekly,
    local_date,
)
from members.choices import Capacity, ChairRole
from members.models import ChairTerm, Delegate
from members.permissions import SECRETARIAT_ROLES

HANDOVER = "chair.handover"
NO_SUCCESSOR = "chair.no_successor"
HANDOVER_DAYS = (60, 30, 7)
# Weekly "no successor" notices start when the first handover notice goes out.
WEEKLY_FROM_DAYS = 60


def _successor(term: ChairTerm) -> ChairTerm | None:
    return (
        ChairTerm.objects.filter(role=ChairRole.CHAIR, starts_on__gt=term.starts_on)
        .select_related("member")
        .order_by("starts_on")
        .first()
    )


def _handover_stale(reminder, term: ChairTerm) -> bool:
    return term.ends_on is None or term.ends_on.isoformat() != reminder.context.get("ends_on")


def _no_successor_stale(reminder, term: ChairTerm) -> bool:
    return term.ends_on is None or _successor(term) is not None


def _context(reminder, term: ChairTerm) -> dict:
    today = local_date(timezone.now(), tz=reminder.recipient_time_zone)
    successor = _successor(term)
    return {
        "term": term,
        "member_name": term.member.name,
        "ends_on": term.ends_on,
        "handover_on": term.ends_on + datetime.timedelta(days=1) if term.ends_on else None,
        "days_left": (term.ends_on - today).days if term.ends_on else None,
        "successor": successor,
    }


def _link(reminder, term: ChairTerm) -> str:
    return reverse("members:chair_rotation")


REMINDER_KINDS = [
    ReminderKind(
        name=HANDOVER,
        label=_("Chair handover approaching"),
        template="email/chair_handover",
        essential=True,
        description=_("To the secretariat 60, 30 and 7 days before a chair term ends."),
        is_stale=_handover_stale,
        context=_context,
        link=_link,
    ),
    ReminderKind(
        name=NO_SUCCESSOR,
        label=_("No successor chair designated"),
        template="email/chair_no_successor",
        essential=True,
        description=_("To the secretariat every Monday while no next chair is designated."),
        is_stale=_no_successor_stale,
        context=_context,
        link=_link,
    ),
]


def recipient_for(delegate: Delegate) -> Recipient:
    """A delegate as a reminder recipient, in its member's capital time zone."""
    return Recipient(
        email=delegate.email,
        name=delegate.full_name,
        user_id=delegate.user_id,
        time_zone=delegate.member.capital_time_zone,
        member_id=delegate.member_id,
    )


def focal_point_recipients(member_ids: set[int], today: datetime.date) -> dict[int, list[Recipient]]:
    """Each member's focal points active on `today` with an email address, oldest first (one query)."""
    found: dict[int, list[Recipient]] = {member_id: [] for member_id in member_ids}
    delegates = Delegate.objects.filter(member_id__in=member_ids, capacity=Capacity.FOCAL_POINT).exclude(
        email=""
    )
    for delegate in delegates.select_related("member").order_by("pk"):
        if delegate.is_active_on(today):
            found[delegate.member_id].append(recipient_for(delegate))
    return found


def secretariat_recipients() -> list[Recipient]:
    """Secretariat accounts with an email address (and superusers, who act as admins)."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(membership__role__in=SECRETARIAT_ROLES) | Q(is_superuser=True))
        .order_by("pk")
        .distinct()
    )
    tz = settings.FORGE_SECRETARIAT_TIME_ZONE
    return [
        Recipient(
            email=user.email, name=user.get_full_name() or user.get_username(), user_id=user.pk, time_zone=tz
        )
        for user in users
    ]


def chair_handover_plan(*, now: datetime.datetime | None = None) -> int:
    """Plan the handover notices of every chair term still ahead or just ended; returns how
    many were created. A few terms and a few secretariat users: a handful of queries."""
    now = now or timezone.now()
    terms = list(
        ChairTerm.objects.filter(role=ChairRole.CHAIR).select_related("member").order_by("starts_on")
    )
    if not terms:
        return 0
    recipients = secretariat_recipients()
    last = terms[-1]
    today = local_date(now, tz=settings.FORGE_SECRETARIAT_TIME_ZONE)
    # Terms long over need nothing; the last term stays in view while it has no successor.
    subjects = [
        t for t in terms if t is last or (t.ends_on and t.ends_on >= today - datetime.timedelta(days=7))
    ]
    desired = [
        item for term in subjects for item in _desired_for(term, recipients, last=term is last, now=now)
    ]
    return reminder_plan(subjects=subjects, kinds=[HANDOVER, NO_SUCCESSOR], desired=desired, now=now).created


def _desired_for(term: ChairTerm, recipients: list[Recipient], *, last: bool, now: datetime.datetime):
    if term.ends_on is None:
        return
    yield from before_then_weekly(
        subject=term,
        recipients=recipients,
        target=term.ends_on,
        days=HANDOVER_DAYS,
        before_kind=HANDOVER,
        weekly_kind=NO_SUCCESSOR if last else None,
        weekly_since=term.ends_on - datetime.timedelta(days=WEEKLY_FROM_DAYS),
        context={"member_name": term.member.name, "ends_on": term.ends_on.isoformat()},
        now=now,
    )


def plan_periodic(*, now: datetime.datetime) -> int:
    return chair_handover_plan(now=now)
