"""What needs doing in the joint projects for a delegation's home: its projects' overdue
milestones and its own funding commitments still to confirm. Each list is one query."""

from __future__ import annotations

import datetime

from core.actors import Actor
from projects.choices import FundingStatus
from projects.models import FundingCommitment, JointProject, Milestone
from projects.permissions import takes_part_q
from projects.selectors import commitment_list, milestone_list, overdue_q


def overdue_milestones(*, actor: Actor, on: datetime.date, limit: int = 20) -> list[Milestone]:
    """Overdue milestones of the projects the delegation leads or takes part in, oldest first."""
    if not actor.member_id:
        return []
    own_projects = JointProject.objects.filter(takes_part_q(actor.member_id)).values("pk")
    return list(
        milestone_list(actor=actor, on=on)
        .filter(overdue_q(on), project__in=own_projects)
        .order_by("due_on", "pk")[:limit]
    )


def commitments_to_confirm(*, actor: Actor, limit: int = 20) -> list[FundingCommitment]:
    """The delegation's own pledges not yet approved, oldest pledge first."""
    if not actor.member_id:
        return []
    return list(
        commitment_list(actor=actor)
        .filter(member_id=actor.member_id, status=FundingStatus.PLEDGED)
        .order_by("pledged_on", "pk")[:limit]
    )
