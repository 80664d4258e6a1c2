"""Every write to meetings, invitations, registrations, agenda, documents, outcomes and feeds.

Each service checks who may act, validates, writes through core.tracking (audit and change
feed in the caller's transaction) and returns what it saved. The functions are the seams other
parts hook into (reminders add one call after `invitations_send`, `meeting_status_change`, ...).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from core.actors import Actor
from core.errors import Forbidden, NotFound
from core.services import require_settable
from core.tracking import audit_record, change_record, touch, tracked_create, tracked_delete, tracked_update
from meetings import permissions, selectors
from meetings.choices import (
    ANSWERS,
    MEETING_TRANSITIONS,
    InvitationStatus,
    MeetingStatus,
    RegistrationStatus,
)
from meetings.extract import extract_text
from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeedToken,
    Document,
    DocumentText,
    DocumentVersion,
    Invitation,
    Meeting,
    Outcome,
    Registration,
)
from meetings.reminders import (
    action_item_reminders_cancel,
    action_item_reminders_plan,
    document_published_plan,
    meeting_reminders_plan,
)
from meetings.uploads import CREDENTIAL_EXTENSIONS, DOCUMENT_EXTENSIONS, check_upload
from members.choices import MemberStatus
from members.models import Delegate, Member

MEETING_FIELDS = {
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_time_zone",
    "virtual_link",
    "margins_of",
    "host",
    "chaired_by",
    "rsvp_deadline",
    "confidentiality",
}
# What a calendar entry shows: a change to any of these raises the iCalendar SEQUENCE.
CALENDAR_FIELDS = {
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_time_zone",
    "virtual_link",
    "status",
}
AGENDA_FIELDS = {"title", "description", "duration_minutes", "presenter"}
DOCUMENT_FIELDS = {"title", "description", "confidentiality"}
OUTCOME_FIELDS = {"kind", "title", "text", "adopted_on", "document"}
ACTION_ITEM_FIELDS = {"outcome", "owner", "description", "due_on", "status"}
# Members "all members" means: everyone in the forum except those who left or are suspended.
INVITABLE_STATUSES = (
    MemberStatus.MEMBER,
    MemberStatus.PARTICIPANT,
    MemberStatus.OBSERVER,
    MemberStatus.INVITED,
)
CLOSED_STATUSES = (MeetingStatus.CANCELLED, MeetingStatus.HELD)


def _lock(instance):
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def _set_audience(obj: Meeting | Document, members: Iterable[Member], *, actor: Actor) -> None:
    """Replace the members named on a restricted meeting or document, audited, and mark it
    changed so synced copies re-check who may see it."""
    wanted = {member.pk: member for member in members}
    current = {member.pk: member.iso2 for member in obj.restricted_to.all()}
    if set(wanted) == set(current):
        return
    obj.restricted_to.set(list(wanted.values()))
    after = sorted(member.iso2 for member in wanted.values())
    audit_record(
        actor=actor,
        instance=obj,
        action="audience",
        changes={"restricted_to": [sorted(current.values()), after]},
    )
    touch(obj)


# Meetings ---------------------------------------------------------------------------------


def _date_dependent(meeting: Meeting, *, follow_rotation: bool) -> dict:
    """Rotation-gap flag (and, when the chair follows the rotation, the chair) for the meeting's
    date in its venue's time zone."""
    chair = selectors.default_chair(starts_at=meeting.starts_at, venue_time_zone=meeting.venue_time_zone)
    fields: dict[str, Any] = {"in_rotation_gap": chair is None}
    if follow_rotation:
        fields["chaired_by"] = chair
    return fields


@transaction.atomic
def meeting_schedule(
    *, actor: Actor, restricted_to: Iterable[Member] = (), status: str = MeetingStatus.DRAFT, **fields: Any
) -> Meeting:
    """Create a meeting (draft, or announced straight away), chaired by default (no chair, or
    None) by the chair on its first day where it takes place; a date in a rotation gap is flagged."""
    permissions.require_manage(actor)
    if status not in (MeetingStatus.DRAFT, MeetingStatus.ANNOUNCED):
        raise ValidationError({"status": "A new meeting starts as a draft or announced."})
    meeting = Meeting(status=status, **require_settable(fields, MEETING_FIELDS))
    meeting.full_clean()
    for name, value in _date_dependent(meeting, follow_rotation=meeting.chaired_by_id is None).items():
        setattr(meeting, name, value)
    tracked_create(meeting, actor=actor)
    _set_audience(meeting, restricted_to, actor=actor)
    meeting_reminders_plan(meeting=meeting)
    return meeting


