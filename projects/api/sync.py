"""The projects app's resources on the change feed (core.sync.registry).

Each queryset and serializer is the one the resource's list uses, so a feed object is exactly
what a full sync (listing the resource) gives the same token. For every resource but projects
that is also what GET /api/v1/<resource>/<id>/ returns; a project's detail adds its stage
history (`stage_changes`), which partners fetch from the detail when they want it. Sending the
list form keeps a replica's objects of one shape whether they came from a list or the feed.
"""

import datetime

from django.db.models import Q

from core.sync.registry import register_list
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


def milestones_changing_status(since: datetime.date, until: datetime.date) -> list[int]:
    """Milestones whose `status` (upcoming, overdue, done as of today) differs between the two
    days: due in between (they turned overdue) or done on a day in between."""
    moved = Q(due_on__gte=since, due_on__lt=until) | Q(done_on__gt=since, done_on__lte=until)
    return list(Milestone.objects.filter(moved).values_list("pk", flat=True))


def projects_changing_overdue_count(since: datetime.date, until: datetime.date) -> list[int]:
    """Projects whose `overdue_milestones` count may differ between the two days."""
    ids = milestones_changing_status(since, until)
    return list(Milestone.objects.filter(pk__in=ids).values_list("project_id", flat=True).distinct())


register_list("minerals", Mineral, serializers.MineralSerializer, selectors.mineral_list)
register_list(
    "projects",
    JointProject,
    serializers.ProjectSerializer,
    selectors.project_list,
    audience_fields={"confidentiality", "lead_member"},
    date_changes=projects_changing_overdue_count,
)
register_list(
    "milestones",
    Milestone,
    serializers.MilestoneSerializer,
    selectors.milestone_list,
    follows="project",
    date_changes=milestones_changing_status,
)
# Visible with their project.
for resource, model, serializer_class, selector in [
    (
        "project-participants",
        ProjectParticipant,
        serializers.ParticipantSerializer,
        selectors.participant_list,
    ),
    (
        "funding-commitments",
        FundingCommitment,
        serializers.FundingCommitmentSerializer,
        selectors.commitment_list,
    ),
    ("project-updates", ProjectUpdate, serializers.ProjectUpdateSerializer, selectors.update_list),
]:
    register_list(resource, model, serializer_class, selector, follows="project")
