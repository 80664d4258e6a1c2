"""Every write to minerals, joint projects, participants, stages, milestones, funding and updates.

Each service checks who may act (projects.permissions: 404 for a project the actor cannot
see, 403 for one it sees but may not change), validates, writes through core.tracking
(audit and change feed in the caller's transaction) and returns the saved object. Changes of
participants or confidentiality also `touch` the project, so sync clients notice that its
audience changed. Reminders hook in at the milestone services (create/update/complete).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import Actor
from core.choices import AuditAction
from core.errors import Forbidden
from core.reminders.services import reminder_cancel_for
from core.services import require_settable
from core.tracking import audit_record, touch, tracked_create, tracked_delete, tracked_update
from meetings import selectors as meeting_selectors
from meetings.models import ActionItem, Meeting
from members.models import Member
from projects import permissions
from projects.choices import FundingStatus, ParticipantRole, Stage
from projects.models import (
    FundingCommitment,
    JointProject,
    Milestone,
    Mineral,
    ProjectParticipant,
    ProjectUpdate,
    StageChange,
)
from projects.reminders import milestone_reminders_plan, project_reminders_plan

MINERAL_FIELDS = {"name", "slug", "usgs_2025", "crma_strategic", "crma_critical", "crma_names", "match_note"}
PROJECT_FIELDS = {
    "title",
    "summary",
    "segment",
    "host_country",
    "lead_member",
    "budget_amount",
    "budget_currency",
    "confidentiality",
    "is_example",
}
PROJECT_RELATED = {"minerals", "restricted_to"}
MILESTONE_FIELDS = {"title", "due_on", "done_on", "note", "action_item"}
COMMITMENT_FIELDS = {
    "amount",
    "currency",
    "pledged_on",
    "approved_on",
    "disbursed_on",
    "note",
    "status",
    "announced_at",
}

# The funding life cycle, in one place: each status, the one it may move to and the date
# field that records the step.
FUNDING_STEPS: dict[str, tuple[str, str]] = {
    FundingStatus.PLEDGED: (FundingStatus.APPROVED, "approved_on"),
    FundingStatus.APPROVED: (FundingStatus.DISBURSED, "disbursed_on"),
}


def _today() -> datetime.date:
    return timezone.localdate()


def _check_meeting_links(
    actor: Actor, *, announced_at: Meeting | None = None, action_item: ActionItem | None = None
) -> None:
    """A link to a meeting or action item the actor cannot see reads as a missing one."""
    if (
        announced_at is not None
        and not meeting_selectors.meeting_list(actor=actor).filter(pk=announced_at.pk).exists()
    ):
        raise ValidationError({"announced_at": gettext("No such meeting.")})
    if (
        action_item is not None
        and not meeting_selectors.action_item_list(actor=actor).filter(pk=action_item.pk).exists()
    ):
        raise ValidationError({"action_item": gettext("No such action item.")})


# Minerals (reference data) -------------------------------------------------------------


@transaction.atomic
def mineral_create(*, actor: Actor, **fields: Any) -> Mineral:
    if not permissions.can_manage_projects(actor):
        raise Forbidden(gettext("Only the secretariat keeps the mineral list."))
    return tracked_create(Mineral(**require_settable(fields, MINERAL_FIELDS)), actor=actor)


@transaction.atomic
def mineral_update(*, actor: Actor, mineral: Mineral, **fields: Any) -> Mineral:
    if not permissions.can_manage_projects(actor):
        raise Forbidden(gettext("Only the secretariat keeps the mineral list."))
    return tracked_update(mineral, actor=actor, fields=require_settable(fields, MINERAL_FIELDS))


# Projects ------------------------------------------------------------------------------


def _labels(name: str, objects: Iterable) -> list[str]:
    return sorted(obj.slug if name == "minerals" else obj.iso2 for obj in objects)


def _set_related(project: JointProject, *, actor: Actor, name: str, values: Iterable) -> bool:
    """Replace a many-to-many set, audited; True when it changed."""
    values = list(values)
    manager = getattr(project, name)
    before = list(manager.all())
    if {obj.pk for obj in before} == {obj.pk for obj in values}:
        return False
    manager.set(values)
    audit_record(
        actor=actor,
        instance=project,
        action=AuditAction.UPDATE,
        changes={name: [_labels(name, before), _labels(name, values)]},
    )
    return True


def _check_minerals(minerals) -> None:
    if minerals is not None and not list(minerals):
        raise ValidationError({"minerals": gettext("Choose at least one mineral.")})


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    minerals: Iterable[Mineral],
    restricted_to: Iterable[Member] = (),
    stage: str = Stage.PROSPECT,
    stage_on: datetime.date | None = None,
    **fields: Any,
) -> JointProject:
    permissions.require_register(actor)
    minerals = list(minerals)
    _check_minerals(minerals)
    project = tracked_create(
        JointProject(stage=stage, **require_settable(fields, PROJECT_FIELDS)), actor=actor
    )
    _set_related(project, actor=actor, name="minerals", values=minerals)
    _set_related(project, actor=actor, name="restricted_to", values=restricted_to)
    tracked_create(
        StageChange(
            project=project,
            from_stage="",
            to_stage=stage,
            on=stage_on or _today(),
            by_user_id=actor.user_id,
            by_label=actor.label[:200],
            note="Registered",
        ),
        actor=actor,
    )
    return project


@transaction.atomic
def project_update(*, actor: Actor, project: JointProject, **fields: Any) -> JointProject:
    """Change the project record; a new `stage` goes through project_stage_change (history)."""
    stage = fields.pop("stage", None)
    related = {name: fields.pop(name) for name in PROJECT_RELATED & set(fields)}
    fields = require_settable(fields, PROJECT_FIELDS)
    if fields or related:
        permissions.require_manage(actor, project)
    _check_minerals(related.get("minerals"))
    if "lead_member" in fields and fields["lead_member"].pk != project.lead_member_id:
        _check_lead_not_participant(project, fields["lead_member"])
    saved = tracked_update(project, actor=actor, fields=fields) if fields else project
    audience_changed = "confidentiality" in fields and fields["confidentiality"] != project.confidentiality
    if "lead_member" in fields and fields["lead_member"].pk != project.lead_member_id:
        audience_changed = True
        project_reminders_plan(project=saved)  # the new lead's focal points get the reminders
    for name, values in related.items():
        changed = _set_related(saved, actor=actor, name=name, values=values)
        audience_changed |= changed and name == "restricted_to"
        if changed and name == "minerals":
            touch(saved)
    if audience_changed:
        touch(saved)
    if stage is not None and stage != saved.stage:
        saved = project_stage_change(actor=actor, project=saved, to_stage=stage)
    return saved


def _check_lead_not_participant(project: JointProject, member: Member) -> None:
    if ProjectParticipant.objects.filter(project=project, member=member).exists():
        raise ValidationError(
            {
                "lead_member": gettext("%(member)s is a participant; remove it there first.")
                % {"member": member.name}
            }
        )


@transaction.atomic
def project_stage_change(
    *, actor: Actor, project: JointProject, to_stage: str, on: datetime.date | None = None, note: str = ""
) -> JointProject:
    """Move a project to another stage and record the step (secretariat or lead member)."""
    permissions.require_move_stage(actor, project)
    if to_stage not in Stage.values:
        raise ValidationError({"stage": gettext("“%(value)s” is not a project stage.") % {"value": to_stage}})
    on = on or _today()
    if on > _today():
        raise ValidationError({"on": gettext("A stage change cannot be dated in the future.")})
    locked = JointProject.objects.select_for_update().get(pk=project.pk)
    if locked.stage == to_stage:
        return locked
    tracked_create(
        StageChange(
            project=locked,
            from_stage=locked.stage,
            to_stage=to_stage,
            on=on,
            by_user_id=actor.user_id,
            by_label=actor.label[:200],
            note=note[:500],
        ),
        actor=actor,
    )
    return tracked_update(locked, actor=actor, fields={"stage": to_stage}, action="stage")


# Participants --------------------------------------------------------------------------


@transaction.atomic
def participant_add(
    *, actor: Actor, project: JointProject, member: Member, role: str = ParticipantRole.PARTICIPANT
) -> ProjectParticipant:
    permissions.require_manage(actor, project, "Only the secretariat changes participants.")
    if member.pk == project.lead_member_id:
        raise ValidationError(
            {"member": gettext("%(member)s already leads the project.") % {"member": member.name}}
        )
    participant = tracked_create(ProjectParticipant(project=project, member=member, role=role), actor=actor)
    touch(project)  # a new member now sees (and syncs) the project
    project_reminders_plan(project=project)  # its focal points now get milestone reminders
    return participant


@transaction.atomic
def participant_update(*, actor: Actor, participant: ProjectParticipant, role: str) -> ProjectParticipant:
    permissions.require_manage(actor, participant.project, "Only the secretariat changes participants.")
    return tracked_update(participant, actor=actor, fields={"role": role})


@transaction.atomic
def participant_remove(*, actor: Actor, participant: ProjectParticipant) -> None:
    project = participant.project
    permissions.require_manage(actor, project, "Only the secretariat changes participants.")
    tracked_delete(participant, actor=actor, scope={"project": project.pk})
    touch(project)  # the member may no longer see the project
    project_reminders_plan(project=project)


# Milestones ----------------------------------------------------------------------------


def _check_done_on(done_on: datetime.date | None) -> None:
    if done_on is not None and done_on > _today():
        raise ValidationError({"done_on": gettext("A milestone cannot be done on a day still to come.")})


@transaction.atomic
def milestone_create(
    *,
    actor: Actor,
    project: JointProject,
    title: str,
    due_on: datetime.date,
    done_on: datetime.date | None = None,
    note: str = "",
    action_item: ActionItem | None = None,
) -> Milestone:
    permissions.require_work(actor, project)
    _check_done_on(done_on)
    _check_meeting_links(actor, action_item=action_item)
    milestone = Milestone(
        project=project, title=title, due_on=due_on, done_on=done_on, note=note, action_item=action_item
    )
    milestone = tracked_create(milestone, actor=actor)
    milestone_reminders_plan(milestones=[milestone])
    return milestone


@transaction.atomic
def milestone_update(*, actor: Actor, milestone: Milestone, **fields: Any) -> Milestone:
    permissions.require_work(actor, milestone.project)
    fields = require_settable(fields, MILESTONE_FIELDS)
    _check_done_on(fields.get("done_on"))
    _check_meeting_links(actor, action_item=fields.get("action_item"))
    saved = tracked_update(milestone, actor=actor, fields=fields)
    milestone_reminders_plan(milestones=[saved])  # a moved due date moves its reminders
    return saved


@transaction.atomic
def milestone_complete(*, actor: Actor, milestone: Milestone, on: datetime.date | None = None) -> Milestone:
    permissions.require_work(actor, milestone.project)
    on = on or _today()
    _check_done_on(on)
    saved = tracked_update(milestone, actor=actor, fields={"done_on": on}, action="complete")
    milestone_reminders_plan(milestones=[saved])  # done: its reminders are cancelled
    return saved


@transaction.atomic
def milestone_delete(*, actor: Actor, milestone: Milestone) -> None:
    permissions.require_work(actor, milestone.project)
    reminder_cancel_for(subjects=[milestone], reason="The milestone was deleted.")
    tracked_delete(milestone, actor=actor, scope={"project": milestone.project_id})


# Funding commitments -------------------------------------------------------------------


def funding_next(status: str) -> tuple[str, str] | None:
    """The status a commitment may move to next and the date field of that step, if any."""
    return FUNDING_STEPS.get(status)


def _check_transition(current: str, wanted: str) -> None:
    if wanted == current:
        return
    step = funding_next(current)
    if step is None or step[0] != wanted:
        names = {"current": FundingStatus(current).label.lower()}
        if step:
            message = gettext("A %(current)s commitment can only move to %(next)s.") % {
                **names,
                "next": FundingStatus(step[0]).label.lower(),
            }
        else:
            message = gettext("A %(current)s commitment can not change any more.") % names
        raise ValidationError({"status": message})


def _fill_step_dates(status: str, fields: dict[str, Any], current: FundingCommitment | None) -> None:
    """Date the steps a status implies when the caller gave no date (today)."""
    reached = {FundingStatus.PLEDGED: [], FundingStatus.APPROVED: ["approved_on"]}.get(
        status, ["approved_on", "disbursed_on"]
    )
    for name in reached:
        if fields.get(name) is None and (current is None or getattr(current, name) is None):
            fields[name] = _today()


def _require_own_commitment(actor: Actor, project: JointProject, member: Member) -> None:
    permissions.require_work(actor, project)
    if not actor.is_secretariat and not actor.acts_for(member.pk):
        raise Forbidden(gettext("A delegation records only its own member's commitments."))
    if not permissions.member_takes_part(member.pk, project):
        raise ValidationError(
            {"member": gettext("%(member)s does not take part in this project.") % {"member": member.name}}
        )


@transaction.atomic
def commitment_create(
    *,
    actor: Actor,
    project: JointProject,
    member: Member,
    amount: Decimal,
    currency: str,
    pledged_on: datetime.date | None = None,
    status: str = FundingStatus.PLEDGED,
    approved_on: datetime.date | None = None,
    disbursed_on: datetime.date | None = None,
    note: str = "",
    announced_at: Meeting | None = None,
) -> FundingCommitment:
    _require_own_commitment(actor, project, member)
    _check_meeting_links(actor, announced_at=announced_at)
    if status not in FundingStatus.values:
        raise ValidationError(
            {"status": gettext("“%(value)s” is not a commitment status.") % {"value": status}}
        )
    dates = {"approved_on": approved_on, "disbursed_on": disbursed_on}
    _fill_step_dates(status, dates, None)
    commitment = FundingCommitment(
        project=project,
        member=member,
        amount=amount,
        currency=currency,
        status=status,
        pledged_on=pledged_on or _today(),
        note=note,
        announced_at=announced_at,
        **dates,
    )
    return tracked_create(commitment, actor=actor)


@transaction.atomic
def commitment_update(*, actor: Actor, commitment: FundingCommitment, **fields: Any) -> FundingCommitment:
    """Change a commitment; a new `status` must be the next step (pledged -> approved -> disbursed)."""
    permissions.require_edit_commitment(actor, commitment)
    fields = require_settable(dict(fields), COMMITMENT_FIELDS)
    _check_meeting_links(actor, announced_at=fields.get("announced_at"))
    status = fields.get("status", commitment.status)
    if status not in FundingStatus.values:
        raise ValidationError(
            {"status": gettext("“%(value)s” is not a commitment status.") % {"value": status}}
        )
    _check_transition(commitment.status, status)
    if status != commitment.status:
        _fill_step_dates(status, fields, commitment)
    return tracked_update(commitment, actor=actor, fields=fields)


@transaction.atomic
def commitment_advance(
    *, actor: Actor, commitment: FundingCommitment, on: datetime.date | None = None
) -> FundingCommitment:
    """Take the next step of the life cycle, dated `on` (today by default)."""
    step = funding_next(commitment.status)
    if step is None:
        raise ValidationError(
            {"status": gettext("This commitment has been disbursed; there is no next step.")}
        )
    status, date_field = step
    return commitment_update(
        actor=actor, commitment=commitment, status=status, **{date_field: on or _today()}
    )


@transaction.atomic
def commitment_delete(*, actor: Actor, commitment: FundingCommitment) -> None:
    permissions.require_edit_commitment(actor, commitment)
    if commitment.status != FundingStatus.PLEDGED and not actor.is_secretariat:
        raise ValidationError(
            {"status": "Only a pledge can be withdrawn; ask the secretariat to correct it."}
        )
    tracked_delete(commitment, actor=actor, scope={"project": commitment.project_id})


# Updates -------------------------------------------------------------------------------


@transaction.atomic
def update_post(*, actor: Actor, project: JointProject, text: str, reported_stage: str = "") -> ProjectUpdate:
    """Post a progress note. A reported stage moves the project only when the secretariat or
    the lead member reports it; from another participant it stays a report for them to act on."""
    permissions.require_work(actor, project)
    update = tracked_create(
        ProjectUpdate(
            project=project,
            author_id=actor.user_id,
            author_member_id=actor.member_id,
            author_label=actor.label[:200],
            text=text,
            reported_stage=reported_stage,
        ),
        actor=actor,
    )
    if reported_stage and reported_stage != project.stage and permissions.can_move_stage(actor, project):
        project_stage_change(
            actor=actor, project=project, to_stage=reported_stage, note="Reported in an update"
        )
    touch(project)  # the project's "last update" changed
    return update


@transaction.atomic
def update_delete(*, actor: Actor, update: ProjectUpdate) -> None:
    permissions.require(
        permissions.can_manage_projects(actor), actor, update.project, "Only the secretariat removes updates."
    )
    tracked_delete(update, actor=actor, scope={"project": update.project_id})