def _follows_rotation(locked: Meeting, fields: dict[str, Any]) -> bool:
    """Whether the chair goes with the rotation after this change.

    A chair named in `fields` was chosen and stays; `chaired_by=None` asks for the rotation's
    chair. Left out, the chair follows the rotation only if it was the rotation's chair on the
    old date, so a chair the secretariat chose earlier survives a move.
    """
    if "chaired_by" in fields:
        return fields["chaired_by"] is None
    previous = selectors.default_chair(starts_at=locked.starts_at, venue_time_zone=locked.venue_time_zone)
    return locked.chaired_by_id == (previous.pk if previous else None)


@transaction.atomic
def meeting_update(
    *, actor: Actor, meeting: Meeting, restricted_to: Iterable[Member] | None = None, **fields: Any
) -> Meeting:
    """Change a meeting. Moving it (date or venue time zone) across a chair handover gives it the
    new date's chair unless a chair is chosen in the same change or was chosen before; clearing
    the chair gives it the rotation's chair for its date."""
    permissions.require_manage(actor)
    fields = require_settable(fields, MEETING_FIELDS)
    locked = _lock(meeting)
    changed = {name for name, value in fields.items() if getattr(locked, name) != value}
    if changed & {"starts_at", "venue_time_zone"} or (
        "chaired_by" in fields and fields["chaired_by"] is None
    ):
        proposed = Meeting(**{**{f: getattr(locked, f) for f in MEETING_FIELDS}, **fields})
        proposed.full_clean(exclude=["restricted_to"])
        fields = {**fields, **_date_dependent(proposed, follow_rotation=_follows_rotation(locked, fields))}
    if changed & CALENDAR_FIELDS:
        fields["ics_sequence"] = locked.ics_sequence + 1
    saved = tracked_update(locked, actor=actor, fields=fields)
    meeting_reminders_plan(meeting=saved)  # a moved meeting or deadline moves its reminders
    if restricted_to is not None:
        _set_audience(saved, restricted_to, actor=actor)
    return saved


def status_move_check(current: str, wanted: str) -> None:
    """The one place that says which status moves are legal."""
    if wanted not in MeetingStatus.values:
        raise ValidationError({"status": f"“{wanted}” is not a meeting status."})
    if wanted not in MEETING_TRANSITIONS[current]:
        allowed = ", ".join(MeetingStatus(s).label.lower() for s in sorted(MEETING_TRANSITIONS[current]))
        raise ValidationError(
            {
                "status": f"A meeting cannot go from {MeetingStatus(current).label.lower()} to "
                f"{MeetingStatus(wanted).label.lower()}"
                + (f"; from here it can become: {allowed}." if allowed else "; this status is final.")
            }
        )


@transaction.atomic
def meeting_status_change(*, actor: Actor, meeting: Meeting, status: str) -> Meeting:
    permissions.require_manage(actor)
    locked = _lock(meeting)
    status_move_check(locked.status, status)
    saved = tracked_update(
        locked,
        actor=actor,
        fields={"status": status, "ics_sequence": locked.ics_sequence + 1},
        action="status",
    )
    meeting_reminders_plan(meeting=saved)  # a cancelled or held meeting cancels its reminders
    return saved


# Invitations ----------------------------------------------------------------------------


