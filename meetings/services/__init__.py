"""Every write to meetings, invitations, registrations, agenda, documents, outcomes and feeds.

Each service checks who may act, validates, writes through core.tracking (audit and change
feed in the caller's transaction) and returns what it saved. The functions are the seams other
parts hook into (reminders add one call after `invitations_send`, `meeting_status_change`, ...).
"""

from meetings.services.agenda import (
    AGENDA_FIELDS,
    agenda_item_create,
    agenda_item_delete,
    agenda_item_update,
    agenda_reorder,
)
from meetings.services.calendar import (
    calendar_feed_issue,
    calendar_feeds_revoke,
)
from meetings.services.common import CLOSED_STATUSES
from meetings.services.documents import (
    DOCUMENT_FIELDS,
    document_update,
    document_upload,
    document_version_upload,
)
from meetings.services.invitations import (
    INVITABLE_STATUSES,
    invitation_answer,
    invitation_credentials_upload,
    invitation_update,
    invitations_send,
    registration_add,
    registration_substitute,
    registration_withdraw,
)
from meetings.services.outcomes import (
    ACTION_ITEM_FIELDS,
    OUTCOME_FIELDS,
    action_item_create,
    action_item_delete,
    action_item_update,
    outcome_create,
    outcome_delete,
    outcome_update,
)
from meetings.services.scheduling import (
    CALENDAR_FIELDS,
    MEETING_FIELDS,
    meeting_schedule,
    meeting_status_change,
    meeting_update,
    status_move_check,
)

__all__ = [
    "CLOSED_STATUSES",
    "MEETING_FIELDS",
    "CALENDAR_FIELDS",
    "meeting_schedule",
    "meeting_update",
    "status_move_check",
    "meeting_status_change",
    "INVITABLE_STATUSES",
    "invitations_send",
    "invitation_answer",
    "invitation_update",
    "invitation_credentials_upload",
    "registration_add",
    "registration_substitute",
    "registration_withdraw",
    "AGENDA_FIELDS",
    "agenda_item_create",
    "agenda_item_update",
    "agenda_item_delete",
    "agenda_reorder",
    "DOCUMENT_FIELDS",
    "document_upload",
    "document_version_upload",
    "document_update",
    "OUTCOME_FIELDS",
    "ACTION_ITEM_FIELDS",
    "outcome_create",
    "outcome_update",
    "outcome_delete",
    "action_item_create",
    "action_item_update",
    "action_item_delete",
    "calendar_feed_issue",
    "calendar_feeds_revoke",
]
