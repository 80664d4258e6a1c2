"""Every read of meetings and what hangs off them, scoped to the actor.

Visibility (one rule, used by pages, API, feeds and downloads): the secretariat sees
everything; anyone else sees public meetings, members-level ones when they see what
delegations see, and restricted ones when their member is named or invited. Drafts and
secretariat-only meetings stay with the secretariat. Filters use EXISTS subqueries, never
joins that would repeat rows.
"""

from __future__ import annotations

import calendar
import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from core import confidentiality
from core.actors import Actor
from core.errors import NotFound
from core.selectors import get_visible
from meetings import slots
from meetings.choices import InvitationStatus, MeetingStatus, RegistrationStatus
from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeedToken,
    Document,
    DocumentVersion,
    Invitation,
    Meeting,
    Outcome,
    Registration,
)
from members.api.authentication import token_hash
from members.models import Member
from members.selectors import chair_on, rotation_on

# Meetings ---------------------------------------------------------------------------------


def meeting_list(*, actor: Actor) -> QuerySet[Meeting]:
    """Meetings under the one confidentiality rule (core.confidentiality): the invited members
    are the parties of a restricted meeting; drafts stay with the secretariat."""
    meetings = Meeting.objects.select_related("host", "chaired_by")
    if actor.is_secretariat:
        return meetings
    invited = None
    if actor.member_id:
        invited = Q(Exists(Invitation.objects.filter(meeting_id=OuterRef("pk"), member_id=actor.member_id)))
    visible = confidentiality.visible_q(
        actor, named=confidentiality.named_q(actor, Meeting.restricted_to), parties=invited
    )
    return meetings.filter(visible).exclude(status=MeetingStatus.DRAFT)


def visible_meeting_ids(actor: Actor) -> QuerySet:
    return meeting_list(actor=actor).values("pk")


def meeting_get(*, actor: Actor, pk: int) -> Meeting:
    return get_visible(meeting_list(actor=actor), pk, gettext_lazy("No such meeting."))


def upcoming_meetings(*, actor: Actor, limit: int = 5) -> list[Meeting]:
    return list(
        meeting_list(actor=actor)
        .filter(ends_at__gte=timezone.now())
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")[:limit]
    )


def viewer_time_zone(actor: Actor) -> str:
    """The time zone a viewer reads times in: their delegation's capital, else UTC."""
    if actor.member_id:
        zone = Member.objects.filter(pk=actor.member_id).values_list("capital_time_zone", flat=True).first()
        if zone:
            return zone
    return "UTC"


# Invitations and registrations ----------------------------------------------------------------


def invitation_list(*, actor: Actor) -> QuerySet[Invitation]:
    """The secretariat sees every invitation; a delegation its own, for meetings it can see."""
    invitations = Invitation.objects.select_related("meeting", "member")
    if actor.is_secretariat:
        return invitations
    if not actor.member_id:
        return invitations.none()
    return invitations.filter(member_id=actor.member_id, meeting__in=visible_meeting_ids(actor))


def invitation_get(*, actor: Actor, pk: int) -> Invitation:
    return get_visible(invitation_list(actor=actor), pk, gettext_lazy("No such invitation."))


def invitation_for(*, actor: Actor, meeting: Meeting) -> Invitation | None:
    """The viewer's own delegation's invitation to this meeting, if any."""
    if not actor.member_id:
        return None
    return invitation_list(actor=actor).filter(meeting=meeting).first()


def pending_invitations(*, actor: Actor, limit: int = 10) -> list[Invitation]:
    if not actor.member_id:
        return []
    return list(
        invitation_list(actor=actor)
        .filter(status=InvitationStatus.PENDING, meeting__ends_at__gte=timezone.now())
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by("meeting__starts_at", "pk")[:limit]
    )


def registration_list(*, actor: Actor) -> QuerySet[Registration]:
    registrations = Registration.objects.select_related(
        "invitation__meeting", "invitation__member", "delegate", "replaced_by__delegate"
    )
    if actor.is_secretariat:
        return registrations
    return registrations.filter(invitation__in=invitation_list(actor=actor).values("pk"))


def registration_get(*, actor: Actor, pk: int) -> Registration:
    return get_visible(registration_list(actor=actor), pk, gettext_lazy("No such registration."))


def active_registration_count(invitation: Invitation) -> int:
    return invitation.registrations.filter(status=RegistrationStatus.ACTIVE).count()


def participants(*, meeting: Meeting) -> list[Registration]:
    """Active registrations, by member then capacity."""
    return list(
        Registration.objects.filter(invitation__meeting=meeting, status=RegistrationStatus.ACTIVE)
        .select_related("invitation__member", "delegate")
        .order_by("invitation__member__name", "capacity", "delegate__full_name")
    )


