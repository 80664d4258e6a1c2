"""Webhook subscriptions of partner tokens, the deliveries made from the change feed, and
every attempt to send one.

The app sits in `core` and names no app: the token model is a setting,
FORGE_PARTNER_TOKEN_MODEL (as AUTH_USER_MODEL names the user model).
"""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone

from core.webhooks.choices import AttemptOutcome, DeliveryStatus


class WebhookSubscription(models.Model):
    """A partner token's request to be told, by signed HTTP POSTs, when objects it may see change.

    The secret must be kept in clear: it is the HMAC key every delivery is signed with.
    After a rotation the previous secret signs too, until `previous_secret_expires_at`, so the
    receiver can switch keys without losing a message.
    """

    token = models.ForeignKey(
        settings.FORGE_PARTNER_TOKEN_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=2000, validators=[URLValidator(schemes=["http", "https"])])
    # ["<resource>.upsert", "<resource>.*", "*"]: see core.webhooks.services.event_type_matches.
    event_types = models.JSONField(default=list)
    description = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Deliveries that ran out of retries in a row; reset by any success.
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["is_active"], name="webhook_sub_active_idx")]

    def __str__(self) -> str:
        return f"Webhook #{self.pk} → {self.url}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("webhooks:subscription_detail", args=[self.pk])


class WebhookDelivery(models.Model):
    """One event for one subscription: made once per (subscription, change), sent until it
    succeeds or runs out of retries. Its `message_id` is the `webhook-id` header, the same on
    every attempt, so receivers can drop duplicates."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    change_seq = models.BigIntegerField()
    message_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=80)
    resource = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    # The exact bytes sent, kept so every retry signs and sends the same body.
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker's lease on the delivery while it sends (the conditional claim).
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The id of the task message holding the claim: the same message redelivered after its
    # worker process died may take the claim back before the lease ends.
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    # When the sweeper last queued a task for it, so it is not queued again every few seconds.
    queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "change_seq"], name="webhook_delivery_once"),
        ]
        indexes = [
            # The sweeper's query: pending deliveries that are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due_idx",
            ),
            models.Index(fields=["subscription", "-id"], name="webhook_delivery_sub_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.change_seq} → subscription {self.subscription_id}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("webhooks:delivery_detail", args=[self.pk])


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery, with what came back: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once")]

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery {self.delivery_id}: {self.status_code or self.error}"


class WebhookCursor(models.Model):
    """How far along the change feed the dispatcher has made deliveries (one row).

    Advanced in the same transaction that creates the deliveries, so a change is turned into
    deliveries exactly once."""

    name = models.CharField(max_length=40, unique=True)
    last_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at #{self.last_seq}"
