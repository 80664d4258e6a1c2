from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from core.choices import AUDIT_ACTION_LABELS, AuditAction, ChangeOp, Channel


class TrackedModel(models.Model):
    """Base of every synced domain model: creation and last-change times.

    `updated_at` is indexed because every API list filters on it (`?updated_since=`).
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One write to one object: who, when, through which channel, and the fields it changed."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    action = models.CharField(max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    # {field: [before, after]}; a create lists after values only, a delete before values only.
    changes = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_repr}"

    @property
    def is_create(self) -> bool:
        return self.action == AuditAction.CREATE

    @property
    def action_label(self) -> str:
        """What was done, in the active language (the stored word when it has no label)."""
        return AUDIT_ACTION_LABELS.get(self.action, self.action)


class Change(models.Model):
    """One entry of the change feed that partner systems sync from.

    Rows are written in the same transaction as the change itself, with `seq` empty.
    `seq` is assigned later, in commit order, by the sequencer (core.changefeed), so a
    reader following `seq` never skips a change whose transaction committed late.
    """

    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    at = models.DateTimeField(default=timezone.now)
    resource = models.CharField(max_length=60)  # model label, e.g. "members.member"
    object_id = models.BigIntegerField()
    op = models.CharField(max_length=10, choices=ChangeOp.choices)
    # Who could see the object when it was deleted, so tombstones reach only them.
    scope = models.JSONField(null=True, blank=True)
    # A domain event this change stands for ("decision.adopted"), registered with
    # core.webhooks.events; webhooks deliver it under that name instead of "<resource>.upsert".
    event = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["resource", "object_id"], name="change_object_idx"),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="change_unsequenced_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.op} {self.resource}:{self.object_id}"
