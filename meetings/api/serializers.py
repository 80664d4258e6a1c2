from django.urls import reverse
from rest_framework import serializers

from core.api.fastlist import FinishRepresentationMixin
from core.api.fields import AudienceMixin, ChoiceOnWriteField, LinkedField, context_actor
from core.choices import Confidentiality
from meetings import selectors
from meetings.choices import InvitationStatus, MeetingStatus
from meetings.models import (
    ActionItem,
    AgendaItem,
    Document,
    DocumentVersion,
    Invitation,
    Meeting,
    Outcome,
    Registration,
)
from members.api.serializers import MemberCodeField
from members.choices import Capacity, MemberStatus
from members.models import Delegate


class VisibleDocumentField(LinkedField):
    """A document by id, shown and accepted only when the caller may see it."""

    def get_queryset(self):
        return selectors.document_list(actor=context_actor(self.context))


class CreateOnlyMixin:
    """Fields in Meta.create_only_fields are set on create and read-only afterwards (a meeting's
    child never moves to another meeting)."""

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            for name in getattr(self.Meta, "create_only_fields", ()):
                fields[name].read_only = True
        return fields


class MeetingSerializer(AudienceMixin, FinishRepresentationMixin, serializers.ModelSerializer):
    """A meeting without its children (they have their own endpoints), so it stays small and its
    ETag changes only when the meeting itself does."""

    host = MemberCodeField(allow_null=True, required=False)
    chaired_by = MemberCodeField(
        allow_null=True,
        required=False,
        help_text="Default: the chair on the meeting's first day (venue time).",
    )
    restricted_to = MemberCodeField(many=True, required=False)
    status = ChoiceOnWriteField(
        choices=MeetingStatus.choices,
        write_choices=[MeetingStatus.DRAFT, MeetingStatus.ANNOUNCED],
        required=False,
        help_text="On creation: draft (default) or announced. Later moves: POST .../status/.",
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "uid",
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
            "in_rotation_gap",
            "status",
            "rsvp_deadline",
            "confidentiality",
            "restricted_to",
            "ics_sequence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "uid", "in_rotation_gap", "ics_sequence", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["status"].read_only = True
        return fields


class MeetingStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MeetingStatus.choices)


class InviteSerializer(serializers.Serializer):
    all_members = serializers.BooleanField(
        default=False, help_text="Every member not withdrawn or suspended."
    )
    members = MemberCodeField(many=True, required=False)
    member_statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=MemberStatus.choices), required=False
    )
    seats_quota = serializers.IntegerField(min_value=1, max_value=50, default=3)


class AgendaOrderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class InvitationSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    member = MemberCodeField(read_only=True, queryset=None)
    status = serializers.ChoiceField(
        choices=InvitationStatus.choices,
        required=False,
        help_text="Answer with accepted, declined or tentative.",
    )
    credentials = serializers.SerializerMethodField(help_text="Download URL of the credentials, if uploaded.")

    class Meta:
        model = Invitation
        fields = [
            "id",
            "meeting",
            "member",
            "status",
            "answered_at",
            "answered_by_label",
            "answered_on_behalf",
            "seats_quota",
            "credentials",
            "credentials_name",
            "credentials_uploaded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "answered_at",
            "answered_by_label",
            "answered_on_behalf",
            "credentials_name",
            "credentials_uploaded_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"seats_quota": {"required": False, "min_value": 1, "max_value": 50}}

    def get_credentials(self, invitation) -> str | None:
        if not invitation.credentials:
            return None
        return reverse("invitation-credentials", args=[invitation.pk])


class CredentialsUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The letter or note verbale, as a PDF.")


class RegistrationSerializer(CreateOnlyMixin, serializers.ModelSerializer):
    invitation = serializers.IntegerField(source="invitation_id")
    meeting = serializers.IntegerField(source="invitation.meeting_id", read_only=True)
    member = MemberCodeField(source="invitation.member", read_only=True, queryset=None)
    delegate = serializers.PrimaryKeyRelatedField(queryset=Delegate.objects.all())
    delegate_name = serializers.CharField(source="delegate.full_name", read_only=True)
    capacity = serializers.ChoiceField(
        choices=Capacity.choices, required=False, help_text="Default: the delegate's own capacity."
    )
    replaced_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "invitation",
            "meeting",
            "member",
            "delegate",
            "delegate_name",
            "capacity",
            "status",
            "replaced_by",
            "registered_by_label",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "registered_by_label", "created_at", "updated_at"]
        create_only_fields = ["invitation"]


class SubstituteSerializer(serializers.Serializer):
    delegate = serializers.PrimaryKeyRelatedField(queryset=Delegate.objects.all())
    capacity = serializers.ChoiceField(choices=Capacity.choices, required=False)


class AgendaItemSerializer(CreateOnlyMixin, serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id")
    presenter = MemberCodeField(allow_null=True, required=False)
    documents = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Document.objects.all())

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "position",
            "title",
            "description",
            "duration_minutes",
            "presenter",
            "documents",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "position", "created_at", "updated_at"]
        create_only_fields = ["meeting"]


class DocumentVersionSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "uploaded_by_label",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, version) -> str:
        return reverse("document-download", args=[version.document_id]) + f"?version={version.number}"


class DocumentSerializer(
    AudienceMixin, FinishRepresentationMixin, CreateOnlyMixin, serializers.ModelSerializer
):
    meeting = serializers.IntegerField(source="meeting_id")
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, required=False)
    restricted_to = MemberCodeField(many=True, required=False)
    file = serializers.FileField(write_only=True, help_text="On creation: the first version's file.")
    versions = DocumentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "meeting",
            "title",
            "description",
            "confidentiality",
            "restricted_to",
            "file",
            "versions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        create_only_fields = ["meeting", "file"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields.pop("file")
        return fields


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class OutcomeSerializer(CreateOnlyMixin, serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id")
    document = VisibleDocumentField(allow_null=True, required=False)

    class Meta:
        model = Outcome
        fields = [
            "id",
            "meeting",
            "kind",
            "title",
            "text",
            "adopted_on",
            "document",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        create_only_fields = ["meeting"]


class ActionItemSerializer(CreateOnlyMixin, serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id")
    owner = MemberCodeField()
    outcome = serializers.PrimaryKeyRelatedField(
        queryset=Outcome.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "outcome",
            "owner",
            "description",
            "due_on",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        create_only_fields = ["meeting"]
