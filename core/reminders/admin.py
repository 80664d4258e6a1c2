"""Read-only admin views of the reminder engine: rows change only through its services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from core.reminders.models import DispatcherRun, Notification, Reminder, SentMail


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "recipient_email", "occurrence", "due_at", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient_email", "occurrence"]
    date_hierarchy = "due_at"
    list_select_related = ["subject_type"]


@admin.register(SentMail)
class SentMailAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "to_email", "subject", "kind", "message_id"]
    list_filter = ["kind"]
    search_fields = ["to_email", "subject", "message_id"]
    date_hierarchy = "sent_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    list_select_related = ["user"]


@admin.register(DispatcherRun)
class DispatcherRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "kind", "count", "finished_at"]
    list_filter = ["kind"]
