"""API shapes of decisions, text versions, written procedures and positions. Members are named
by ISO code; times are UTC instants, with the procedure's time zone alongside its deadline."""

from __future__ import annotations

import zoneinfo

from rest_framework import serializers

from core.api.fastlist import FinishRepresentationMixin
from core.api.fields import AudienceMixin, LinkedField, context_actor
from decisions.choices import PositionKind, StatementKind
from decisions.models import Decision, DecisionVersion, Position, WrittenProcedure
from meetings import selectors as meeting_selectors
from members.api.serializers import MemberCodeField


class VisibleMeetingField(LinkedField):
    def get_queryset(self):
        return meeting_selectors.meeting_list(actor=context_actor(self.context))


class DecisionSerializer(AudienceMixin, FinishRepresentationMixin, serializers.ModelSerializer):
    restricted_to = MemberCodeField(many=True, required=False)
    meeting = VisibleMeetingField(required=False, allow_null=True)
    paragraphs = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "reference",
            "title",
            "kind",
            "status",
            "text",
            "paragraphs",
            "version",
            "confidentiality",
            "restricted_to",
            "meeting",
            "adopted_at",
            "status_changed_at",
            "is_example",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["reference", "status", "version", "adopted_at", "status_changed_at", "is_example"]

    def get_paragraphs(self, obj) -> list[str]:
        return obj.paragraphs


class DecisionVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionVersion
        fields = ["decision", "number", "title", "text", "created_at", "by_label", "note"]


class ProcedureSerializer(serializers.ModelSerializer):
    concerned = serializers.SlugRelatedField(slug_field="iso2", many=True, read_only=True)
    deadline_local = serializers.SerializerMethodField()

    class Meta:
        model = WrittenProcedure
        fields = [
            "id",
            "decision",
            "status",
            "deadline",
            "time_zone",
            "deadline_local",
            "original_deadline",
            "all_members",
            "concerned",
            "positions_visible_while_open",
            "text_version",
            "note",
            "opened_at",
            "closed_at",
            "closing_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_deadline_local(self, obj) -> str:
        """The deadline as wall-clock time in the procedure's zone, with its offset."""
        return obj.deadline.astimezone(zoneinfo.ZoneInfo(obj.time_zone)).isoformat()


class ProcedureOpenSerializer(serializers.Serializer):
    decision = serializers.IntegerField()
    deadline_local = serializers.DateTimeField(
        help_text="Wall-clock time in `time_zone`, without offset (e.g. 2026-03-29T18:00).",
        default_timezone=zoneinfo.ZoneInfo("UTC"),
    )
    time_zone = serializers.CharField(max_length=64)
    all_members = serializers.BooleanField(default=True)
    concerned = MemberCodeField(many=True, required=False)
    positions_visible_while_open = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ProcedureExtendSerializer(serializers.Serializer):
    deadline_local = serializers.DateTimeField(default_timezone=zoneinfo.ZoneInfo("UTC"))
    time_zone = serializers.CharField(max_length=64, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ProcedureWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PositionSerializer(serializers.ModelSerializer):
    member = MemberCodeField()

    class Meta:
        model = Position
        fields = [
            "id",
            "procedure",
            "member",
            "kind",
            "statement_kind",
            "text",
            "answered_at",
            "withdrawn_at",
            "by_label",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    member = MemberCodeField()
    kind = serializers.ChoiceField(choices=PositionKind.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=8000, default="")
    statement_kind = serializers.ChoiceField(
        choices=StatementKind.choices, required=False, allow_blank=True, default=""
    )


class WithdrawObjectionSerializer(serializers.Serializer):
    member = MemberCodeField()
