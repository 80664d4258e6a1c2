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

Action items (`action_item_reminders_plan(items=...)`, called by the action item services and
every hour by `plan_periodic`):
- action item due (not essential): the owner member's focal points, 7 days before the due date
  and on the due date, 09:00 in the owner's capital, while the item is open or in progress;
- action item overdue (not essential): the same people every Monday while it stays open after
  its due date. Completing or dropping it, clearing or moving its date, or giving it to another
  member re-plans: rows no longer wanted are cancelled, new ones made.

Documents (`document_published_plan(version=...)`, called when a document or a new version is
uploaded): one notice per version and reader, due at once, not essential. The readers:
- public and all-delegations documents: the focal points of the members invited to the
  meeting (not every member that could open the page: the notice is for those taking part);
- restricted documents: the focal points of the members named on the document;
- secretariat-only documents: the secretariat's accounts.
Members are then kept only if meetings.selectors.document_list, seen with the delegation's
eyes, shows them the document (so a draft meeting notifies nobody, and a restricted meeting's
documents reach only members who see the meeting). The uploader is not told of their own
upload. At send time the notice is dropped if the member can no longer read the document or a
newer version has been published since (its own notice says it). Invitations sent after the
upload do not bring earlier documents' notices: the meeting page lists them.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.choices import Channel, Confidentiality
from core.reminders.registry import ReminderKind
from core.reminders.services import Desired, Recipient, reminder_cancel_for, reminder_plan
from core.reminders.timing import before_then_weekly, local_date
from meetings import selectors
from meetings.choices import ActionItemStatus, InvitationStatus, MeetingStatus, RegistrationStatus
from meetings.models import ActionItem, Document, DocumentVersion, Invitation, Meeting, Registration
from members.reminders import focal_point_recipients, recipient_for, secretariat_recipients

INVITATION = "meeting.invitation"
RSVP_DEADLINE = "meeting.rsvp_deadline"
UPCOMING = "meeting.upcoming"
KINDS = [INVITATION, RSVP_DEADLINE, UPCOMING]
RSVP_DAYS = (7, 1)
UPCOMING_DAYS = (14, 1)
# Meetings whose reminders still matter; held and cancelled ones get none.
OPEN_STATUSES = (MeetingStatus.DRAFT, MeetingStatus.ANNOUNCED, MeetingStatus.CONFIRMED)
ACTION_DUE = "meeting.action_item_due"
ACTION_OVERDUE = "meeting.action_item_overdue"
ACTION_KINDS = [ACTION_DUE, ACTION_OVERDUE]
# 7 days before and on the due date itself.
ACTION_DAYS = (7, 0)
ACTION_OPEN = (ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS)
DOCUMENT = "meeting.document_published"


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


def _action_closed(item: ActionItem) -> bool:
    return item.status not in ACTION_OPEN or item.due_on is None


def _action_stale(reminder, item: ActionItem) -> bool:
    """Done or dropped, given to another member, or its date moved (the planner made new rows)."""
    return (
        _action_closed(item)
        or item.owner_id != reminder.recipient_member_id
        or reminder.context.get("due_on") != item.due_on.isoformat()
    )


def _action_context(reminder, item: ActionItem) -> dict:
    today = local_date(timezone.now(), tz=reminder.recipient_time_zone)
    return {
        "item": item,
        "meeting": item.meeting,
        "owner": item.owner,
        "due_on": item.due_on,
        "days_left": (item.due_on - today).days if item.due_on else None,
        "days_late": (today - item.due_on).days if item.due_on else None,
    }


def _action_link(reminder, item: ActionItem) -> str:
    return f"{item.meeting.get_absolute_url()}#actions"


def _reader(member_id: int) -> Actor:
    """What a delegation's own users see: members-level records and those naming it."""
    return Actor(
        channel=Channel.TASK,
        label=f"reminders:member:{member_id}",
        member_id=member_id,
        sees_members_level=True,
    )


