"""Written (silence) procedures: open, answer, withdraw an objection, extend, withdraw, close.

Every step locks the procedure row (SELECT ... FOR UPDATE) before it reads the status and the
deadline, so steps on one procedure run one at a time. The closing takes the same lock: an
answer committed before the closing took the lock is counted; an answer that waits for the
lock finds the procedure closed (or its deadline past) and is refused as late. A closing never
reads positions that an answer is still writing, and two closings find the second one nothing
to do. `now` is a parameter everywhere so tests and the browser test drive the clock.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.actors import Actor
from core.choices import Channel, Confidentiality
from core.errors import NotFound
from core.tracking import change_record, tracked_create, tracked_update
from decisions import permissions
from decisions.choices import OPENABLE_STATUSES, DecisionStatus, PositionKind, ProcedureStatus, StatementKind
from decisions.deadlines import describe, local_to_utc
from decisions.models import Decision, Position, WrittenProcedure
from decisions.reminders import procedure_reminders_plan, procedure_result_plan
from decisions.selectors import concerned_members
from decisions.services.decision import decision_adopt, decision_move
from members.models import Member

OPENABLE = OPENABLE_STATUSES
EVENT_OPENED = "procedure.opened"
EVENT_CLOSED = "procedure.closed"
EVENT_ADOPTED = "decision.adopted"


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _lock(procedure: WrittenProcedure) -> WrittenProcedure:
    return (
        WrittenProcedure.objects.select_related("decision")
        .select_for_update(of=("self",))
        .get(pk=procedure.pk)
    )


def _check_concerned(decision: Decision, all_members: bool, concerned: list[Member]) -> None:
    if all_members:
        return
    if not concerned:
        raise ValidationError({"concerned": _("Name the members concerned, or open it to all members.")})
    if decision.confidentiality != Confidentiality.RESTRICTED:
        raise ValidationError(
            {
                "concerned": _(
                    "A procedure for some members only needs a decision restricted to them: "
                    "set the decision's confidentiality to restricted first."
                )
            }
        )
    allowed = set(decision.restricted_to.values_list("pk", flat=True))
    outside = sorted(member.name for member in concerned if member.pk not in allowed)
    if outside:
        raise ValidationError(
            {"concerned": _("Not named on the decision: %(names)s.") % {"names": ", ".join(outside)}}
        )


@transaction.atomic
def procedure_open(
    *,
    actor: Actor,
    decision: Decision,
    deadline_local: datetime.datetime,
    time_zone: str,
    all_members: bool = True,
    concerned: Iterable[Member] = (),
    positions_visible_while_open: bool = False,
    note: str = "",
    now: datetime.datetime | None = None,
) -> WrittenProcedure:
    """Circulate a decision's current text under written procedure until the deadline."""
    permissions.require_manage(actor)
    now = _now(now)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status not in OPENABLE:
        raise ValidationError(
            {
                "decision": _("A %(status)s decision cannot go to written procedure.")
                % {"status": locked.get_status_display().lower()}
            }
        )
    deadline = local_to_utc(deadline_local, time_zone)
    if deadline <= now:
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    concerned = list(concerned)
    _check_concerned(locked, all_members, concerned)
    procedure = tracked_create(
        WrittenProcedure(
            decision=locked,
            deadline=deadline,
            time_zone=time_zone,
            original_deadline=deadline,
            all_members=all_members,
            positions_visible_while_open=positions_visible_while_open,
            text_version=locked.version,
            note=note,
            opened_at=now,
        ),
        actor=actor,
        action="open",
    )
    if not all_members:
        procedure.concerned.set(concerned)
    decision_move(
        actor=actor,
        decision=locked,
        to_status=DecisionStatus.UNDER_PROCEDURE,
        note=_("Written procedure until %(deadline)s") % {"deadline": describe(deadline, time_zone)},
        now=now,
        by_procedure=True,
    )
    change_record(instance=procedure, event=EVENT_OPENED)
    procedure_reminders_plan(procedure=procedure, now=now)
    return procedure