@dataclass
class RsvpGrid:
    """Members by answer: rows the actor may see, and counts for everyone who sees the meeting."""

    statuses: list[tuple[str, str]]
    counts: dict[str, int]
    rows: list[Invitation]
    total: int

    @property
    def columns(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.counts[value]) for value, label in self.statuses]


def rsvp_grid(*, actor: Actor, meeting: Meeting) -> RsvpGrid:
    """Two queries whatever the number of members: the counts and the visible rows."""
    counts = dict.fromkeys(InvitationStatus.values, 0)
    for row in Invitation.objects.filter(meeting=meeting).values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    rows = (
        Invitation.objects.filter(meeting=meeting)
        .select_related("member")
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.ACTIVE))
        )
        .order_by("member__name")
    )
    if not actor.is_secretariat:
        rows = rows.filter(member_id=actor.member_id) if actor.member_id else rows.none()
    return RsvpGrid(
        statuses=list(InvitationStatus.choices), counts=counts, rows=list(rows), total=sum(counts.values())
    )


# Agenda, documents, outcomes, action items ----------------------------------------------------


def document_list(*, actor: Actor) -> QuerySet[Document]:
    documents = Document.objects.select_related("meeting").prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number")), "restricted_to"
    )
    if actor.is_secretariat:
        return documents
    visible = confidentiality.visible_q(actor, named=confidentiality.named_q(actor, Document.restricted_to))
    return documents.filter(visible, meeting__in=visible_meeting_ids(actor))


def document_get(*, actor: Actor, pk: int) -> Document:
    return get_visible(document_list(actor=actor), pk, gettext_lazy("No such document."))


def document_version(document: Document, number: int | None) -> DocumentVersion:
    """The latest version, or the numbered one; a document without files has nothing to download."""
    versions = document.versions.all()  # prefetched, newest first
    version = next((v for v in versions if number is None or v.number == number), None)
    if version is None:
        raise NotFound(gettext("No such version of this document."))
    return version


def agenda_item_list(*, actor: Actor) -> QuerySet[AgendaItem]:
    items = AgendaItem.objects.select_related("meeting", "presenter").prefetch_related(
        Prefetch("documents", queryset=document_list(actor=actor).order_by("title", "pk"))
    )
    if actor.is_secretariat:
        return items
    return items.filter(meeting__in=visible_meeting_ids(actor))


def agenda_item_get(*, actor: Actor, pk: int) -> AgendaItem:
    return get_visible(agenda_item_list(actor=actor), pk, gettext_lazy("No such agenda item."))


def outcome_list(*, actor: Actor) -> QuerySet[Outcome]:
    """Outcomes of visible meetings; `document_visible_id` is the linked document's id when it
    passes the confidentiality rule for this actor (show it through confidentiality.linked)."""
    outcomes = Outcome.objects.select_related("meeting", "document").annotate(
        **confidentiality.link_visible(actor, link="document", visible=document_list(actor=actor))
    )
    if actor.is_secretariat:
        return outcomes
    return outcomes.filter(meeting__in=visible_meeting_ids(actor))


def outcome_get(*, actor: Actor, pk: int) -> Outcome:
    return get_visible(outcome_list(actor=actor), pk, gettext_lazy("No such outcome."))


def action_item_list(*, actor: Actor) -> QuerySet[ActionItem]:
    """Action items are internal follow-up: delegations and the secretariat, not public tokens."""
    items = ActionItem.objects.select_related("meeting", "outcome", "owner")
    if actor.is_secretariat:
        return items
    if not actor.sees_members_level:
        return items.none()
    return items.filter(meeting__in=visible_meeting_ids(actor))


def action_item_get(*, actor: Actor, pk: int) -> ActionItem:
    return get_visible(action_item_list(actor=actor), pk, gettext_lazy("No such action item."))


# Scheduling help ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    meeting: Meeting
    members: tuple[str, ...]  # ISO codes invited to both


def overlapping_meetings(
    *, starts_at: datetime.datetime, ends_at: datetime.datetime, exclude_pk: int | None = None
) -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        status=MeetingStatus.CANCELLED
    )
    return meetings.exclude(pk=exclude_pk) if exclude_pk else meetings


def meeting_clashes(meeting: Meeting) -> list[Clash]:
    """Other live meetings at the same time that share at least one invited member (one query)."""
    if meeting.status == MeetingStatus.CANCELLED:
        return []
    overlapping = overlapping_meetings(
        starts_at=meeting.starts_at, ends_at=meeting.ends_at, exclude_pk=meeting.pk
    )
    shared = (
        Invitation.objects.filter(
            meeting__in=overlapping.values("pk"),
            member_id__in=Invitation.objects.filter(meeting=meeting).values("member_id"),
        )
        .select_related("meeting", "member")
        .order_by("meeting__starts_at", "meeting_id", "member__iso2")
    )
    by_meeting: dict[int, tuple[Meeting, list[str]]] = {}
    for invitation in shared:
        by_meeting.setdefault(invitation.meeting_id, (invitation.meeting, []))[1].append(
            invitation.member.iso2
        )
    return [Clash(meeting=other, members=tuple(codes)) for other, codes in by_meeting.values()]