def _document_stale(reminder, version: DocumentVersion) -> bool:
    """A newer version was published (its notice says so), or the member may no longer read it."""
    if DocumentVersion.objects.filter(document_id=version.document_id, number__gt=version.number).exists():
        return True
    if reminder.recipient_member_id is None:
        return False  # the secretariat reads every document
    readable = selectors.document_list(actor=_reader(reminder.recipient_member_id))
    return not readable.filter(pk=version.document_id).exists()


def _document_context(reminder, version: DocumentVersion) -> dict:
    document = version.document
    return {"version": version, "document": document, "meeting": document.meeting}


def _document_link(reminder, version: DocumentVersion) -> str:
    return version.document.get_absolute_url()


REMINDER_KINDS = [
    ReminderKind(
        name=INVITATION,
        label=_("Invitation to a meeting"),
        template="email/meeting_invitation",
        essential=True,
        description=_("To a member's focal points when the member is invited."),
        is_stale=_invitation_stale,
        context=_context,
        link=_link,
    ),
    ReminderKind(
        name=RSVP_DEADLINE,
        label=_("RSVP deadline approaching"),
        template="email/meeting_rsvp_deadline",
        essential=True,
        description=_(
            "To focal points of members that have not answered, 7 days and 1 day before the deadline."
        ),
        is_stale=_rsvp_stale,
        context=_context,
        link=_link,
    ),
    ReminderKind(
        name=UPCOMING,
        label=_("Meeting coming up"),
        template="email/meeting_upcoming",
        description=_("To registered delegates, 14 days and 1 day before the meeting."),
        is_stale=_upcoming_stale,
        context=_context,
        link=_link,
    ),
    ReminderKind(
        name=ACTION_DUE,
        label=_("Action item coming due"),
        template="email/meeting_action_item_due",
        description=_(
            "To the owner member's focal points 7 days before an action item is due and on the day."
        ),
        is_stale=_action_stale,
        context=_action_context,
        link=_action_link,
    ),
    ReminderKind(
        name=ACTION_OVERDUE,
        label=_("Action item overdue"),
        template="email/meeting_action_item_overdue",
        description=_("To the owner member's focal points every Monday while an action item is overdue."),
        is_stale=_action_stale,
        context=_action_context,
        link=_action_link,
    ),
    ReminderKind(
        name=DOCUMENT,
        label=_("Meeting document published"),
        template="email/meeting_document_published",
        description=_("To those who may read it when a meeting document or a new version is published."),
        is_stale=_document_stale,
        context=_document_context,
        link=_document_link,
    ),
]


def meeting_reminders_plan(*, meeting: Meeting, now: datetime.datetime | None = None) -> None:
    """Make the meeting's open reminders match its invitations, answers and registrations.
    Three reads and the engine's constant handful of writes, whatever the numbers."""
    now = now or timezone.now()
    desired: list[Desired] = []
    if not _meeting_closed(meeting):
        invitations = list(
            Invitation.objects.filter(meeting=meeting).only("pk", "member_id", "status", "created_at")
        )
        focal = focal_point_recipients({invitation.member_id for invitation in invitations}, now.date())
        desired += _invitation_desired(meeting, invitations, focal)
        desired += _rsvp_desired(meeting, invitations, focal, now)
        desired += _upcoming_desired(meeting, now)
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


def _rsvp_desired(meeting, invitations, focal, now):
    if meeting.rsvp_deadline is None:
        return
    pending = [
        recipient
        for invitation in invitations
        if invitation.status == InvitationStatus.PENDING
        for recipient in focal[invitation.member_id]
    ]
    yield from before_then_weekly(
        subject=meeting,
        recipients=pending,
        target=meeting.rsvp_deadline,
        days=RSVP_DAYS,
        before_kind=RSVP_DEADLINE,
        context={**_base(meeting), "rsvp_deadline": meeting.rsvp_deadline.isoformat()},
        now=now,
    )


def _upcoming_desired(meeting, now):
    registrations = (
        Registration.objects.filter(invitation__meeting=meeting, status=RegistrationStatus.ACTIVE)
        .exclude(delegate__email="")
        .select_related("delegate__member")
        .order_by("pk")
    )
    yield from before_then_weekly(
        subject=meeting,
        recipients=[recipient_for(registration.delegate) for registration in registrations],
        target=meeting.starts_at,
        days=UPCOMING_DAYS,
        before_kind=UPCOMING,
        context=_base(meeting),
        now=now,
    )


