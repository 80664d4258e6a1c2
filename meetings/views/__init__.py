"""The meetings app's pages, one module per resource; urls.py reaches them through this package."""

from meetings.views.agenda import agenda_item_create, agenda_item_delete, agenda_item_edit, agenda_move
from meetings.views.documents import (
    document_create,
    document_detail,
    document_download,
    document_version_create,
)
from meetings.views.exports import participants
from meetings.views.feeds import calendar_feeds, member_feed, user_feed
from meetings.views.follow_up import action_item_create, action_item_edit, outcome_create, outcome_edit
from meetings.views.invitations import (
    invitation_answer,
    invitation_credentials,
    invitation_detail,
    registration_create,
    registration_substitute,
    registration_withdraw,
)
from meetings.views.meeting import (
    meeting_calendar,
    meeting_create,
    meeting_detail,
    meeting_edit,
    meeting_ics,
    meeting_invite,
    meeting_list,
    meeting_status,
    rsvp_grid,
)
from meetings.views.scheduling import slot_finder

__all__ = [
    "action_item_create",
    "action_item_edit",
    "agenda_item_create",
    "agenda_item_delete",
    "agenda_item_edit",
    "agenda_move",
    "calendar_feeds",
    "document_create",
    "document_detail",
    "document_download",
    "document_version_create",
    "invitation_answer",
    "invitation_credentials",
    "invitation_detail",
    "meeting_calendar",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_ics",
    "meeting_invite",
    "meeting_list",
    "meeting_status",
    "member_feed",
    "outcome_create",
    "outcome_edit",
    "participants",
    "registration_create",
    "registration_substitute",
    "registration_withdraw",
    "rsvp_grid",
    "slot_finder",
    "user_feed",
]
