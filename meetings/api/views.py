from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from core.api.examples import request_examples
from core.api.views import ChangeOnlyViewSet, ModelViewSet
from core.api.writes import post_write, write_action
from core.errors import NotFound
from meetings import selectors, services
from meetings.api.serializers import (
    ActionItemSerializer,
    AgendaItemSerializer,
    AgendaOrderSerializer,
    CredentialsUploadSerializer,
    DocumentSerializer,
    DocumentVersionSerializer,
    InvitationSerializer,
    InviteSerializer,
    MeetingSerializer,
    MeetingStatusSerializer,
    OutcomeSerializer,
    RegistrationSerializer,
    SubstituteSerializer,
    VersionUploadSerializer,
)
from meetings.downloads import stored_file_response
from meetings.filters import (
    ActionItemFilter,
    AgendaItemFilter,
    DocumentFilter,
    InvitationFilter,
    MeetingFilter,
    OutcomeFilter,
    RegistrationFilter,
)

BINARY = {(200, "application/octet-stream"): OpenApiTypes.BINARY}
NO_DELETE = ["get", "post", "put", "patch", "head", "options"]


MEETING_EXAMPLE = {
    "kind": "som",
    "title": "Senior officials' meeting, spring 2027",
    "starts_at": "2027-03-10T08:00:00Z",
    "ends_at": "2027-03-10T16:00:00Z",
    "venue_name": "Egmont Palace, Brussels",
    "venue_time_zone": "Europe/Brussels",
    "status": "draft",
    "confidentiality": "members",
}


@request_examples(
    create=MEETING_EXAMPLE,
    update=MEETING_EXAMPLE,
    partial_update={"title": "Senior officials' meeting, spring 2027 (Brussels)"},
)
class MeetingViewSet(ModelViewSet):
    """Meetings the caller may see. The secretariat schedules and edits; meetings are cancelled
    (POST .../status/), never deleted."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    http_method_names = NO_DELETE

    def get_queryset(self):
        return selectors.meeting_list(actor=self.actor).prefetch_related("restricted_to")

    def get_object(self):
        return selectors.meeting_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        return services.meeting_schedule(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.meeting_update(actor=self.actor, meeting=instance, **serializer.validated_data)

    @write_action(body=MeetingStatusSerializer)
    def status(self, request, data, pk=None):
        """Move the meeting to another status: draft → announced → confirmed → held, or cancelled."""
        return services.meeting_status_change(
            actor=self.actor, meeting=self.get_object(), status=data["status"]
        )

    @write_action(body=InviteSerializer, response=InvitationSerializer(many=True), status=201)
    def invite(self, request, data, pk=None):
        """Invite all members, a chosen set, or members by status; members already invited are skipped."""
        return services.invitations_send(actor=self.actor, meeting=self.get_object(), **data)

    @write_action(
        body=AgendaOrderSerializer, response=AgendaItemSerializer(many=True), url_path="agenda-order"
    )
    def agenda_order(self, request, data, pk=None):
        """Reorder the agenda: list every item id of the meeting once, in the new order."""
        meeting = self.get_object()
        services.agenda_reorder(actor=self.actor, meeting=meeting, order=data["order"])
        return selectors.agenda_item_list(actor=self.actor).filter(meeting=meeting).order_by("position")


@request_examples(partial_update={"status": "accepted"})
class InvitationViewSet(ChangeOnlyViewSet):
    """Invitations: the secretariat sees all; a delegation its own. PATCH `status` to answer
    (a delegation-bound write token answers for its own member); the secretariat sets `seats_quota`.
    Invitations are made by a meeting's invite (POST /meetings/{id}/invite/): POST here is a 405."""

    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    http_method_names = ["get", "put", "patch", "post", "head", "options"]

    def get_queryset(self):
        return selectors.invitation_list(actor=self.actor)

    def get_object(self):
        return selectors.invitation_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_update(self, serializer, instance):
        data = serializer.validated_data
        if "seats_quota" in data and data["seats_quota"] != instance.seats_quota:
            instance = services.invitation_update(
                actor=self.actor, invitation=instance, seats_quota=data["seats_quota"]
            )
        if "status" in data and data["status"] != instance.status:
            instance = services.invitation_answer(
                actor=self.actor, invitation=instance, status=data["status"]
            )
        return instance

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={**BINARY, 404: OpenApiResponse(description="No credentials.")},
    )
    @action(detail=True, methods=["get"])
    def credentials(self, request, pk=None):
        """GET downloads the credentials (PDF); POST uploads them (multipart, field `file`)."""
        invitation = self.get_object()
        if not invitation.credentials:
            raise NotFound("No credentials uploaded.")
        return stored_file_response(invitation.credentials, invitation.credentials_name, "application/pdf")

    @credentials.mapping.post
    @extend_schema(
        request={"multipart/form-data": CredentialsUploadSerializer}, responses=InvitationSerializer
    )
    @post_write(body=CredentialsUploadSerializer)
    def credentials_upload(self, request, data, pk=None):
        """Upload the credentials (multipart, field `file`: a PDF)."""
        return services.invitation_credentials_upload(
            actor=self.actor, invitation=self.get_object(), file=data["file"]
        )


