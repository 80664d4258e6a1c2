from django.contrib import admin

from core.admin import ReadOnlyAdmin, ServiceAdmin
from decisions import services
from decisions.models import Decision, DecisionVersion, Position, StatusChange, WrittenProcedure


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = DecisionVersion
    fields = ["number", "title", "created_at", "by_label", "note"]
    readonly_fields = fields


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["from_status", "to_status", "at", "by_label", "note", "meeting"]
    readonly_fields = fields


@admin.register(Decision)
class DecisionAdmin(ServiceAdmin):
    list_display = ["title", "reference", "kind", "status", "confidentiality", "adopted_at", "is_example"]
    list_filter = ["kind", "status", "confidentiality", "reference_year", "is_example"]
    search_fields = ["title", "reference", "text"]
    list_select_related = ["meeting"]
    filter_horizontal = ["restricted_to", "outcomes", "action_items", "projects"]
    raw_id_fields = ["meeting"]
    readonly_fields = ["status", "reference", "version", "adopted_at"]
    inlines = [VersionInline, StatusChangeInline]

    def service_create(self, actor, form):
        return services.decision_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.decision_update(actor=actor, decision=obj, **changed)

    def save_related(self, request, form, formsets, change):
        """Many-to-many sets were saved (and audited) by the service; skip the form's own save."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False  # a decision is withdrawn (its status), never deleted


class PositionInline(ReadOnlyInline):
    model = Position
    fields = ["member", "kind", "statement_kind", "text", "answered_at", "withdrawn_at", "by_label"]
    readonly_fields = fields


@admin.register(WrittenProcedure)
class WrittenProcedureAdmin(ReadOnlyAdmin):
    """Procedures are opened, extended and closed from the decision page, where each step has
    its checks and reminders; the admin shows them."""

    list_display = ["decision", "status", "deadline", "time_zone", "all_members", "opened_at", "closed_at"]
    list_filter = ["status", "all_members"]
    list_select_related = ["decision"]
    inlines = [PositionInline]
