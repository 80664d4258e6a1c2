"""Who may do what with meetings, in one place for the web UI, the admin and the API.

Reads are scoped by the selectors (what an actor may not see answers "not found"); the rules
below decide writes on objects the actor can already see.
"""

from __future__ import annotations

from django.utils.translation import gettext

from core.actors import Actor
from core.choices import Channel
from core.errors import Forbidden, NotFound
from members.permissions import actor_for_user


def can_manage_meetings(actor: Actor) -> bool:
    """Scheduling, invitations, agenda, documents and outcomes are the secretariat's work."""
    return actor.can_write and actor.is_secretariat


def can_act_for_member(actor: Actor, member_id: int) -> bool:
    """Answer, accredit and register for a delegation: the delegation itself or the secretariat."""
    return actor.can_write and (actor.is_secretariat or actor.acts_for(member_id))


def sees_member_records(actor: Actor, member_id: int) -> bool:
    """A delegation's own invitation records (answers, credentials, registrations)."""
    return actor.is_secretariat or actor.acts_for(member_id)


def require_manage(actor: Actor) -> None:
    if not can_manage_meetings(actor):
        raise Forbidden(gettext("Only the secretariat manages meetings."))


def require_act_for(actor: Actor, member_id: int) -> None:
    if can_act_for_member(actor, member_id):
        return
    if actor.is_secretariat or actor.acts_for(member_id):
        raise Forbidden(gettext("This account may only read."))
    # Another delegation's invitation: answer as if it did not exist.
    raise NotFound(gettext("No such invitation."))


def can_update_action_item_status(actor: Actor, owner_id: int) -> bool:
    """The owning delegation reports progress on its own action items."""
    return can_manage_meetings(actor) or (actor.can_write and actor.acts_for(owner_id))


def actor_for_feed(token) -> Actor | None:
    """Whose eyes a calendar feed sees with: its user's, or a reader for its delegation."""
    if token.user_id:
        return actor_for_user(token.user, Channel.WEB)
    return Actor(
        channel=Channel.WEB,
        label=f"calendar:{token.member.iso2}",
        member_id=token.member_id,
        sees_members_level=True,
    )
