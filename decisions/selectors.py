"""Every read of decisions, versions, procedures and positions, scoped to the actor.

Lists are built for a constant number of queries whatever their length (select_related,
prefetch_related and subqueries); "not yours" and "not there" both raise NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery

from core import confidentiality
from core.actors import Actor
from core.choices import Confidentiality
from core.errors import NotFound
from decisions import permissions
from decisions.choices import SILENT, PositionKind, ProcedureStatus
from decisions.models import Decision, DecisionVersion, Position, StatusChange, WrittenProcedure
from meetings import selectors as meeting_selectors
from members.choices import MemberStatus
from members.models import Member

# Members that take part in decisions when a procedure is open to "all members".
DECIDING_STATUSES = (MemberStatus.MEMBER, MemberStatus.PARTICIPANT)


def concerned_members_q(procedure: WrittenProcedure) -> Q:
    """The members a procedure asks, as a filter on Member."""
    if not procedure.all_members:
        return Q(concerned_procedures=procedure)
    decision = procedure.decision
    condition = Q(status__in=DECIDING_STATUSES)
    if decision.confidentiality == Confidentiality.RESTRICTED:
        condition &= Q(restricted_decisions=decision)
    elif decision.confidentiality == Confidentiality.SECRETARIAT:
        condition &= Q(pk__in=[])
    return condition


# Decisions ------------------------------------------------------------------------------


def _latest_procedure(field: str) -> Subquery:
    latest = WrittenProcedure.objects.filter(decision=OuterRef("pk")).order_by("-opened_at", "-pk")
    return Subquery(latest.values(field)[:1])


def decision_list(*, actor: Actor) -> QuerySet[Decision]:
    """Visible decisions with their meeting (when the actor may see it) and the state of their
    latest procedure."""
    return (
        Decision.objects.filter(permissions.decision_visible_q(actor))
        .select_related("meeting")
        .annotate(
            **confidentiality.link_visible(
                actor, link="meeting", visible=meeting_selectors.meeting_list(actor=actor)
            ),
            procedure_status=_latest_procedure("status"),
            procedure_deadline=_latest_procedure("deadline"),
            procedure_time_zone=_latest_procedure("time_zone"),
        )
    )


def decision_get(*, actor: Actor, pk: int) -> Decision:
    decision = decision_list(actor=actor).filter(pk=pk).first()
    if decision is None:
        raise NotFound("No such decision.")
    return decision


def decision_versions(*, decision: Decision) -> list[DecisionVersion]:
    return list(DecisionVersion.objects.filter(decision=decision).order_by("number"))


def decision_moves(*, decision: Decision) -> list[StatusChange]:
    return list(StatusChange.objects.filter(decision=decision).select_related("meeting").order_by("at", "pk"))


def version_list(*, actor: Actor) -> QuerySet[DecisionVersion]:
    return DecisionVersion.objects.filter(
        decision__in=Decision.objects.filter(permissions.decision_visible_q(actor))
    )


# Procedures -----------------------------------------------------------------------------


def procedure_list(*, actor: Actor) -> QuerySet[WrittenProcedure]:
    return (
        WrittenProcedure.objects.filter(permissions.procedure_visible_q(actor))
        .select_related("decision")
        .prefetch_related("concerned")
    )


def procedure_get(*, actor: Actor, pk: int) -> WrittenProcedure:
    procedure = procedure_list(actor=actor).filter(pk=pk).first()
    if procedure is None:
        raise NotFound("No such procedure.")
    return procedure


def decision_procedures(*, actor: Actor, decision: Decision) -> list[WrittenProcedure]:
    return list(procedure_list(actor=actor).filter(decision=decision).order_by("-opened_at", "-pk"))


def open_procedures(*, actor: Actor, limit: int | None = None) -> list[WrittenProcedure]:
    """Open procedures by deadline (the dashboard panel)."""
    rows = procedure_list(actor=actor).filter(status=ProcedureStatus.OPEN).order_by("deadline", "pk")
    return list(rows[:limit] if limit else rows)


def awaiting_answer(*, actor: Actor) -> list[WrittenProcedure]:
    """Open procedures the actor's delegation is concerned by and has not answered."""
    if actor.member_id is None:
        return []
    rows = open_procedures(actor=actor)
    if not rows:
        return []
    concerned = _concerned_ids(rows, actor.member_id)
    answered = set(
        Position.objects.filter(procedure_id__in=[p.pk for p in rows], member_id=actor.member_id).values_list(
            "procedure_id", flat=True
        )
    )
    return [p for p in rows if p.pk in concerned and p.pk not in answered]


def _concerned_ids(procedures: list[WrittenProcedure], member_id: int) -> set[int]:
    """Of these procedures, those that ask `member_id` (one query for the lot)."""
    member = Member.objects.filter(pk=member_id).values("status").first()
    deciding = member is not None and member["status"] in DECIDING_STATUSES
    found = set()
    for procedure in procedures:
        if procedure.all_members:
            if deciding:
                found.add(procedure.pk)
        elif any(m.pk == member_id for m in procedure.concerned.all()):
            found.add(procedure.pk)
    return found


# Positions ------------------------------------------------------------------------------


def position_list(*, actor: Actor) -> QuerySet[Position]:
    return Position.objects.filter(permissions.position_visible_q(actor)).select_related(
        "member", "procedure"
    )


@dataclass
class GridRow:
    procedure: WrittenProcedure
    cells: dict[int, str]  # member id -> support / objection / statement / silent
    hidden: bool  # positions of others not shown to this viewer yet


def positions_grid(*, actor: Actor, procedures: list[WrittenProcedure]) -> tuple[list[Member], list[GridRow]]:
    """Procedures x members: what each member answered, as far as the actor may see.

    Three queries whatever the size: members, positions, (procedures given by the caller).
    """
    ids = [p.pk for p in procedures]
    members = list(Member.objects.filter(status__in=DECIDING_STATUSES).order_by("name"))
    positions: dict[int, dict[int, str]] = {pk: {} for pk in ids}
    for procedure_id, member_id, kind, withdrawn in (
        position_list(actor=actor)
        .filter(procedure_id__in=ids)
        .values_list("procedure_id", "member_id", "kind", "withdrawn_at")
    ):
        positions[procedure_id][member_id] = (
            SILENT if (kind == PositionKind.OBJECTION and withdrawn) else kind
        )
    rows = [
        GridRow(
            procedure=p,
            cells={m.pk: positions[p.pk].get(m.pk, SILENT) for m in members},
            hidden=not permissions.sees_all_positions(actor, p),
        )
        for p in procedures
    ]
    return members, rows


def procedure_positions(*, actor: Actor, procedure: WrittenProcedure) -> list[Position]:
    return list(position_list(actor=actor).filter(procedure=procedure).order_by("member__name"))


def member_record(*, actor: Actor, member: Member) -> list[Position]:
    """A member's positions across procedures, as far as the actor may see them."""
    return list(
        position_list(actor=actor)
        .filter(member=member)
        .select_related("procedure__decision")
        .order_by("-procedure__opened_at")
    )