def _refuse_if_closed(procedure: WrittenProcedure, now: datetime.datetime, field: str) -> None:
    """The one rule for late steps: the deadline instant itself is already too late."""
    if procedure.status != ProcedureStatus.OPEN:
        raise ValidationError(
            {
                field: _("The procedure is %(status)s; nothing more can be recorded.")
                % {"status": procedure.get_status_display().lower()}
            }
        )
    if now >= procedure.deadline:
        raise ValidationError(
            {
                field: _("Too late: the deadline was %(deadline)s.")
                % {"deadline": describe(procedure.deadline, procedure.time_zone)}
            }
        )


def _require_answerer(actor: Actor, procedure: WrittenProcedure, member: Member) -> None:
    """Another member's answer, or a procedure the actor cannot see, answers "not found"."""
    permissions.require_answer_for(actor, member.pk)
    visible = WrittenProcedure.objects.filter(permissions.procedure_visible_q(actor), pk=procedure.pk)
    if not visible.exists():
        raise NotFound(_("No such procedure."))
    if not concerned_members(procedure).filter(pk=member.pk).exists():
        raise ValidationError(
            {"member": _("%(name)s is not concerned by this procedure.") % {"name": member.name}}
        )


def _clean_answer(kind: str, text: str, statement_kind: str) -> dict[str, Any]:
    if kind not in PositionKind.values:
        raise ValidationError({"kind": _("Choose support, objection or a statement for the record.")})
    text = (text or "").strip()
    if kind == PositionKind.OBJECTION and not text:
        raise ValidationError({"text": _("Give the reason for breaking silence.")})
    if kind == PositionKind.STATEMENT:
        if not text:
            raise ValidationError({"text": _("Give the text of the statement for the record.")})
        if statement_kind not in StatementKind.values:
            raise ValidationError(
                {"statement_kind": _("Say whether it is a reservation or an interpretative statement.")}
            )
    else:
        statement_kind = ""
    return {"kind": kind, "text": text, "statement_kind": statement_kind}


@transaction.atomic
def position_answer(
    *,
    actor: Actor,
    procedure: WrittenProcedure,
    member: Member,
    kind: str,
    text: str = "",
    statement_kind: str = "",
    now: datetime.datetime | None = None,
) -> Position:
    """A member's answer (support, objection, statement); a new answer replaces its earlier one."""
    _require_answerer(actor, procedure, member)
    fields = _clean_answer(kind, text, statement_kind)
    locked = _lock(procedure)
    now = _now(now)  # read after the lock: waiting for a closing makes the answer late
    _refuse_if_closed(locked, now, "kind")
    answer = {
        **fields,
        "answered_at": now,
        "withdrawn_at": None,
        "by_user_id": actor.user_id,
        "by_label": actor.label[:200],
    }
    existing = Position.objects.filter(procedure=locked, member=member).first()
    if existing is None:
        position = tracked_create(
            Position(procedure=locked, member=member, **answer), actor=actor, action=f"answer:{kind}"
        )
    else:
        position = tracked_update(existing, actor=actor, fields=answer, action=f"answer:{kind}")
    procedure_reminders_plan(procedure=locked, now=now)
    return position


@transaction.atomic
def objection_withdraw(
    *, actor: Actor, procedure: WrittenProcedure, member: Member, now: datetime.datetime | None = None
) -> Position:
    """A member takes back its objection before the deadline: silence again, not blocking."""
    _require_answerer(actor, procedure, member)
    locked = _lock(procedure)
    now = _now(now)
    _refuse_if_closed(locked, now, "withdrawn_at")
    position = Position.objects.filter(
        procedure=locked, member=member, kind=PositionKind.OBJECTION, withdrawn_at__isnull=True
    ).first()
    if position is None:
        raise ValidationError(
            {"withdrawn_at": _("%(name)s has no objection standing.") % {"name": member.name}}
        )
    return tracked_update(position, actor=actor, fields={"withdrawn_at": now}, action="withdraw_objection")


