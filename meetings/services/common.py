"""What several meeting services share: row locks, closed statuses, restricted audiences."""

from __future__ import annotations

from collections.abc import Iterable

from core.actors import Actor
from core.tracking import audit_record, touch
from meetings.choices import MeetingStatus
from meetings.models import Document, Meeting
from members.models import Member

CLOSED_STATUSES = (MeetingStatus.CANCELLED, MeetingStatus.HELD)


def row_lock(instance):
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def audience_set(obj: Meeting | Document, members: Iterable[Member], *, actor: Actor) -> None:
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
