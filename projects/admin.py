from django.contrib import admin

from core.admin import ServiceAdmin
from projects import services
from projects.models import (
    FundingCommitment,
    JointProject,
    Milestone,
    Mineral,
    ProjectParticipant,
    ProjectUpdate,
)


@admin.register(Mineral)
class MineralAdmin(ServiceAdmin):
    list_display = ["name", "usgs_2025", "crma_strategic", "crma_critical", "match_note"]
    list_filter = ["usgs_2025", "crma_strategic", "crma_critical"]
    search_fields = ["name", "crma_names"]
    prepopulated_fields = {"slug": ["name"]}

    def service_create(self, actor, form):
        return services.mineral_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.mineral_update(actor=actor, mineral=obj, **changed)

    def has_delete_permission(self, request, obj=None):
        return False  # projects point at minerals; reference data is corrected, not removed


@admin.register(JointProject)
class JointProjectAdmin(ServiceAdmin):
    list_display = [
        "title",
        "segment",
        "stage",
        "host_country",
        "lead_member",
        "confidentiality",
        "is_example",
    ]
    list_filter = ["segment", "stage", "confidentiality", "is_example"]
    search_fields = ["title", "host_country", "lead_member__iso2"]
    list_select_related = ["lead_member"]
    filter_horizontal = ["minerals", "restricted_to"]

    def service_create(self, actor, form):
        return services.project_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.project_update(actor=actor, project=obj, **changed)

    def save_related(self, request, form, formsets, change):
        """Many-to-many sets were saved (and audited) by the service; skip the form's own save."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False  # a project is closed or cancelled (its stage), never deleted


@admin.register(ProjectParticipant)
class ProjectParticipantAdmin(ServiceAdmin):
    list_display = ["project", "member", "role"]
    list_filter = ["role"]
    list_select_related = ["project", "member"]

    def service_create(self, actor, form):
        return services.participant_add(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.participant_update(actor=actor, participant=obj, role=changed.get("role", obj.role))

    def service_delete(self, actor, obj):
        services.participant_remove(actor=actor, participant=obj)


@admin.register(Milestone)
class MilestoneAdmin(ServiceAdmin):
    list_display = ["title", "project", "due_on", "done_on"]
    list_filter = ["done_on"]
    list_select_related = ["project"]
    date_hierarchy = "due_on"

    def service_create(self, actor, form):
        return services.milestone_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        changed.pop("project", None)
        return services.milestone_update(actor=actor, milestone=obj, **changed)

    def service_delete(self, actor, obj):
        services.milestone_delete(actor=actor, milestone=obj)


@admin.register(FundingCommitment)
class FundingCommitmentAdmin(ServiceAdmin):
    list_display = ["project", "member", "currency", "amount", "status", "pledged_on"]
    list_filter = ["status", "currency"]
    list_select_related = ["project", "member"]

    def service_create(self, actor, form):
        return services.commitment_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        changed.pop("project", None)
        changed.pop("member", None)
        return services.commitment_update(actor=actor, commitment=obj, **changed)

    def service_delete(self, actor, obj):
        services.commitment_delete(actor=actor, commitment=obj)


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(ServiceAdmin):
    list_display = ["project", "author_label", "reported_stage", "created_at"]
    list_select_related = ["project"]
    readonly_fields = ["project", "author_label", "author_member", "text", "reported_stage"]
    exclude = ["author"]

    def has_add_permission(self, request):
        return False  # updates are posted from the project page or the API

    def has_change_permission(self, request, obj=None):
        return False

    def service_delete(self, actor, obj):
        services.update_delete(actor=actor, update=obj)