def _require_open(meeting: Meeting, field: str) -> None:
    if meeting.status in CLOSED_STATUSES:
        raise ValidationError({field: f"The meeting is {meeting.get_status_display().lower()}."})


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
    locked = _lock(meeting)  # serialises concurrent invitation rounds for this meeting
    _require_open(locked, "members")
    chosen = [member.pk for member in members]
    statuses = list(member_statuses)
    if all_members:
        targets = Member.objects.filter(status__in=INVITABLE_STATUSES)
    elif chosen or statuses:
        targets = Member.objects.filter(pk__in=chosen) | Member.objects.filter(status__in=statuses)
    else:
        raise ValidationError({"members": "Choose members, member statuses, or all members."})
    if seats_quota < 1:
        raise ValidationError({"seats_quota": "Give at least one seat."})
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
    locked = _lock(invitation)
    if status not in ANSWERS:
        raise ValidationError({"status": "Answer accepted, declined or tentative."})
    meeting = locked.meeting
    _require_open(meeting, "status")
    on_behalf = not actor.acts_for(locked.member_id)
    if not on_behalf and meeting.rsvp_deadline and timezone.now() > meeting.rsvp_deadline:
        raise ValidationError(
            {
                "status": f"The RSVP deadline passed on {meeting.rsvp_deadline:%d %b %Y %H:%M} UTC; ask the secretariat."
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
    locked = _lock(invitation)
    registered = selectors.active_registration_count(locked)
    if seats_quota < max(registered, 1):
        raise ValidationError(
            {"seats_quota": f"Give at least {max(registered, 1)}: {registered} delegate(s) are registered."}
        )
    return tracked_update(locked, actor=actor, fields={"seats_quota": seats_quota})


@transaction.atomic
def invitation_credentials_upload(*, actor: Actor, invitation: Invitation, file) -> Invitation:
    """Store the letter or note verbale (PDF) accrediting the delegation."""
    permissions.require_act_for(actor, invitation.member_id)
    checked = check_upload(file, field="credentials", extensions=CREDENTIAL_EXTENSIONS)
    locked = _lock(invitation)
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
        raise ValidationError({"delegate": f"Choose a person from {invitation.member.name}'s delegation."})
    if not delegate.is_active_on(
        selectors.local_date(invitation.meeting.starts_at, invitation.meeting.venue_time_zone)
    ):
        raise ValidationError({"delegate": f"{delegate.full_name} is not active on the meeting's date."})
    if invitation.registrations.filter(status=RegistrationStatus.ACTIVE, delegate=delegate).exists():
        raise ValidationError({"delegate": f"{delegate.full_name} is already registered."})


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
        raise ValidationError({"invitation": "Accept the invitation before registering delegates."})
    _check_delegate(locked, delegate)
    registered = selectors.active_registration_count(locked)
    if registered >= locked.seats_quota:
        raise ValidationError(
            {
                "delegate": f"All {locked.seats_quota} seats of this delegation are taken; withdraw or substitute someone."
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
    current = _lock(registration)
    if current.status != RegistrationStatus.ACTIVE:
        raise ValidationError({"delegate": "Only a registered delegate can be substituted."})
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
    current = _lock(registration)
    if current.status != RegistrationStatus.ACTIVE:
        raise ValidationError({"status": "This registration is no longer active."})
    saved = tracked_update(
        current, actor=actor, fields={"status": RegistrationStatus.WITHDRAWN}, action="withdraw"
    )
    meeting_reminders_plan(meeting=saved.invitation.meeting)
    return saved


# Agenda -----------------------------------------------------------------------------------


def _check_documents(meeting: Meeting, documents: Iterable[Document]) -> list[Document]:
    documents = list(documents)
    if any(document.meeting_id != meeting.pk for document in documents):
        raise ValidationError({"documents": "Link only this meeting's documents."})
    return documents


def _set_documents(item: AgendaItem, documents: list[Document], *, actor: Actor) -> None:
    before = sorted(item.documents.values_list("pk", flat=True))
    after = sorted(document.pk for document in documents)
    if before == after:
        return
    item.documents.set(documents)
    audit_record(actor=actor, instance=item, action="documents", changes={"documents": [before, after]})
    touch(item)


@transaction.atomic
def agenda_item_create(
    *, actor: Actor, meeting: Meeting, documents: Iterable[Document] = (), **fields: Any
) -> AgendaItem:
    permissions.require_manage(actor)
    locked = _lock(meeting)  # positions are handed out one at a time
    documents = _check_documents(locked, documents)
    last = locked.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = tracked_create(
        AgendaItem(meeting=locked, position=last + 1, **require_settable(fields, AGENDA_FIELDS)), actor=actor
    )
    _set_documents(item, documents, actor=actor)
    return item


@transaction.atomic
def agenda_item_update(
    *, actor: Actor, item: AgendaItem, documents: Iterable[Document] | None = None, **fields: Any
) -> AgendaItem:
    permissions.require_manage(actor)
    saved = tracked_update(item, actor=actor, fields=require_settable(fields, AGENDA_FIELDS))
    if documents is not None:
        _set_documents(saved, _check_documents(item.meeting, documents), actor=actor)
    return saved


@transaction.atomic
def agenda_item_delete(*, actor: Actor, item: AgendaItem) -> None:
    permissions.require_manage(actor)
    meeting = _lock(item.meeting)
    tracked_delete(item, actor=actor)
    # Close the gap: ascending order, so each item moves into a position just vacated.
    for follower in meeting.agenda_items.filter(position__gt=item.position).order_by("position"):
        tracked_update(follower, actor=actor, fields={"position": follower.position - 1})


@transaction.atomic
def agenda_reorder(*, actor: Actor, meeting: Meeting, order: list[int]) -> list[AgendaItem]:
    """Put the agenda in the given order of item ids (all of them, each once).

    Positions are unique per meeting, so the items first move out of the way (above every
    current position) and then into place; one audit entry records the old and new order.
    """
    permissions.require_manage(actor)
    locked = _lock(meeting)
    items = {item.pk: item for item in locked.agenda_items.select_for_update().order_by("position")}
    if sorted(order) != sorted(items) or len(set(order)) != len(order):
        raise ValidationError({"order": "List every agenda item of this meeting exactly once."})
    before = list(items)
    if before == list(order):
        return [items[pk] for pk in order]
    offset = len(items) + max((item.position for item in items.values()), default=0)
    AgendaItem.objects.filter(meeting=locked).update(position=F("position") + offset)
    now = timezone.now()
    for position, pk in enumerate(order, start=1):
        AgendaItem.objects.filter(pk=pk).update(position=position, updated_at=now)
        items[pk].position, items[pk].updated_at = position, now
        change_record(instance=items[pk])
    audit_record(
        actor=actor, instance=locked, action="agenda_reorder", changes={"agenda": [before, list(order)]}
    )
    return [items[pk] for pk in order]


# Documents --------------------------------------------------------------------------------


def _add_version(document: Document, checked, *, actor: Actor) -> DocumentVersion:
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    text = extract_text(checked.file, checked.name)  # before storage takes the file
    version = DocumentVersion(
        document=document,
        number=last + 1,
        file=checked.file,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=timezone.now(),
        uploaded_by_label=actor.label,
        uploaded_by_user_id=actor.user_id,
    )
    version = tracked_create(version, actor=actor)
    DocumentText.objects.update_or_create(
        document=document,
        defaults={"version_number": version.number, "text": text},
    )
    return version


@transaction.atomic
def document_upload(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    file,
    description: str = "",
    confidentiality: str | None = None,
    restricted_to: Iterable[Member] = (),
) -> Document:
    """A new document with its first version; the file is checked before anything is written."""
    permissions.require_manage(actor)
    checked = check_upload(file, field="file", extensions=DOCUMENT_EXTENSIONS)
    document = Document(meeting=meeting, title=title, description=description)
    if confidentiality:
        document.confidentiality = confidentiality
    tracked_create(document, actor=actor)
    _set_audience(document, restricted_to, actor=actor)
    version = _add_version(document, checked, actor=actor)
    document_published_plan(version=version)  # after the audience is set: it decides who is told
    return document


@transaction.atomic
def document_version_upload(*, actor: Actor, document: Document, file) -> DocumentVersion:
    """A new version of a document; earlier versions stay downloadable."""
    permissions.require_manage(actor)
    checked = check_upload(file, field="file", extensions=DOCUMENT_EXTENSIONS)
    locked = _lock(document)  # version numbers are handed out one at a time
    version = _add_version(locked, checked, actor=actor)
    touch(locked)  # the document's latest version is part of what it shows
    document_published_plan(version=version)
    return version


@transaction.atomic
def document_update(
    *, actor: Actor, document: Document, restricted_to: Iterable[Member] | None = None, **fields: Any
) -> Document:
    permissions.require_manage(actor)
    saved = tracked_update(document, actor=actor, fields=require_settable(fields, DOCUMENT_FIELDS))
    if restricted_to is not None:
        _set_audience(saved, restricted_to, actor=actor)
    return saved


# Outcomes and action items -------------------------------------------------------------------


def _check_same_meeting(meeting: Meeting, field: str, obj) -> None:
    if obj is not None and obj.meeting_id != meeting.pk:
        raise ValidationError({field: "Choose one from this meeting."})


@transaction.atomic
def outcome_create(*, actor: Actor, meeting: Meeting, **fields: Any) -> Outcome:
    permissions.require_manage(actor)
    fields = require_settable(fields, OUTCOME_FIELDS)
    _check_same_meeting(meeting, "document", fields.get("document"))
    return tracked_create(Outcome(meeting=meeting, **fields), actor=actor)


@transaction.atomic
def outcome_update(*, actor: Actor, outcome: Outcome, **fields: Any) -> Outcome:
    permissions.require_manage(actor)
    fields = require_settable(fields, OUTCOME_FIELDS)
    _check_same_meeting(outcome.meeting, "document", fields.get("document"))
    return tracked_update(outcome, actor=actor, fields=fields)


@transaction.atomic
def outcome_delete(*, actor: Actor, outcome: Outcome) -> None:
    permissions.require_manage(actor)
    tracked_delete(outcome, actor=actor)


@transaction.atomic
def action_item_create(*, actor: Actor, meeting: Meeting, **fields: Any) -> ActionItem:
    permissions.require_manage(actor)
    fields = require_settable(fields, ACTION_ITEM_FIELDS)
    _check_same_meeting(meeting, "outcome", fields.get("outcome"))
    item = tracked_create(ActionItem(meeting=meeting, **fields), actor=actor)
    action_item_reminders_plan(items=[item])
    return item


@transaction.atomic
def action_item_update(*, actor: Actor, item: ActionItem, **fields: Any) -> ActionItem:
    """The secretariat edits everything; the owning delegation reports the status only."""
    fields = require_settable(fields, ACTION_ITEM_FIELDS)
    if not permissions.can_manage_meetings(actor):
        if not permissions.can_update_action_item_status(actor, item.owner_id):
            raise Forbidden("Only the secretariat or the owning delegation updates this action item.")
        if set(fields) - {"status"}:
            raise ValidationError(
                dict.fromkeys(sorted(set(fields) - {"status"}), "Only the secretariat changes this.")
            )
    _check_same_meeting(item.meeting, "outcome", fields.get("outcome"))
    saved = tracked_update(item, actor=actor, fields=fields)
    # A new date moves the notices; done, dropped or another owner cancels or re-addresses them.
    action_item_reminders_plan(items=[saved])
    return saved


@transaction.atomic
def action_item_delete(*, actor: Actor, item: ActionItem) -> None:
    permissions.require_manage(actor)
    action_item_reminders_cancel(item=item)
    tracked_delete(item, actor=actor)


# Calendar feeds ------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_issue(*, actor: Actor, user=None, member: Member | None = None) -> CalendarFeedToken:
    """A new secret link for a user's or a delegation's calendar; the previous link stops working."""
    if (user is None) == (member is None):
        raise ValidationError("A calendar belongs to a user or to a delegation.")
    if user is not None and actor.user_id != user.pk:
        raise NotFound("No such calendar.")
    if member is not None and not permissions.can_act_for_member(actor, member.pk):
        raise NotFound("No such calendar.")
    now = timezone.now()
    owner = {"user": user} if user is not None else {"member": member}
    for old in CalendarFeedToken.objects.select_for_update().filter(revoked_at__isnull=True, **owner):
        tracked_update(old, actor=actor, fields={"revoked_at": now}, action="revoke")
    return tracked_create(
        CalendarFeedToken(token=secrets.token_urlsafe(32), created_at=now, **owner), actor=actor
    )
