"""Reminders, the mail they produce, in-app notifications and recipients' preferences.

The engine is generic: a reminder points at any object (its subject) through a content type,
and apps describe their kinds of reminder in their own `reminders.py` (see registry.py).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.reminders.choices import ReminderStatus, RunKind


class Reminder(models.Model):
    """One message to one recipient about one subject at one occurrence.

    Written in the same transaction as the change that makes it due; unique per kind, subject,
    recipient and occurrence, so planning twice never makes two. `due_at` is UTC, computed
    from a local time in the recipient's (or the venue's) time zone.
    """

    kind = models.CharField(max_length=60)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    recipient_email = models.EmailField()
    recipient_name = models.CharField(max_length=150, blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    recipient_time_zone = models.CharField(max_length=64, default="UTC")
    # The delegation the recipient belongs to, when there is one (core knows no member model).
    recipient_member_id = models.BigIntegerField(null=True, blank=True)
    # Which instance of a recurring or staged reminder: "7d-before:2026-05-05", "week:2026-W27".
    occurrence = models.CharField(max_length=80)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    # What the planner knew (titles, dates); the kind may add fresher facts at send time.
    context = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # When the current holder claimed it; also the claim's token (see services.reminder_send).
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The id of the task message that holds the claim: the same message delivered again after
    # its worker process died (reject_on_worker_lost) may take its own claim back at once.
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "recipient_email", "occurrence"],
                name="reminder_unique_occurrence",
                violation_error_message="This reminder is already planned.",
            )
        ]
        indexes = [
            # The dispatcher's query: due pending rows, oldest first.
            models.Index(fields=["due_at", "id"], condition=Q(status="pending"), name="reminder_due_idx"),
            # The reconciler's query: rows held too long by a lost message or a dead worker.
            models.Index(
                fields=["status", "queued_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="reminder_inflight_idx",
            ),
            models.Index(fields=["subject_type", "subject_id", "kind"], name="reminder_subject_idx"),
            models.Index(fields=["status", "kind"], name="reminder_status_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_email} ({self.occurrence}, {self.status})"

    def get_absolute_url(self) -> str:
        return reverse("reminders:reminder_detail", args=[self.pk])


class SentMail(models.Model):
    """Every email the app sent: the secretariat's outbox and sent-mail log."""

    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="mails"
    )
    kind = models.CharField(max_length=60)
    to_email = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=200)
    sent_at = models.DateTimeField(default=timezone.now)
    resend_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resends"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["-sent_at", "-id"], name="sentmail_recent_idx"),
            models.Index(fields=["to_email"], name="sentmail_to_idx"),
            models.Index(fields=["kind", "-sent_at"], name="sentmail_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_email}"

    def get_absolute_url(self) -> str:
        return reverse("reminders:mail_detail", args=[self.pk])


class Notification(models.Model):
    """An in-app notice for a signed-in user, made when a reminder addressed to them goes out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A re-run send (after a crash) must not notify twice.
            models.UniqueConstraint(fields=["user", "reminder"], name="notification_once_per_reminder")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ReminderOptOut(models.Model):
    """A user's choice not to receive email for one non-essential kind of reminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_outs"
    )
    kind = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="opt_out_unique")]

    def __str__(self) -> str:
        return f"{self.user} opts out of {self.kind}"


class DispatcherRun(models.Model):
    """One run of the dispatcher, reconciler or periodic planner: the heartbeat /healthz reads."""

    kind = models.CharField(max_length=10, choices=RunKind.choices)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0, help_text="Reminders queued, re-queued or planned.")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-started_at"], name="dispatcher_run_recent_idx")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.started_at:%Y-%m-%d %H:%M:%S} ({self.count})"
