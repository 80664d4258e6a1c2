"""Meeting reminders: invitations, RSVP deadlines and the meeting itself.

`meeting_reminders_plan(meeting=...)` computes the whole desired set for one meeting from its
invitations and registrations and hands it to the engine, which creates, moves and cancels
rows to match. The meeting services call it in their transaction after each change that
affects it (scheduling, moving, status, invitations, answers, registrations), so moving a
meeting reschedules its reminders and cancelling it cancels them.

- invitation sent (essential): the invited member's focal points, at once;
- RSVP deadline (essential): focal points of members still pending, 7 days and 1 day before
  the deadline, 09:00 in their capital;
- the meeting (not essential): registered delegates, 14 days and 1 day before it starts,
  09:00 in their capital, with the start shown in their capital's and the venue's time zones.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from core.reminders.registry import ReminderKind
from core.reminders.services import Desired, Recipient, reminder_plan
from core.reminders.timing import days_before, days_before_occurrence
from meetings.choices import InvitationStatus, MeetingStatus, RegistrationStatus
from meetings.models import Invitation, Meeting, Registration
from members.choices import Capacity
from members.models import Delegate

INVITATION = "meeting.invitation"
RSVP_DEADLINE = "meeting.rsvp_deadline"
UPCOMING = "meeting.upcoming"
KINDS = [INVITATION, RSVP_DEADLINE, UPCOMING]
RSVP_DAYS = (7, 1)
UPCOMING_DAYS = (14, 1)
# Meetings whose reminders still matter; held and cancelled ones get none.
OPEN_STATUSES = (MeetingStatus.DRAFT, MeetingStatus.ANNOUNCED, MeetingStatus.CONFIRMED)


def _meeting_closed(meeting: Meeting) -> bool:
    return meeting.status not in OPEN_STATUSES


def _rsvp_stale(reminder, meeting: Meeting) -> bool:
    """Answered since, or the deadline moved (the planner made a new row for the new date)."""
    if _meeting_closed(meeting) or meeting.rsvp_deadline is None:
        return True
    answered = not Invitation.objects.filter(
        meeting=meeting, member_id=reminder.recipient_member_id, status=InvitationStatus.PENDING
    ).exists()
    return answered or reminder.context.get("rsvp_deadline") != meeting.rsvp_deadline.isoformat()


def _upcoming_stale(reminder, meeting: Meeting) -> bool:
    return _meeting_closed(meeting) or reminder.context.get("starts_at") != meeting.starts_at.isoformat()


def _invitation_stale(reminder, meeting: Meeting) -> bool:
    return _meeting_closed(meeting)


def _times(meeting: Meeting, tz: str) -> dict:
    capital = zoneinfo.ZoneInfo(tz)
    return {
        "meeting": meeting,
        "starts_local": meeting.starts_at.astimezone(capital),
        "ends_local": meeting.ends_at.astimezone(capital),
        "local_tz": tz,
        "starts_venue": meeting.starts_at.astimezone(meeting.tz),
        "ends_venue": meeting.ends_at.astimezone(meeting.tz),
        "venue_tz": meeting.venue_time_zone,
        "rsvp_deadline_local": meeting.rsvp_deadline.astimezone(capital) if meeting.rsvp_deadline else None,
    }


def _context(reminder, meeting: Meeting) -> dict:
    return _times(meeting, reminder.recipient_time_zone)


def _link(reminder, meeting: Meeting) -> str:
    return meeting.get_absolute_url()


REMINDER_KINDS = [
    ReminderKind(
        name=INVITATION,
        label="Invitation to a meeting",
        template="email/meeting_invitation",
        essential=True,
        description="To a member's focal points when the member is invited.",
        is_stale=_invitation_stale,
        context=_context,
        link=_link,
    ),
    ReminderKind(
        name=RSVP_DEADLINE,
        label="RSVP deadline approaching",
        template="email/meeting_rsvp_deadline",
        essential=True,
        description="To focal points of members that have not answered, 7 days and 1 day before the deadline.",
        is_stale=_rsvp_stale,
        context=_context,
        link=_link,
    ),
    ReminderKind(
        name=UPCOMING,
        label="Meeting coming up",
        template="email/meeting_upcoming",
        description="To registered delegates, 14 days and 1 day before the meeting.",
        is_stale=_upcoming_stale,
        context=_context,
        link=_link,
    ),
]


def _focal_points(member_ids: set[int], today: datetime.date) -> dict[int, list[Recipient]]:
    found: dict[int, list[Recipient]] = {member_id: [] for member_id in member_ids}
    delegates = Delegate.objects.filter(member_id__in=member_ids, capacity=Capacity.FOCAL_POINT).exclude(
        email=""
    )
    for delegate in delegates.select_related("member").order_by("pk"):
        if delegate.is_active_on(today):
            found[delegate.member_id].append(_recipient(delegate))
    return found


def _recipient(delegate: Delegate) -> Recipient:
    return Recipient(
        email=delegate.email,
        name=delegate.full_name,
        user_id=delegate.user_id,
        time_zone=delegate.member.capital_time_zone,
        member_id=delegate.member_id,
    )


def meeting_reminders_plan(*, meeting: Meeting, now: datetime.datetime | None = None) -> None:
    """Make the meeting's open reminders match its invitations, answers and registrations.
    Three reads and the engine's constant handful of writes, whatever the numbers."""
    now = now or timezone.now()
    desired: list[Desired] = []
    if not _meeting_closed(meeting):
        invitations = list(
            Invitation.objects.filter(meeting=meeting).only("pk", "member_id", "status", "created_at")
        )
        focal = _focal_points({invitation.member_id for invitation in invitations}, now.date())
        desired += _invitation_desired(meeting, invitations, focal)
        desired += _rsvp_desired(meeting, invitations, focal)
        desired += _upcoming_desired(meeting)
    reminder_plan(subjects=[meeting], kinds=KINDS, desired=desired, now=now)