class RegistrationViewSet(ModelViewSet):
    """Named delegates registered under invitations, within each invitation's seats quota.
    Substitutions and withdrawals keep the earlier rows as history."""

    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.registration_list(actor=self.actor)

    def get_object(self):
        return selectors.registration_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        data = serializer.validated_data
        invitation = selectors.invitation_get(actor=self.actor, pk=data["invitation_id"])
        return services.registration_add(
            actor=self.actor, invitation=invitation, delegate=data["delegate"], capacity=data.get("capacity")
        )

    @write_action(body=SubstituteSerializer, response=RegistrationSerializer, status=201)
    def substitute(self, request, data, pk=None):
        """Give this registration's seat to another delegate; this row becomes `replaced`."""
        substitute = services.registration_substitute(
            actor=self.actor, registration=self.get_object(), **data
        )
        return self.get_queryset().get(pk=substitute.pk)

    @write_action()
    def withdraw(self, request, data, pk=None):
        """Withdraw this registration; the row stays as history."""
        return services.registration_withdraw(actor=self.actor, registration=self.get_object())


class MeetingChildViewSet(ModelViewSet):
    """Children of a meeting: created under a meeting the caller can see (else 404)."""

    def meeting_for(self, serializer):
        return selectors.meeting_get(actor=self.actor, pk=serializer.validated_data.pop("meeting_id"))


class AgendaItemViewSet(MeetingChildViewSet):
    """Agenda items, in order of `position`; reorder with POST /meetings/{id}/agenda-order/."""

    serializer_class = AgendaItemSerializer
    filterset_class = AgendaItemFilter

    def get_queryset(self):
        return selectors.agenda_item_list(actor=self.actor)

    def get_object(self):
        return selectors.agenda_item_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        meeting = self.meeting_for(serializer)
        return services.agenda_item_create(actor=self.actor, meeting=meeting, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.agenda_item_update(actor=self.actor, item=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.agenda_item_delete(actor=self.actor, item=instance)


class DocumentViewSet(MeetingChildViewSet):
    """Meeting documents with their versions. Create with multipart (`file` is the first version);
    add versions with POST .../versions/; download with GET .../download/ (?version=N)."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    http_method_names = NO_DELETE

    def get_queryset(self):
        return selectors.document_list(actor=self.actor)

    def get_object(self):
        return selectors.document_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        meeting = self.meeting_for(serializer)
        return services.document_upload(actor=self.actor, meeting=meeting, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.document_update(actor=self.actor, document=instance, **serializer.validated_data)

    @extend_schema(request={"multipart/form-data": VersionUploadSerializer})
    @write_action(body=VersionUploadSerializer, response=DocumentVersionSerializer, status=201)
    def versions(self, request, data, pk=None):
        """Upload a new version of the document (multipart, field `file`)."""
        return services.document_version_upload(
            actor=self.actor, document=self.get_object(), file=data["file"]
        )

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description="A version number (default: the latest).")],
        responses={**BINARY, 404: OpenApiResponse(description="Not found or not yours to see.")},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The document's file (latest version, or ?version=N), for callers who may see it."""
        document = self.get_object()
        raw = request.query_params.get("version")
        if raw is not None and not raw.isdigit():
            raise serializers.ValidationError({"version": ["Give a version number."]})
        version = selectors.document_version(document, int(raw) if raw else None)
        return stored_file_response(version.file, version.original_name, version.content_type)


class OutcomeViewSet(MeetingChildViewSet):
    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilter

    def get_queryset(self):
        return selectors.outcome_list(actor=self.actor)

    def get_object(self):
        return selectors.outcome_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        meeting = self.meeting_for(serializer)
        return services.outcome_create(actor=self.actor, meeting=meeting, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.outcome_update(actor=self.actor, outcome=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.outcome_delete(actor=self.actor, outcome=instance)


class ActionItemViewSet(MeetingChildViewSet):
    """Action items; the owning delegation may PATCH `status`."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter

    def get_queryset(self):
        return selectors.action_item_list(actor=self.actor)

    def get_object(self):
        return selectors.action_item_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        meeting = self.meeting_for(serializer)
        return services.action_item_create(actor=self.actor, meeting=meeting, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.action_item_update(actor=self.actor, item=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.action_item_delete(actor=self.actor, item=instance)
