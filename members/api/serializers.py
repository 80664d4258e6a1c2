from rest_framework import serializers

from members.models import ChairTerm, Delegate, Member


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = [
            "id",
            "iso2",
            "name",
            "kind",
            "status",
            "status_since",
            "capital_time_zone",
            "msp_partner",
            "attended_launch",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class MemberCodeField(serializers.SlugRelatedField):
    """Members are named by ISO code in the API, in requests and responses alike."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "iso2")
        kwargs.setdefault("queryset", Member.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.upper() if isinstance(data, str) else data)


class DelegateSerializer(serializers.ModelSerializer):
    member = MemberCodeField()

    class Meta:
        model = Delegate
        fields = [
            "id",
            "member",
            "full_name",
            "title",
            "capacity",
            "email",
            "phone",
            "active_from",
            "active_until",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class ChairTermSerializer(serializers.ModelSerializer):
    member = MemberCodeField()

    class Meta:
        model = ChairTerm
        fields = [
            "id",
            "forum",
            "member",
            "role",
            "starts_on",
            "ends_on",
            "basis",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class GapSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class RotationSerializer(serializers.Serializer):
    on = serializers.DateField()
    previous = ChairTermSerializer(allow_null=True)
    current = ChairTermSerializer(allow_null=True)
    next = ChairTermSerializer(allow_null=True)
    gap = GapSerializer(allow_null=True, help_text="The gap covering `on` when no chair is designated then.")
    handover_on = serializers.DateField(allow_null=True)
    days_to_handover = serializers.IntegerField(allow_null=True)
    successor_designated = serializers.BooleanField()
