from django.contrib import admin

from core.admin import ReadOnlyAdmin, ServiceAdmin
from meetings import services
from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeedToken,
    Document,
    Invitation,
    Meeting,
    Outcome,
    Registration,
)


@admin.register(Meeting)
class MeetingAdmin(ServiceAdmin):
    list_display = [
        "title",
        "kind",
        "starts_at",
        "venue_name",
        "status",
        "confidentiality",
        "in_rotation_gap",
    ]
    list_filter = ["kind", "status", "confidentiality", "in_rotation_gap"]
    search_fields = ["title", "venue_name", "margins_of"]
    date_hierarchy = "starts_at"
    list_select_related = ["chaired_by"]
    readonly_fields = ["status", "in_rotation_gap", "ics_sequence"]
    filter_horizontal = ["restricted_to"]

    def service_create(self, actor, form):
        fields = dict(form.cleaned_data)
        fields.pop("status", None)
        return services.meeting_schedule(
            actor=actor, restricted_to=list(fields.pop("restricted_to", [])), **fields
        )

    def service_update(self, actor, obj, changed):
        restricted = changed.pop("restricted_to", None)
        return services.meeting_update(
            actor=actor,
            meeting=obj,
            restricted_to=list(restricted) if restricted is not None else None,
            **changed,
        )

    def save_related(self, request, form, formsets, change):
        """Restricted members were set by the service (audited); don't let the admin set them again."""

    def has_delete_permission(self, request, obj=None):
        return False  # cancel a meeting instead: invitations and documents point at it


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "member", "status", "answered_by_label", "answered_on_behalf", "seats_quota"]
    list_filter = ["status", "answered_on_behalf"]
    list_select_related = ["meeting", "member"]
    search_fields = ["meeting__title", "member__name", "member__iso2"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["delegate", "invitation", "capacity", "status", "replaced_by"]
    list_filter = ["status", "capacity"]
    list_select_related = ["delegate__member", "invitation__member", "replaced_by__delegate"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "meeting", "confidentiality", "updated_at"]
    list_filter = ["confidentiality"]
    list_select_related = ["meeting"]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "position", "title", "duration_minutes", "presenter"]
    list_select_related = ["meeting", "presenter"]


@admin.register(Outcome)
class OutcomeAdmin(ServiceAdmin):
    list_display = ["title", "kind", "meeting", "adopted_on"]
    list_filter = ["kind"]
    list_select_related = ["meeting"]

    def service_create(self, actor, form):
        return services.outcome_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.outcome_update(actor=actor, outcome=obj, **changed)

    def service_delete(self, actor, obj):
        services.outcome_delete(actor=actor, outcome=obj)


@admin.register(ActionItem)
class ActionItemAdmin(ServiceAdmin):
    list_display = ["description", "owner", "meeting", "due_on", "status"]
    list_filter = ["status", "owner"]
    list_select_related = ["owner", "meeting"]

    def service_create(self, actor, form):
        return services.action_item_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.action_item_update(actor=actor, item=obj, **changed)

    def service_delete(self, actor, obj):
        services.action_item_delete(actor=actor, item=obj)


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_at", "revoked_at"]
    exclude = ["token"]