@transaction.atomic
def procedure_extend(
    *,
    actor: Actor,
    procedure: WrittenProcedure,
    deadline_local: datetime.datetime,
    time_zone: str | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> WrittenProcedure:
    """Move the deadline later; the reminders and the calendar event move with it."""
    permissions.require_manage(actor)
    locked = _lock(procedure)
    now = _now(now)
    _refuse_if_closed(locked, now, "deadline")
    time_zone = time_zone or locked.time_zone
    deadline = local_to_utc(deadline_local, time_zone)
    if deadline <= locked.deadline:
        raise ValidationError(
            {
                "deadline": _("An extension must be later than the current deadline, %(deadline)s.")
                % {"deadline": describe(locked.deadline, locked.time_zone)}
            }
        )
    saved = tracked_update(
        locked,
        actor=actor,
        fields={
            "deadline": deadline,
            "time_zone": time_zone,
            "ics_sequence": locked.ics_sequence + 1,
            "closing_note": note[:500],
        },
        action="extend",
    )
    procedure_reminders_plan(procedure=saved, now=now)
    return saved


@transaction.atomic
def procedure_withdraw(
    *, actor: Actor, procedure: WrittenProcedure, note: str = "", now: datetime.datetime | None = None
) -> WrittenProcedure:
    """Stop the procedure before its deadline; the decision goes back to draft."""
    permissions.require_manage(actor)
    locked = _lock(procedure)
    now = _now(now)
    _refuse_if_closed(locked, now, "status")
    saved = tracked_update(
        locked,
        actor=actor,
        fields={
            "status": ProcedureStatus.WITHDRAWN,
            "closed_at": now,
            "closing_note": note[:500],
            "ics_sequence": locked.ics_sequence + 1,
        },
        action="withdraw",
    )
    decision_move(
        actor=actor,
        decision=saved.decision,
        to_status=DecisionStatus.DRAFT,
        note=note or _("Written procedure withdrawn"),
        now=now,
        by_procedure=True,
    )
    change_record(instance=saved, event=EVENT_CLOSED)
    procedure_result_plan(procedure=saved, now=now)
    return saved


def standing_objections(procedure: WrittenProcedure) -> list[Position]:
    return list(
        Position.objects.filter(procedure=procedure, kind=PositionKind.OBJECTION, withdrawn_at__isnull=True)
        .select_related("member")
        .order_by("member__name")
    )


@transaction.atomic
def procedure_close(
    *, procedure_id: int, now: datetime.datetime | None = None, actor: Actor | None = None
) -> WrittenProcedure | None:
    """Close a procedure whose deadline has come, exactly once.

    No standing objection: the decision is adopted at the deadline and takes its reference.
    Otherwise it is not adopted, naming who broke silence. Returns the procedure when this call
    closed it, None when there was nothing to do (not due yet, already closed, gone).
    """
    actor = actor or Actor.system(Channel.TASK, label="written procedure")
    now = _now(now)
    procedure = WrittenProcedure.objects.filter(pk=procedure_id).first()
    if procedure is None:
        return None
    locked = _lock(procedure)
    if locked.status != ProcedureStatus.OPEN or locked.deadline > now:
        return None
    objections = standing_objections(locked)
    # The note is part of the record: written in the forum's working language, whoever (a
    # periodic task, a signed-in user's request) happens to run the closing.
    with translation.override(settings.LANGUAGE_CODE):
        if objections:
            names = ", ".join(position.member.name for position in objections)
            note = _("Not adopted: silence broken by %(names)s") % {"names": names}
            status = ProcedureStatus.NOT_ADOPTED
        else:
            note = _("Adopted by written procedure at %(deadline)s") % {
                "deadline": describe(locked.deadline, locked.time_zone)
            }
            status = ProcedureStatus.ADOPTED
    saved = tracked_update(
        locked,
        actor=actor,
        fields={"status": status, "closed_at": now, "closing_note": note[:500]},
        action="close",
    )
    if objections:
        decision_move(
            actor=actor,
            decision=saved.decision,
            to_status=DecisionStatus.NOT_ADOPTED,
            note=note,
            now=now,
            by_procedure=True,
        )
    else:
        adopted = decision_adopt(
            actor=actor, decision=saved.decision, at=saved.deadline, note=note, by_procedure=True
        )
        change_record(instance=adopted, event=EVENT_ADOPTED)
    change_record(instance=saved, event=EVENT_CLOSED)
    procedure_result_plan(procedure=saved, now=now)
    return saved


def procedures_close_due(*, now: datetime.datetime | None = None) -> int:
    """Close every open procedure whose deadline has come, each in its own transaction
    (the periodic task; running it twice, or in two beats at once, closes each once)."""
    now = _now(now)
    due = WrittenProcedure.objects.filter(status=ProcedureStatus.OPEN, deadline__lte=now).values_list(
        "pk", flat=True
    )
    return sum(1 for pk in list(due) if procedure_close(procedure_id=pk, now=now) is not None)
