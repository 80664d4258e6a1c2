"""Every read of decisions, versions, procedures and positions, scoped to the actor.

Lists are built for a constant number of queries whatever their length (select_related,
prefetch_related and subqueries); "not yours" and "not there" both raise NotFound.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core import confidentiality
from core.actors import Actor
from core.choices import Confidentiality
from core.selectors import get_visible
from decisions import permissions
from decisions.choices import OPENABLE_STATUSES, SILENT, PositionKind, ProcedureStatus
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


def concerned_members(procedure: WrittenProcedure) -> QuerySet[Member]:
    """The members a procedure asks: all members (and participants) that may see the decision,
    or the members named."""
    return Member.objects.filter(concerned_members_q(procedure)).order_by("name")


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
    return get_visible(decision_list(actor=actor), pk, _("No such decision."))


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
    return get_visible(procedure_list(actor=actor), pk, _("No such procedure."))


def decision_procedures(*, actor: Actor, decision: Decision) -> list[WrittenProcedure]:
    return list(procedure_list(actor=actor).filter(decision=decision).order_by("-opened_at", "-pk"))


def feed_procedures(*, actor: Actor) -> list[WrittenProcedure]:
    """What a calendar feed shows of procedures: the visible ones, deadlines from a year back on
    (the same window as the meetings in the feed)."""
    since = timezone.now() - datetime.timedelta(days=366)
    return list(procedure_list(actor=actor).filter(deadline__gte=since).order_by("deadline", "pk"))


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
    concerned = concerned_ids(rows, actor.member_id)
    answered = set(
        Position.objects.filter(procedure_id__in=[p.pk for p in rows], member_id=actor.member_id).values_list(
            "procedure_id", flat=True
        )
    )
    return [p for p in rows if p.pk in concerned and p.pk not in answered]


def concerned_ids(procedures: list[WrittenProcedure], member_id: int) -> set[int]:
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


def answerable_ids(*, actor: Actor, procedures: list[WrittenProcedure]) -> set[int]:
    """Of these procedures, the open ones the actor may answer: any for the secretariat (it
    records answers received by other means), those asking its member for a delegation."""
    open_ones = [p for p in procedures if p.is_open]
    if not open_ones or not actor.can_write:
        return set()
    if actor.is_secretariat:
        return {p.pk for p in open_ones}
    if actor.member_id is None:
        return set()
    return concerned_ids(open_ones, actor.member_id)


def procedure_openable(decision: Decision) -> bool:
    return decision.status in OPENABLE_STATUSES


def viewer_time_zone(*, actor: Actor) -> str:
    """The zone a delegation reads times in (its capital's); empty for the secretariat."""
    if actor.member_id is None:
        return ""
    return Member.objects.filter(pk=actor.member_id).values_list("capital_time_zone", flat=True).first() or ""


# Positions ------------------------------------------------------------------------------


def position_list(*, actor: Actor) -> QuerySet[Position]:
    return Position.objects.filter(permissions.position_visible_q(actor)).select_related(
        "member", "procedure"
    )


NOT_CONCERNED = "not_concerned"
CELL_LABELS = {
    PositionKind.SUPPORT: _("Support"),
    PositionKind.OBJECTION: _("Objection"),
    PositionKind.STATEMENT: _("Statement"),
    SILENT: _("Silent"),
    NOT_CONCERNED: _("Not asked"),
}


@dataclass
class GridCell:
    member: Member
    kind: str  # support / objection / statement / silent / not_concerned
    shown: bool  # False: another member's position while the procedure is open

    @property
    def label(self) -> str:
        return str(CELL_LABELS[self.kind])


@dataclass
class GridRow:
    procedure: WrittenProcedure
    cells: list[GridCell]  # in the order of the grid's members


def _asks(procedure: WrittenProcedure, member: Member) -> bool:
    """Whether `procedure` asks `member` (a deciding member), from prefetched rows."""
    if not procedure.all_members:
        return any(m.pk == member.pk for m in procedure.concerned.all())
    decision = procedure.decision
    if decision.confidentiality == Confidentiality.RESTRICTED:
        return any(m.pk == member.pk for m in decision.restricted_to.all())
    return decision.confidentiality != Confidentiality.SECRETARIAT


def grid_procedures(*, actor: Actor) -> QuerySet[WrittenProcedure]:
    """Visible procedures, newest first, with what the grid needs to tell who was asked."""
    return (
        procedure_list(actor=actor).prefetch_related("decision__restricted_to").order_by("-opened_at", "-pk")
    )


def positions_grid(
    *, actor: Actor, procedures: list[WrittenProcedure], members: list[Member] | None = None
) -> tuple[list[Member], list[GridRow]]:
    """Procedures x members: what each member answered, as far as the actor may see.

    A fixed number of queries whatever the size: members (unless given), positions; the
    procedures come from `grid_procedures` with their prefetches.
    """
    ids = [p.pk for p in procedures]
    if members is None:
        members = list(Member.objects.filter(status__in=DECIDING_STATUSES).order_by("name"))
    positions: dict[int, dict[int, str]] = {pk: {} for pk in ids}
    for procedure_id, member_id, kind, withdrawn in (
        position_list(actor=actor)
        .filter(procedure_id__in=ids, member__in=members)
        .values_list("procedure_id", "member_id", "kind", "withdrawn_at")
    ):
        positions[procedure_id][member_id] = (
            SILENT if (kind == PositionKind.OBJECTION and withdrawn) else kind
        )
    rows = []
    for procedure in procedures:
        sees_all = permissions.sees_all_positions(actor, procedure)
        cells = [
            GridCell(
                member=m,
                kind=positions[procedure.pk].get(m.pk, SILENT) if _asks(procedure, m) else NOT_CONCERNED,
                shown=sees_all or actor.acts_for(m.pk),
            )
            for m in members
        ]
        rows.append(GridRow(procedure=procedure, cells=cells))
    return members, rows


def procedure_positions(*, actor: Actor, procedure: WrittenProcedure) -> list[Position]:
    return list(position_list(actor=actor).filter(procedure=procedure).order_by("member__name"))


def member_record(*, actor: Actor, member: Member) -> list[GridRow]:
    """A member's record: every visible procedure that asked it, with its position (or
    silence) as far as the actor may see it; one row per procedure, newest first."""
    asked = Q(all_members=True) | Q(concerned=member)
    procedures = grid_procedures(actor=actor).filter(asked).distinct()
    _, rows = positions_grid(actor=actor, procedures=list(procedures), members=[member])
    return [row for row in rows if row.cells[0].kind != NOT_CONCERNED]
