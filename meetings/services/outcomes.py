"""What a meeting decided (outcomes) and who follows up (action items)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from core.actors import Actor
from core.errors import Forbidden
from core.services import require_settable
from core.tracking import tracked_create, tracked_delete, tracked_update
from meetings import permissions
from meetings.models import ActionItem, Meeting, Outcome
from meetings.reminders import action_item_reminders_cancel, action_item_reminders_plan

OUTCOME_FIELDS = {"kind", "title", "text", "adopted_on", "document"}
ACTION_ITEM_FIELDS = {"outcome", "owner", "description", "due_on", "status"}


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
            raise Forbidden(
                gettext("Only the secretariat or the owning delegation updates this action item.")
            )
        if set(fields) - {"status"}:
            raise ValidationError(
                dict.fromkeys(sorted(set(fields) - {"status"}), gettext("Only the secretariat changes this."))
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
