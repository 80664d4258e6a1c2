"""Who may see and change joint projects, in one place for the web UI, the admin and the API.

Seeing: the secretariat sees every project. Public projects are open to every signed-in user
and token; "members" projects to every delegation (not to forum-wide tokens). A restricted
project is seen only by the members taking part (lead or participant) and the members named
in `restricted_to`; a secretariat-only project by the members taking part. Everyone else gets
"not found", exactly as for a project that does not exist.

Changing: the secretariat (with write rights) changes everything. A delegation user or a
member-bound write token works on the projects its member takes part in: it posts updates,
keeps milestones, and manages its own member's funding commitments. The project record
itself (title, minerals, participants, confidentiality, budget) is the secretariat's; the
stage is moved by the secretariat or by the lead member. A project the actor may see but
not change answers 403; one it may not see answers 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from core import confidentiality
from core.actors import Actor
from core.errors import Forbidden, NotFound
from projects.models import FundingCommitment, JointProject, ProjectParticipant


def takes_part_q(member_id: int) -> Q:
    """Projects a member leads or takes part in (an Exists subquery: no duplicate rows)."""
    participates = ProjectParticipant.objects.filter(project=OuterRef("pk"), member_id=member_id)
    return Q(lead_member_id=member_id) | Q(Exists(participates))


def visible_q(actor: Actor) -> Q:
    """The projects `actor` may see, as a filter on JointProject: the one confidentiality rule
    (core.confidentiality), with the members taking part as the project's parties, who see
    it even when it is secretariat-only."""
    parties = takes_part_q(actor.member_id) if actor.member_id is not None else None
    return confidentiality.visible_q(
        actor,
        named=confidentiality.named_q(actor, JointProject.restricted_to),
        parties=parties,
        parties_see_secretariat_only=True,
    )


def member_takes_part(member_id: int | None, project: JointProject) -> bool:
    if member_id is None:
        return False
    if project.lead_member_id == member_id:
        return True
    return ProjectParticipant.objects.filter(project=project, member_id=member_id).exists()


def takes_part(actor: Actor, project: JointProject) -> bool:
    return member_takes_part(actor.member_id, project)


def can_manage_projects(actor: Actor) -> bool:
    """Create projects and change their record, participants and confidentiality."""
    return actor.can_write and actor.is_secretariat


def can_work_on(actor: Actor, project: JointProject) -> bool:
    """Post updates and keep milestones and own commitments of this project."""
    return actor.can_write and (actor.is_secretariat or takes_part(actor, project))


def can_move_stage(actor: Actor, project: JointProject) -> bool:
    return actor.can_write and (actor.is_secretariat or actor.acts_for(project.lead_member_id))


def can_edit_commitment(actor: Actor, commitment: FundingCommitment) -> bool:
    """A delegation manages its own member's commitments on projects it takes part in."""
    if not actor.can_write:
        return False
    if actor.is_secretariat:
        return True
    return actor.acts_for(commitment.member_id) and takes_part(actor, commitment.project)


def require_visible(actor: Actor, project: JointProject) -> None:
    """For writes that name a project: 404 when the actor may not see it at all."""
    if not JointProject.objects.filter(visible_q(actor), pk=project.pk).exists():
        raise NotFound(gettext("No such project."))


def require(allowed: bool, actor: Actor, project: JointProject, message: str) -> None:
    """Refuse a write: 404 if the project is hidden from the actor, else 403 with `message`."""
    if allowed:
        return
    require_visible(actor, project)
    raise Forbidden(message if actor.can_write else "This account or token may only read.")


# The rules as checks: services call them first; an edit page calls the same one before it
# shows a form, so a page and its service can never disagree.


def require_register(actor: Actor) -> None:
    if not can_manage_projects(actor):
        raise Forbidden(gettext("Only the secretariat registers joint projects."))


def require_manage(
    actor: Actor, project: JointProject, message: str = "Only the secretariat edits this project."
) -> None:
    require(can_manage_projects(actor), actor, project, message)


def require_work(actor: Actor, project: JointProject) -> None:
    require(
        can_work_on(actor, project),
        actor,
        project,
        "Only members taking part in this project (and the secretariat) change it.",
    )


def require_move_stage(actor: Actor, project: JointProject) -> None:
    require(
        can_move_stage(actor, project),
        actor,
        project,
        "Only the secretariat or the lead member moves the project's stage.",
    )


def require_edit_commitment(actor: Actor, commitment: FundingCommitment) -> None:
    require(
        can_edit_commitment(actor, commitment),
        actor,
        commitment.project,
        "A delegation changes only its own member's commitments.",
    )