# Action items ---------------------------------------------------------------------------------


def action_item_reminders_plan(*, items: Iterable[ActionItem], now: datetime.datetime | None = None) -> int:
    """Make the items' open reminders match their owner, due date and status; returns how many
    were created. One read of focal points and the engine's constant handful of writes."""
    now = now or timezone.now()
    items = list(items)
    if not items:
        return 0
    focal = focal_point_recipients({item.owner_id for item in items}, now.date())
    desired = [d for item in items for d in _action_desired(item, focal[item.owner_id], now)]
    return reminder_plan(subjects=items, kinds=ACTION_KINDS, desired=desired, now=now).created


def _action_desired(item: ActionItem, recipients: list[Recipient], now: datetime.datetime):
    if _action_closed(item):
        return
    yield from before_then_weekly(
        subject=item,
        recipients=recipients,
        target=item.due_on,
        days=ACTION_DAYS,
        before_kind=ACTION_DUE,
        weekly_kind=ACTION_OVERDUE,
        weekly_since=item.due_on + datetime.timedelta(days=1),
        context={"description": item.description[:200], "due_on": item.due_on.isoformat()},
        now=now,
    )


def action_item_reminders_cancel(*, item: ActionItem) -> int:
    """Before an action item is deleted: nothing more is said about it."""
    return reminder_cancel_for(subjects=[item], reason="The action item was deleted.")


def plan_periodic(*, now: datetime.datetime) -> int:
    """Open action items due within the next week or overdue: move the weekly notices along."""
    horizon = now.date() + datetime.timedelta(days=max(ACTION_DAYS) + 1)
    open_soon = ActionItem.objects.filter(status__in=ACTION_OPEN, due_on__lte=horizon).order_by("pk")
    return action_item_reminders_plan(items=open_soon, now=now)


# Documents ------------------------------------------------------------------------------------


def _members_who_read(document: Document, member_ids: set[int]) -> set[int]:
    """The members among `member_ids` that meetings.selectors lets see the document: one query,
    one EXISTS per member over the selector's own queryset."""
    if not member_ids:
        return set()
    checks = {
        f"m{pk}": Exists(selectors.document_list(actor=_reader(pk)).filter(pk=OuterRef("pk")))
        for pk in sorted(member_ids)
    }
    row = Document.objects.filter(pk=document.pk).values(**checks).first() or {}
    return {pk for pk in member_ids if row.get(f"m{pk}")}


def document_readers(document: Document, *, today: datetime.date) -> list[Recipient]:
    """Who is told of a new version (the rule is in the module docstring)."""
    if document.confidentiality == Confidentiality.SECRETARIAT:
        return secretariat_recipients()
    if document.confidentiality == Confidentiality.RESTRICTED:
        candidates = set(document.restricted_to.values_list("pk", flat=True))
    else:
        candidates = set(
            Invitation.objects.filter(meeting_id=document.meeting_id).values_list("member_id", flat=True)
        )
    readers = _members_who_read(document, candidates)
    focal = focal_point_recipients(readers, today)
    return [recipient for pk in sorted(readers) for recipient in focal[pk]]


def document_published_plan(*, version: DocumentVersion, now: datetime.datetime | None = None) -> int:
    """Plan the notices of a newly published version; returns how many were created."""
    now = now or timezone.now()
    document = version.document
    recipients = [
        recipient
        for recipient in document_readers(document, today=now.date())
        if recipient.user_id is None or recipient.user_id != version.uploaded_by_user_id
    ]
    context = {"title": document.title, "version": version.number, "file": version.original_name}
    desired = [
        Desired(
            subject=version,
            kind=DOCUMENT,
            recipient=recipient,
            occurrence="published",
            due_at=version.uploaded_at,
            context=context,
        )
        for recipient in recipients
    ]
    return reminder_plan(subjects=[version], kinds=[DOCUMENT], desired=desired, now=now).created
