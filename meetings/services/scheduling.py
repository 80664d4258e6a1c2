"""Scheduling meetings: dates, chair by rotation, status moves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from core.actors import Actor
from core.services import require_settable
from core.tracking import tracked_create, tracked_update
from meetings import permissions, selectors
from meetings.choices import MEETING_TRANSITIONS, MeetingStatus
from meetings.models import Meeting
from meetings.reminders import meeting_reminders_plan
from meetings.services.common import audience_set, row_lock
from members.models import Member

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
        raise ValidationError({"status": gettext("A new meeting starts as a draft or announced.")})
    meeting = Meeting(status=status, **require_settable(fields, MEETING_FIELDS))
    meeting.full_clean()
    for name, value in _date_dependent(meeting, follow_rotation=meeting.chaired_by_id is None).items():
        setattr(meeting, name, value)
    tracked_create(meeting, actor=actor)
    audience_set(meeting, restricted_to, actor=actor)
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
    locked = row_lock(meeting)
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
        audience_set(saved, restricted_to, actor=actor)
    return saved


def status_move_check(current: str, wanted: str) -> None:
    """The one place that says which status moves are legal."""
    if wanted not in MeetingStatus.values:
        raise ValidationError({"status": gettext("“%(value)s” is not a meeting status.") % {"value": wanted}})
    if wanted not in MEETING_TRANSITIONS[current]:
        allowed = ", ".join(MeetingStatus(s).label.lower() for s in sorted(MEETING_TRANSITIONS[current]))
        raise ValidationError(
            {
                "status": (
                    gettext(
                        "A meeting cannot go from %(current)s to %(wanted)s; from here it can become: %(allowed)s."
                    )
                    if allowed
                    else gettext("A meeting cannot go from %(current)s to %(wanted)s; this status is final.")
                )
                % {
                    "current": MeetingStatus(current).label.lower(),
                    "wanted": MeetingStatus(wanted).label.lower(),
                    "allowed": allowed,
                }
            }
        )


@transaction.atomic
def meeting_status_change(*, actor: Actor, meeting: Meeting, status: str) -> Meeting:
    permissions.require_manage(actor)
    locked = row_lock(meeting)
    status_move_check(locked.status, status)
    saved = tracked_update(
        locked,
        actor=actor,
        fields={"status": status, "ics_sequence": locked.ics_sequence + 1},
        action="status",
    )
    meeting_reminders_plan(meeting=saved)  # a cancelled or held meeting cancels its reminders
    return saved
