"""Read-only admin of the webhook log; changes go through the secretariat's pages and the API."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from core.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["id", "url", "token", "is_active", "consecutive_failures", "disabled_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "token__name"]
    list_select_related = ["token"]
    exclude = ["secret", "previous_secret"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "duration_ms", "status_code", "outcome", "error", "response_excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "subscription",
        "event_type",
        "object_id",
        "change_seq",
        "status",
        "attempt_count",
        "next_attempt_at",
    ]
    list_filter = ["status"]
    search_fields = ["message_id", "event_type"]
    list_select_related = ["subscription"]
    inlines = [WebhookAttemptInline]