def _base(meeting: Meeting) -> dict:
    return {"title": meeting.title, "starts_at": meeting.starts_at.isoformat()}


def _invitation_desired(meeting, invitations, focal):
    for invitation in invitations:
        for recipient in focal[invitation.member_id]:
            yield Desired(
                subject=meeting,
                kind=INVITATION,
                recipient=recipient,
                occurrence=f"invitation:{invitation.pk}",
                due_at=invitation.created_at,
                context=_base(meeting),
            )


def _rsvp_desired(meeting, invitations, focal):
    if meeting.rsvp_deadline is None:
        return
    context = {**_base(meeting), "rsvp_deadline": meeting.rsvp_deadline.isoformat()}
    for invitation in invitations:
        if invitation.status != InvitationStatus.PENDING:
            continue
        for recipient in focal[invitation.member_id]:
            for days in RSVP_DAYS:
                yield Desired(
                    subject=meeting,
                    kind=RSVP_DEADLINE,
                    recipient=recipient,
                    occurrence=days_before_occurrence(meeting.rsvp_deadline, days, tz=recipient.time_zone),
                    due_at=days_before(meeting.rsvp_deadline, days, tz=recipient.time_zone),
                    context={**context, "days_before": days},
                )


def _upcoming_desired(meeting):
    registrations = (
        Registration.objects.filter(invitation__meeting=meeting, status=RegistrationStatus.ACTIVE)
        .exclude(delegate__email="")
        .select_related("delegate__member")
        .order_by("pk")
    )
    for registration in registrations:
        recipient = _recipient(registration.delegate)
        for days in UPCOMING_DAYS:
            yield Desired(
                subject=meeting,
                kind=UPCOMING,
                recipient=recipient,
                occurrence=days_before_occurrence(meeting.starts_at, days, tz=recipient.time_zone),
                due_at=days_before(meeting.starts_at, days, tz=recipient.time_zone),
                context={**_base(meeting), "days_before": days},
            )
