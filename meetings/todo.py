"""What needs doing about meetings: a delegation's to-do list and the secretariat's day.

Reads only, each list one query whatever its length, built on the scoped selectors so a
delegation never sees another's rows. `now` is passed in so pages and tests agree on the day.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet

from core.actors import Actor
from meetings.choices import ActionItemStatus, InvitationStatus, MeetingStatus, RegistrationStatus
from meetings.models import ActionItem, Invitation, Meeting
from meetings.selectors import action_item_list, invitation_list, meeting_list

OPEN_MEETING = ~Q(status__in=[MeetingStatus.CANCELLED, MeetingStatus.HELD, MeetingStatus.DRAFT])
OPEN_ACTIONS = [ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS]
# How far ahead the secretariat looks for delegations without credentials.
ACCREDITATION_HORIZON = datetime.timedelta(days=45)


def _own_upcoming_invitations(actor: Actor, now: datetime.datetime) -> QuerySet[Invitation]:
    if not actor.member_id:
        return Invitation.objects.none()
    return (
        invitation_list(actor=actor)
        .filter(member_id=actor.member_id, meeting__ends_at__gte=now)
        .filter(Q(meeting__status__in=[MeetingStatus.ANNOUNCED, MeetingStatus.CONFIRMED]))
    )


def invitations_to_answer(*, actor: Actor, now: datetime.datetime, limit: int = 20) -> list[Invitation]:
    """The delegation's pending invitations, the nearest RSVP deadline first."""
    return list(
        _own_upcoming_invitations(actor, now)
        .filter(status=InvitationStatus.PENDING)
        .order_by(F("meeting__rsvp_deadline").asc(nulls_last=True), "meeting__starts_at", "pk")[:limit]
    )


def registrations_open(*, actor: Actor, now: datetime.datetime, limit: int = 20) -> list[Invitation]:
    """Accepted (or tentative) invitations of meetings still ahead, with seats counted."""
    active = Count("registrations", filter=Q(registrations__status=RegistrationStatus.ACTIVE))
    return list(
        _own_upcoming_invitations(actor, now)
        .filter(status__in=[InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE])
        .annotate(registered=active)
        .order_by("meeting__starts_at", "pk")[:limit]
    )


def own_action_items(*, actor: Actor, limit: int = 20) -> list[ActionItem]:
    """Open action items the delegation owns, the earliest due first."""
    if not actor.member_id:
        return []
    return list(
        action_item_list(actor=actor)
        .filter(owner_id=actor.member_id, status__in=OPEN_ACTIONS)
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:limit]
    )


def invited_meetings_ahead(*, actor: Actor, now: datetime.datetime, limit: int = 5) -> list[Meeting]:
    """The next meetings the delegation is invited to (whatever it answered but a decline)."""
    if not actor.member_id:
        return []
    invited = Invitation.objects.filter(member_id=actor.member_id).exclude(status=InvitationStatus.DECLINED)
    return list(
        meeting_list(actor=actor)
        .filter(ends_at__gte=now, pk__in=invited.values("meeting_id"))
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")[:limit]
    )


# The secretariat's day ---------------------------------------------------------------------


def answers_overdue(*, actor: Actor, now: datetime.datetime, limit: int = 20) -> list[Meeting]:
    """Meetings ahead whose RSVP deadline has passed with members still silent (`silent`)."""
    if not actor.is_secretariat:
        return []
    silent = Count("invitations", filter=Q(invitations__status=InvitationStatus.PENDING))
    return list(
        meeting_list(actor=actor)
        .filter(OPEN_MEETING, rsvp_deadline__lt=now, starts_at__gte=now)
        .annotate(silent=silent)
        .filter(silent__gt=0)
        .order_by("starts_at", "pk")[:limit]
    )


def accreditation_to_check(*, actor: Actor, now: datetime.datetime, limit: int = 20) -> list[Meeting]:
    """Meetings in the coming weeks with delegations that accepted but sent no credentials
    (`without_credentials`) or sent credentials the secretariat should look at (`with_credentials`)."""
    if not actor.is_secretariat:
        return []
    accepted = Q(invitations__status=InvitationStatus.ACCEPTED)
    return list(
        meeting_list(actor=actor)
        .filter(OPEN_MEETING, starts_at__gte=now, starts_at__lte=now + ACCREDITATION_HORIZON)
        .annotate(
            without_credentials=Count("invitations", filter=accepted & Q(invitations__credentials="")),
            with_credentials=Count("invitations", filter=accepted & ~Q(invitations__credentials="")),
        )
        .filter(Q(without_credentials__gt=0) | Q(with_credentials__gt=0))
        .order_by("starts_at", "pk")[:limit]
    )
