"""The meetings app's resources on the change feed (core.sync.registry).

Each queryset is the one the resource's viewset reads with, so a feed object is exactly what
GET /api/v1/<resource>/<id>/ shows the same token.
"""

from core.sync.registry import register
from meetings import selectors
from meetings.api import serializers
from meetings.models import ActionItem, AgendaItem, Document, Invitation, Meeting, Outcome, Registration

register(
    resource="meetings",
    model=Meeting,
    serializer_class=serializers.MeetingSerializer,
    queryset=lambda actor: selectors.meeting_list(actor=actor).prefetch_related("restricted_to"),
    audience_fields={"confidentiality", "status"},  # drafts are the secretariat's alone
)
register(
    resource="invitations",
    model=Invitation,
    serializer_class=serializers.InvitationSerializer,
    queryset=lambda actor: selectors.invitation_list(actor=actor),
    follows="meeting",
)
register(
    resource="registrations",
    model=Registration,
    serializer_class=serializers.RegistrationSerializer,
    queryset=lambda actor: selectors.registration_list(actor=actor),
    follows="invitation",
)
register(
    resource="agenda-items",
    model=AgendaItem,
    serializer_class=serializers.AgendaItemSerializer,
    queryset=lambda actor: selectors.agenda_item_list(actor=actor),
    follows="meeting",
)
register(
    resource="documents",
    model=Document,
    serializer_class=serializers.DocumentSerializer,
    queryset=lambda actor: selectors.document_list(actor=actor),
    follows="meeting",
)
register(
    resource="outcomes",
    model=Outcome,
    serializer_class=serializers.OutcomeSerializer,
    queryset=lambda actor: selectors.outcome_list(actor=actor),
    follows="meeting",
)
register(
    resource="action-items",
    model=ActionItem,
    serializer_class=serializers.ActionItemSerializer,
    queryset=lambda actor: selectors.action_item_list(actor=actor),
    follows="meeting",
)
