"""The projects app's resources on the change feed (core.sync.registry).

Each queryset is the one the resource's viewset reads single objects with, so a feed object is
exactly what GET /api/v1/<resource>/<id>/ shows the same token (projects: the detail form).
"""

from core.sync.registry import register
from projects import selectors
from projects.api import serializers
from projects.models import (
    FundingCommitment,
    JointProject,
    Milestone,
    Mineral,
    ProjectParticipant,
    ProjectUpdate,
)

register(
    resource="minerals",
    model=Mineral,
    serializer_class=serializers.MineralSerializer,
    queryset=lambda actor: selectors.mineral_list(actor=actor),
)
register(
    resource="projects",
    model=JointProject,
    serializer_class=serializers.ProjectDetailSerializer,
    queryset=lambda actor: selectors.project_list(actor=actor).prefetch_related("stage_changes"),
)
register(
    resource="project-participants",
    model=ProjectParticipant,
    serializer_class=serializers.ParticipantSerializer,
    queryset=lambda actor: selectors.participant_list(actor=actor),
)
register(
    resource="milestones",
    model=Milestone,
    serializer_class=serializers.MilestoneSerializer,
    queryset=lambda actor: selectors.milestone_list(actor=actor),
)
register(
    resource="funding-commitments",
    model=FundingCommitment,
    serializer_class=serializers.FundingCommitmentSerializer,
    queryset=lambda actor: selectors.commitment_list(actor=actor),
)
register(
    resource="project-updates",
    model=ProjectUpdate,
    serializer_class=serializers.ProjectUpdateSerializer,
    queryset=lambda actor: selectors.update_list(actor=actor),
)
