"""Invitations (send, answer, quota, credentials) and the registrations they allow."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from core.actors import Actor
from core.tracking import touch, tracked_create, tracked_update
from meetings import permissions, selectors
from meetings.choices import ANSWERS, InvitationStatus, RegistrationStatus
from meetings.models import Invitation, Meeting, Registration
from meetings.reminders import meeting_reminders_plan
from meetings.services.common import CLOSED_STATUSES, row_lock
from meetings.uploads import CREDENTIAL_EXTENSIONS, check_upload
from members.choices import MemberStatus
from members.models import Delegate, Member

# Members "all members" means: everyone in the forum except those who left or are suspended.
INVITABLE_STATUSES = (
    MemberStatus.MEMBER,
    MemberStatus.PARTICIPANT,
    MemberStatus.OBSERVER,
    MemberStatus.INVITED,
)


def _require_open(meeting: Meeting, field: str) -> None:
    if meeting.status in CLOSED_STATUSES:
        status = meeting.get_status_display().lower()
        raise ValidationError({field: gettext("The meeting is %(status)s.") % {"status": status}})


@transaction.atomic
def invitations_send(
    *,
    actor: Actor,
    meeting: Meeting,
    all_members: bool = False,
    members: Iterable[Member] = (),
    member_statuses: Iterable[str] = (),
    seats_quota: int = 3,
) -> list[Invitation]:
    """Invite all members, a chosen set, or every member with given statuses, in one action.

    Members already invited are skipped, so sending twice invites nobody twice.
    """
    permissions.require_manage(actor)
    locked = row_lock(meeting)  # serialises concurrent invitation rounds for this meeting
    _require_open(locked, "members")
    chosen = [member.pk for member in members]
    statuses = list(member_statuses)
    if all_members:
        targets = Member.objects.filter(status__in=INVITABLE_STATUSES)
    elif chosen or statuses:
        targets = Member.objects.filter(pk__in=chosen) | Member.objects.filter(status__in=statuses)
    else:
        raise ValidationError({"members": gettext("Choose members, member statuses, or all members.")})
    if seats_quota < 1:
        raise ValidationError({"seats_quota": gettext("Give at least one seat.")})
    already = set(locked.invitations.values_list("member_id", flat=True))
    created = [
        tracked_create(Invitation(meeting=locked, member=member, seats_quota=seats_quota), actor=actor)
        for member in targets.exclude(pk__in=already).order_by("name")
    ]
    if created:
        touch(locked)  # invited members may now see a restricted meeting
        meeting_reminders_plan(meeting=locked)
    return created


@transaction.atomic
def invitation_answer(*, actor: Actor, invitation: Invitation, status: str) -> Invitation:
    """Record an answer, by the delegation or by the secretariat on its behalf (recorded)."""
    permissions.require_act_for(actor, invitation.member_id)
    locked = row_lock(invitation)
    if status not in ANSWERS:
        raise ValidationError({"status": gettext("Answer accepted, declined or tentative.")})
    meeting = locked.meeting
    _require_open(meeting, "status")
    on_behalf = not actor.acts_for(locked.member_id)
    if not on_behalf and meeting.rsvp_deadline and timezone.now() > meeting.rsvp_deadline:
        raise ValidationError(
            {
                "status": gettext("The RSVP deadline passed on %(when)s UTC; ask the secretariat.")
                % {"when": date_format(meeting.rsvp_deadline, gettext("j M Y, H:i"))}
            }
        )
    saved = tracked_update(
        locked,
        actor=actor,
        fields={
            "status": status,
            "answered_at": timezone.now(),
            "answered_by_label": actor.label,
            "answered_by_user_id": actor.user_id,
            "answered_on_behalf": on_behalf,
        },
        action="answer",
    )
    if status == InvitationStatus.DECLINED:
        for registration in saved.registrations.filter(status=RegistrationStatus.ACTIVE):
            tracked_update(
                registration, actor=actor, fields={"status": RegistrationStatus.WITHDRAWN}, action="withdraw"
            )
    meeting_reminders_plan(meeting=meeting)  # an answer stops the RSVP reminders
    return saved


@transaction.atomic
def invitation_update(*, actor: Actor, invitation: Invitation, seats_quota: int) -> Invitation:
    permissions.require_manage(actor)
    locked = row_lock(invitation)
    registered = selectors.active_registration_count(locked)
    if seats_quota < max(registered, 1):
        raise ValidationError(
            {
                "seats_quota": gettext("Give at least %(least)s: %(registered)s delegate(s) are registered.")
                % {"least": max(registered, 1), "registered": registered}
            }
        )
    return tracked_update(locked, actor=actor, fields={"seats_quota": seats_quota})


@transaction.atomic
def invitation_credentials_upload(*, actor: Actor, invitation: Invitation, file) -> Invitation:
    """Store the letter or note verbale (PDF) accrediting the delegation."""
    permissions.require_act_for(actor, invitation.member_id)
    checked = check_upload(file, field="credentials", extensions=CREDENTIAL_EXTENSIONS)
    locked = row_lock(invitation)
    _require_open(locked.meeting, "credentials")
    return tracked_update(
        locked,
        actor=actor,
        fields={
            "credentials": checked.file,
            "credentials_name": checked.name,
            "credentials_uploaded_at": timezone.now(),
        },
        action="credentials",
    )


# Registrations ------------------------------------------------------------------------------


def _check_delegate(invitation: Invitation, delegate: Delegate) -> None:
    if delegate.member_id != invitation.member_id:
        raise ValidationError(
            {
                "delegate": gettext("Choose a person from %(member)s's delegation.")
                % {"member": invitation.member.name}
            }
        )
    if not delegate.is_active_on(
        selectors.local_date(invitation.meeting.starts_at, invitation.meeting.venue_time_zone)
    ):
        raise ValidationError(
            {
                "delegate": gettext("%(name)s is not active on the meeting's date.")
                % {"name": delegate.full_name}
            }
        )
    if invitation.registrations.filter(status=RegistrationStatus.ACTIVE, delegate=delegate).exists():
        raise ValidationError(
            {"delegate": gettext("%(name)s is already registered.") % {"name": delegate.full_name}}
        )


@transaction.atomic
def registration_add(
    *, actor: Actor, invitation: Invitation, delegate: Delegate, capacity: str | None = None
) -> Registration:
    """Register a named delegate within the invitation's quota.

    The invitation row is locked first, so two registrations racing for the last seat are
    counted one after the other and the second is refused.
    """
    permissions.require_act_for(actor, invitation.member_id)
    locked = Invitation.objects.select_for_update().select_related("meeting", "member").get(pk=invitation.pk)
    _require_open(locked.meeting, "delegate")
    if locked.status not in (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE):
        raise ValidationError({"invitation": gettext("Accept the invitation before registering delegates.")})
    _check_delegate(locked, delegate)
    registered = selectors.active_registration_count(locked)
    if registered >= locked.seats_quota:
        raise ValidationError(
            {
                "delegate": gettext(
                    "All %(seats)s seats of this delegation are taken; withdraw or substitute someone."
                )
                % {"seats": locked.seats_quota}
            }
        )
    registration = Registration(
        invitation=locked,
        delegate=delegate,
        capacity=capacity or delegate.capacity,
        registered_by_label=actor.label,
    )
    registration = tracked_create(registration, actor=actor)
    meeting_reminders_plan(meeting=locked.meeting)
    return registration


@transaction.atomic
def registration_substitute(
    *, actor: Actor, registration: Registration, delegate: Delegate, capacity: str | None = None
) -> Registration:
    """Give a registered delegate's seat to someone else; the replaced row stays as history."""
    invitation = registration.invitation
    permissions.require_act_for(actor, invitation.member_id)
    locked_invitation = (
        Invitation.objects.select_for_update().select_related("meeting", "member").get(pk=invitation.pk)
    )
    _require_open(locked_invitation.meeting, "delegate")
    current = row_lock(registration)
    if current.status != RegistrationStatus.ACTIVE:
        raise ValidationError({"delegate": gettext("Only a registered delegate can be substituted.")})
    _check_delegate(locked_invitation, delegate)
    substitute = tracked_create(
        Registration(
            invitation=locked_invitation,
            delegate=delegate,
            capacity=capacity or current.capacity,
            registered_by_label=actor.label,
        ),
        actor=actor,
    )
    tracked_update(
        current,
        actor=actor,
        fields={"status": RegistrationStatus.REPLACED, "replaced_by": substitute},
        action="substitute",
    )
    meeting_reminders_plan(meeting=locked_invitation.meeting)
    return substitute


@transaction.atomic
def registration_withdraw(*, actor: Actor, registration: Registration) -> Registration:
    permissions.require_act_for(actor, registration.invitation.member_id)
    current = row_lock(registration)
    if current.status != RegistrationStatus.ACTIVE:
        raise ValidationError({"status": gettext("This registration is no longer active.")})
    saved = tracked_update(
        current, actor=actor, fields={"status": RegistrationStatus.WITHDRAWN}, action="withdraw"
    )
    meeting_reminders_plan(meeting=saved.invitation.meeting)
    return saved
