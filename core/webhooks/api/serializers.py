from rest_framework import serializers

from core.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


class SubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=80),
        allow_empty=False,
        max_length=50,
        help_text='Event types: "*", "<resource>.*", "<resource>.upsert" or "<resource>.delete", '
        'where <resource> is a collection of /api/v1/ (e.g. "meetings.upsert").',
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "event_types",
            "description",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "disabled_at",
            "disabled_reason",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "url": {"help_text": "An http(s) URL on a public address; redirects are not followed."},
            "is_active": {"help_text": "Set true to switch a disabled subscription back on."},
        }


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    """The answer to a create or a rotation: the only time the secret is shown."""

    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret (whsec_...). Shown once: store it now. Verify deliveries "
        "with any Standard Webhooks library.",
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "started_at", "duration_ms", "status_code", "error", "outcome"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="message_id", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event_type",
            "resource",
            "object_id",
            "change_seq",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields
