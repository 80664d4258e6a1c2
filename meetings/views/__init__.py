"""The meetings app's pages, one module per resource; urls.py reaches them through this package."""

from meetings.views.agenda import AgendaItemCreate, AgendaItemEdit, agenda_item_delete, agenda_move
from meetings.views.documents import (
    DocumentCreate,
    DocumentDetail,
    document_download,
    document_version_create,
)
from meetings.views.exports import agenda_pdf, participants, participants_pdf
from meetings.views.feeds import calendar_feeds, member_feed, user_feed
from meetings.views.follow_up import ActionItemCreate, ActionItemEdit, OutcomeCreate, OutcomeEdit
from meetings.views.invitations import (
    RegistrationSubstitute,
    invitation_answer,
    invitation_credentials,
    invitation_detail,
    registration_create,
    registration_withdraw,
)
from meetings.views.meeting import (
    MeetingCreate,
    MeetingEdit,
    MeetingInvite,
    meeting_calendar,
    meeting_detail,
    meeting_ics,
    meeting_list,
    meeting_status,
    rsvp_grid,
)
from meetings.views.scheduling import slot_finder

__all__ = [
    "agenda_pdf",
    "ActionItemCreate",
    "ActionItemEdit",
    "AgendaItemCreate",
    "AgendaItemEdit",
    "DocumentCreate",
    "DocumentDetail",
    "MeetingCreate",
    "MeetingEdit",
    "MeetingInvite",
    "OutcomeCreate",
    "OutcomeEdit",
    "RegistrationSubstitute",
    "agenda_item_delete",
    "agenda_move",
    "calendar_feeds",
    "document_download",
    "document_version_create",
    "invitation_answer",
    "invitation_credentials",
    "invitation_detail",
    "meeting_calendar",
    "meeting_detail",
    "meeting_ics",
    "meeting_list",
    "meeting_status",
    "member_feed",
    "participants",
    "participants_pdf",
    "registration_create",
    "registration_withdraw",
    "rsvp_grid",
    "slot_finder",
    "user_feed",
]
