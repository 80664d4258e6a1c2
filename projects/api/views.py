from core.api.examples import request_examples
from core.api.views import ModelViewSet, ReadOnlyViewSet
from core.errors import NotFound
from projects import selectors, services
from projects.api.serializers import (
    FundingCommitmentSerializer,
    MilestoneSerializer,
    MineralSerializer,
    ParticipantSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
)
from projects.filters import (
    FundingCommitmentFilter,
    MilestoneFilter,
    MineralFilter,
    ParticipantFilter,
    ProjectFilter,
    ProjectUpdateFilter,
)


class MineralViewSet(ReadOnlyViewSet):
    """USGS 2025 and EU CRMA minerals, each flagged by list (CRMA names as transcribed)."""

    serializer_class = MineralSerializer
    filterset_class = MineralFilter
    lookup_field = "slug"
    lookup_value_regex = "[a-z0-9-]+"

    def get_queryset(self):
        return selectors.mineral_list(actor=self.actor)

    def get_object(self):
        return selectors.mineral_get(actor=self.actor, slug=self.kwargs["slug"])


PROJECT_EXAMPLE = {
    "title": "Lithium hydroxide refining pilot",
    "summary": "A pilot refinery turning spodumene concentrate into battery-grade hydroxide.",
    "minerals": ["lithium"],
    "segment": "processing",
    "host_country": "AU",
    "lead_member": "KR",
    "stage": "scoping",
    "budget_amount": "1250000.00",
    "budget_currency": "USD",
    "confidentiality": "members",
}


@request_examples(create=PROJECT_EXAMPLE, update=PROJECT_EXAMPLE, partial_update={"stage": "prefeasibility"})
class ProjectViewSet(ModelViewSet):
    """Joint projects the caller may see. The secretariat registers and edits them; the lead
    member may PATCH `stage`. Projects are closed or cancelled, never deleted."""

    filterset_class = ProjectFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action != "list" else ProjectSerializer

    def get_queryset(self):
        projects = selectors.project_list(actor=self.actor)
        return projects if self.action == "list" else projects.prefetch_related("stage_changes")

    def get_object(self):
        pk = self.kwargs["pk"]
        project = self.get_queryset().filter(pk=pk).first() if str(pk).isdigit() else None
        if project is None:
            raise NotFound("No such project.")
        return project

    def representation(self, instance) -> dict:
        if not hasattr(instance, "overdue_milestones"):
            # Fresh from a service: fetch it as reads do (annotations, prefetches).
            instance = self.get_queryset().get(pk=instance.pk)
        return ProjectDetailSerializer(instance, context=self.get_serializer_context()).data

    def perform_create(self, serializer):
        return services.project_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.project_update(actor=self.actor, project=instance, **serializer.validated_data)


class ParticipantViewSet(ModelViewSet):
    """Members taking part in projects (besides the lead), with their role. Secretariat writes."""

    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter

    def get_queryset(self):
        return selectors.participant_list(actor=self.actor)

    def get_object(self):
        return selectors.participant_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        return services.participant_add(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        role = serializer.validated_data.get("role", instance.role)
        return services.participant_update(actor=self.actor, participant=instance, role=role)

    def perform_destroy(self, instance):
        services.participant_remove(actor=self.actor, participant=instance)


class MilestoneViewSet(ModelViewSet):
    """Project milestones; `status` is upcoming, overdue or done as of today. Members taking
    part in the project keep them; set `done_on` to complete one."""

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter

    def get_queryset(self):
        return selectors.milestone_list(actor=self.actor)

    def get_object(self):
        return selectors.milestone_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        return services.milestone_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.milestone_update(actor=self.actor, milestone=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.milestone_delete(actor=self.actor, milestone=instance)


class FundingCommitmentViewSet(ModelViewSet):
    """Funding commitments, pledged -> approved -> disbursed, in their own currency. A member's
    delegation manages its own commitments on projects it takes part in."""

    serializer_class = FundingCommitmentSerializer
    filterset_class = FundingCommitmentFilter

    def get_queryset(self):
        return selectors.commitment_list(actor=self.actor)

    def get_object(self):
        return selectors.commitment_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        return services.commitment_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.commitment_update(actor=self.actor, commitment=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.commitment_delete(actor=self.actor, commitment=instance)


class ProjectUpdateViewSet(ModelViewSet):
    """Progress notes on projects. Members taking part post them; they are not edited, and only
    the secretariat removes one."""

    serializer_class = ProjectUpdateSerializer
    filterset_class = ProjectUpdateFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.update_list(actor=self.actor)

    def get_object(self):
        return selectors.update_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        return services.update_post(actor=self.actor, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.update_delete(actor=self.actor, update=instance)
