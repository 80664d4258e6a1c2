"""API shapes of minerals, projects and their parts. Members are named by ISO code, minerals by
slug; amounts are strings with two decimals and always travel with their currency."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.actors import actor_for_request
from core.api.fastlist import FinishRepresentationMixin
from core.api.fields import AudienceMixin, LinkedField
from core.choices import Channel
from core.errors import NotFound
from meetings import selectors as meeting_selectors
from members.api.serializers import MemberCodeField
from projects import money, selectors
from projects.codes import validate_country
from projects.models import (
    FundingCommitment,
    JointProject,
    Milestone,
    Mineral,
    ProjectParticipant,
    ProjectUpdate,
    StageChange,
)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{1,16}(\.\d{1,2})?$",
        "example": "1250000.00",
        "description": "Decimal amount, at most two decimals (a JSON number is accepted on input).",
    }
)
class AmountField(serializers.Field):
    """A money amount read with projects.money (the web forms' parser): "1250000.00" or 1250000."""

    context_free_representation = True  # core.api.fastcache

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return money.parse_amount(data, field=None, allow_zero=self.allow_zero)

    def to_representation(self, value):
        return f"{value:.2f}"


@extend_schema_field(
    {"type": "string", "pattern": "^[A-Z]{3}$", "example": "USD", "description": "ISO 4217 code."}
)
class CurrencyField(serializers.Field):
    """An ISO 4217 code (read case-insensitively, shown in capitals)."""

    context_free_representation = True  # core.api.fastcache

    def to_internal_value(self, data):
        return money.parse_currency(data, field=None)

    def to_representation(self, value):
        return value


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([A-Z]{3})?$",
        "example": "USD",
        "description": "ISO 4217 code; empty when the project states no budget.",
    }
)
class BudgetCurrencyField(CurrencyField):
    """A project's budget currency: empty goes with an empty budget."""


class VisibleProjectField(serializers.PrimaryKeyRelatedField):
    """A project by id, among those the caller may see; any other id answers 404, as on read."""

    def get_queryset(self):
        actor = actor_for_request(self.context["request"], Channel.API)
        return selectors.project_visible(actor=actor)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not str(data).isdigit():
            self.fail("incorrect_type", data_type=type(data).__name__)
        project = self.get_queryset().filter(pk=int(data)).first()
        if project is None:
            raise NotFound("No such project.")
        return project


class VisibleMeetingField(LinkedField):
    """A meeting by id among those the caller may see (an unseen one reads as missing)."""

    def get_queryset(self):
        actor = actor_for_request(self.context["request"], Channel.API)
        return meeting_selectors.meeting_list(actor=actor)


class VisibleActionItemField(LinkedField):
    """An action item by id, shown and accepted only when the caller may see it."""

    def get_queryset(self):
        actor = actor_for_request(self.context["request"], Channel.API)
        return meeting_selectors.action_item_list(actor=actor)


class FixedAfterCreateMixin:
    """Fields that name what a record belongs to are set once, at creation."""

    fixed_after_create: tuple[str, ...] = ()

    def validate(self, attrs):
        if self.instance is not None:
            errors = {
                name: "This cannot change after creation."
                for name in self.fixed_after_create
                if name in attrs and attrs[name] != getattr(self.instance, name)
            }
            if errors:
                raise serializers.ValidationError(errors)
            for name in self.fixed_after_create:
                attrs.pop(name, None)
        return super().validate(attrs)


class MineralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mineral
        fields = [
            "id",
            "slug",
            "name",
            "usgs_2025",
            "crma_strategic",
            "crma_critical",
            "crma_names",
            "match_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ParticipantBriefSerializer(serializers.ModelSerializer):
    member = serializers.SlugRelatedField(slug_field="iso2", read_only=True)

    class Meta:
        model = ProjectParticipant
        fields = ["id", "member", "role"]


class StageChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageChange
        fields = ["from_stage", "to_stage", "on", "by_label", "note"]


class ProjectSerializer(AudienceMixin, FinishRepresentationMixin, serializers.ModelSerializer):
    minerals = serializers.SlugRelatedField(many=True, slug_field="slug", queryset=Mineral.objects.all())
    host_country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    lead_member = MemberCodeField()
    participants = ParticipantBriefSerializer(many=True, read_only=True)
    budget_amount = AmountField(allow_zero=True, allow_null=True, required=False)
    budget_currency = BudgetCurrencyField(required=False)
    restricted_to = MemberCodeField(many=True, required=False)
    overdue_milestones = serializers.IntegerField(read_only=True, help_text="Milestones overdue today.")

    class Meta:
        model = JointProject
        fields = [
            "id",
            "title",
            "summary",
            "minerals",
            "segment",
            "host_country",
            "lead_member",
            "participants",
            "stage",
            "budget_amount",
            "budget_currency",
            "confidentiality",
            "restricted_to",
            "is_example",
            "overdue_milestones",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "participants", "overdue_milestones", "created_at", "updated_at"]

    def validate_host_country(self, value: str) -> str:
        value = value.strip().upper()
        validate_country(value)
        return value

    def validate(self, attrs):
        amount = attrs.get("budget_amount", getattr(self.instance, "budget_amount", None))
        currency = attrs.get("budget_currency", getattr(self.instance, "budget_currency", ""))
        if (amount is None) != (not currency):
            missing = "budget_currency" if amount is not None else "budget_amount"
            raise serializers.ValidationError({missing: "A budget needs both an amount and a currency."})
        return attrs

    def finish_representation(self, data: dict) -> dict:
        # Also applied to the fast list path's rows (core.api.fastlist).
        data = super().finish_representation(data)
        if data.get("budget_currency") is None:
            data["budget_currency"] = ""
        return data


class ProjectDetailSerializer(ProjectSerializer):
    stage_changes = StageChangeSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "stage_changes"]
        read_only_fields = [*ProjectSerializer.Meta.read_only_fields, "stage_changes"]


class ParticipantSerializer(FixedAfterCreateMixin, serializers.ModelSerializer):
    fixed_after_create = ("project", "member")
    project = VisibleProjectField()
    member = MemberCodeField()

    class Meta:
        model = ProjectParticipant
        fields = ["id", "project", "member", "role", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # the service reports a duplicate member by field


class MilestoneSerializer(FixedAfterCreateMixin, serializers.ModelSerializer):
    fixed_after_create = ("project",)
    project = VisibleProjectField()
    status = serializers.SerializerMethodField(help_text="upcoming, overdue or done, as of today (UTC).")
    action_item = VisibleActionItemField(allow_null=True, required=False)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "title",
            "due_on",
            "done_on",
            "note",
            "action_item",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at"]

    def get_status(self, obj) -> str:
        return getattr(obj, "status", None) or obj.status_on(timezone.localdate())


class FundingCommitmentSerializer(FixedAfterCreateMixin, serializers.ModelSerializer):
    fixed_after_create = ("project", "member")
    project = VisibleProjectField()
    member = MemberCodeField()
    amount = AmountField()
    currency = CurrencyField()
    announced_at = VisibleMeetingField(allow_null=True, required=False)

    class Meta:
        model = FundingCommitment
        fields = [
            "id",
            "project",
            "member",
            "amount",
            "currency",
            "status",
            "pledged_on",
            "approved_on",
            "disbursed_on",
            "note",
            "announced_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"pledged_on": {"required": False}}


class ProjectUpdateSerializer(serializers.ModelSerializer):
    project = VisibleProjectField()
    author_member = serializers.SlugRelatedField(slug_field="iso2", read_only=True)

    class Meta:
        model = ProjectUpdate
        fields = [
            "id",
            "project",
            "author_label",
            "author_member",
            "text",
            "reported_stage",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "author_label", "author_member", "created_at", "updated_at"]