def local_date(moment: datetime.datetime, time_zone: str) -> datetime.date:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def default_chair(*, starts_at: datetime.datetime, venue_time_zone: str) -> Member | None:
    """The chair on the meeting's first day where it takes place (None in a rotation gap)."""
    term = chair_on(local_date(starts_at, venue_time_zone))
    return term.member if term else None


@dataclass
class Warnings:
    clashes: list[Clash] = field(default_factory=list)
    rotation_gap: bool = False
    gap_note: str = ""

    def __bool__(self) -> bool:
        return bool(self.clashes or self.rotation_gap)


def scheduling_warnings(meeting: Meeting) -> Warnings:
    """What the secretariat should know before going ahead: clashes and a chair-less date."""
    warnings = Warnings(clashes=meeting_clashes(meeting) if meeting.pk else [])
    day = local_date(meeting.starts_at, meeting.venue_time_zone)
    rotation = rotation_on(day)
    if rotation.current is None:
        warnings.rotation_gap = True
        # Rendered on the page being built, in its language.
        day_format = gettext("j M Y")
        if rotation.gap and rotation.gap.ends_on:
            warnings.gap_note = gettext("No chair term covers %(day)s (gap until %(until)s).") % {
                "day": date_format(day, day_format),
                "until": date_format(rotation.gap.ends_on, day_format),
            }
        else:
            warnings.gap_note = gettext("No chair term covers %(day)s; no successor is designated.") % {
                "day": date_format(day, day_format)
            }
    return warnings


def burden_history(*, members: list[Member], last: int = 10) -> dict[str, int]:
    """Out-of-hours counts per member over the last `last` virtual meetings they were invited to
    (two queries)."""
    recent = list(
        Meeting.objects.filter(venue_name="", starts_at__lt=timezone.now())
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(Exists(Invitation.objects.filter(meeting_id=OuterRef("pk"), member__in=members)))
        .order_by("-starts_at")[:last]
        .prefetch_related(
            Prefetch(
                "invitations", queryset=Invitation.objects.filter(member__in=members).select_related("member")
            )
        )
    )
    history = [
        (
            meeting.starts_at,
            meeting.ends_at,
            [
                slots.Delegation(inv.member.iso2, inv.member.capital_time_zone)
                for inv in meeting.invitations.all()
            ],
        )
        for meeting in recent
    ]
    counts = dict.fromkeys((member.iso2 for member in members), 0)
    counts.update(slots.burden_from(history))
    return counts


def delegations_of(members: list[Member]) -> list[slots.Delegation]:
    return [slots.Delegation(member.iso2, member.capital_time_zone) for member in members]


# Calendars -----------------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    meetings: list[Meeting]


def month_grid(meetings: list[Meeting], *, year: int, month: int, time_zone: str) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each day with the meetings it spans in `time_zone`."""
    tz = zoneinfo.ZoneInfo(time_zone)
    by_day: dict[datetime.date, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        day = meeting.starts_at.astimezone(tz).date()
        last = (meeting.ends_at - datetime.timedelta(microseconds=1)).astimezone(tz).date()
        while day <= last:
            by_day[day].append(meeting)
            day += datetime.timedelta(days=1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[Day(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks]


def month_bounds(year: int, month: int, time_zone: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants the displayed grid spans (whole weeks around the month)."""
    tz = zoneinfo.ZoneInfo(time_zone)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1] + datetime.timedelta(days=1)
    return (
        datetime.datetime.combine(first, datetime.time(0), tzinfo=tz),
        datetime.datetime.combine(last, datetime.time(0), tzinfo=tz),
    )


def feed_token_for(*, user=None, member: Member | None = None) -> CalendarFeedToken | None:
    tokens = CalendarFeedToken.objects.filter(revoked_at__isnull=True).select_related("issued_by")
    if user is not None:
        return tokens.filter(user=user).first()
    return tokens.filter(member=member).first()


def feed_token_get(token: str) -> CalendarFeedToken:
    if not 20 <= len(token) <= 64:
        raise NotFound(gettext("No such calendar."))
    live = CalendarFeedToken.objects.filter(revoked_at__isnull=True).select_related("user", "member")
    return get_visible(live, token_hash(token), "No such calendar.", field="token_hash")


def feed_meetings(*, actor: Actor) -> QuerySet[Meeting]:
    """What a calendar shows: the meetings its owner may see, from a year back on."""
    since = timezone.now() - datetime.timedelta(days=366)
    return meeting_list(actor=actor).filter(ends_at__gte=since).order_by("starts_at", "pk")
