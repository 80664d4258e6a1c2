"""Who may see and do what with decisions and written procedures, in one place for the web UI,
the admin and the API.

Seeing a decision: the secretariat sees all of them. Others see a decision once it has left
draft, by its confidentiality as for meetings: public to every signed-in user and token,
"all delegations" to every delegation, restricted to the members named on it, secretariat
only to nobody else. A procedure is seen with its decision, and, when it concerns some members
only, by those members alone. Everything else answers "not found".

Acting: the secretariat (with write rights) keeps decisions and runs procedures. A delegation
user or a member-bound write token answers a procedure for its own member only; another
member's answer is "not found".

Positions: a delegation always sees its own. It sees the others' once the procedure is closed,
or while open when the procedure says positions show while open.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from core import confidentiality
from core.actors import Actor
from core.errors import Forbidden, NotFound
from decisions.choices import CIRCULATED_STATUSES
from decisions.models import Decision, WrittenProcedure


def can_manage_decisions(actor: Actor) -> bool:
    return actor.can_write and actor.is_secretariat


def require_manage(actor: Actor) -> None:
    """The secretariat (with write rights) keeps decisions and runs procedures."""
    if not can_manage_decisions(actor):
        raise Forbidden(_("Only the secretariat keeps decisions and runs written procedures."))


def decision_visible_q(actor: Actor, prefix: str = "") -> Q:
    """The decisions `actor` may see, as a filter on Decision (core.confidentiality's rule, and
    drafts for the secretariat only); with `prefix` ("adopted_by__"), on a model pointing at one."""
    if actor.is_secretariat:
        return Q()
    if prefix:
        return Q(**{f"{prefix}in": Decision.objects.filter(decision_visible_q(actor)).values("pk")})
    named = confidentiality.named_q(actor, Decision.restricted_to)
    return confidentiality.visible_q(actor, named=named) & Q(status__in=CIRCULATED_STATUSES)


def procedure_visible_q(actor: Actor, prefix: str = "") -> Q:
    """The procedures `actor` may see: its decision visible, and the actor concerned
    (`prefix` leads from the filtered model to the procedure, e.g. "procedure__")."""
    if actor.is_secretariat:
        return Q()
    decisions = Decision.objects.filter(decision_visible_q(actor)).values("pk")
    concerned = Q(**{f"{prefix}all_members": True})
    if actor.member_id is not None:
        named = WrittenProcedure.concerned.through.objects.filter(
            writtenprocedure_id=OuterRef(f"{prefix}pk"), member_id=actor.member_id
        )
        concerned |= Q(Exists(named))
    return Q(**{f"{prefix}decision__in": decisions}) & concerned


def sees_all_positions(actor: Actor, procedure: WrittenProcedure) -> bool:
    return actor.is_secretariat or not procedure.is_open or procedure.positions_visible_while_open


def position_visible_q(actor: Actor) -> Q:
    """Positions `actor` may see, as a filter on Position (its procedure already visible)."""
    condition = procedure_visible_q(actor, prefix="procedure__")
    if actor.is_secretariat:
        return condition
    shown = ~Q(procedure__status="open") | Q(procedure__positions_visible_while_open=True)
    if actor.member_id is not None:
        shown |= Q(member_id=actor.member_id)
    return condition & shown


def can_answer_for(actor: Actor, member_id: int) -> bool:
    """A delegation (user or member-bound write token) answers for its own member only.

    The secretariat may record an answer a delegation sent by other means (a note verbale).
    """
    return actor.can_write and (actor.is_secretariat or actor.acts_for(member_id))


def require_answer_for(actor: Actor, member_id: int) -> None:
    """Answer for `member_id`, or refuse: read-only access (an observer, a forum-wide token, a
    read-only delegation) is "not allowed" on a procedure it may see; another delegation's
    answer is "not found" (as if the procedure did not exist)."""
    if can_answer_for(actor, member_id):
        return
    if actor.is_secretariat or actor.member_id is None or actor.acts_for(member_id):
        raise Forbidden(_("This account or token may only read."))
    raise NotFound(_("No such procedure."))
