"""Who may do what, in one place for the web UI, the admin and the API.

Everything turns a request into an `Actor` first; the rules below then read only the actor.
Reads that an actor may not make answer "not found" (see the selectors), so another
delegation's objects look exactly like missing ones.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext

from core.actors import Actor
from core.choices import Channel
from core.errors import Forbidden, NotFound
from members.choices import SCOPE_AREAS, WRITING_SCOPES, Role
from members.models import Member, Membership, PartnerToken

SECRETARIAT_ROLES = {Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_STAFF}


def actor_for_user(user, channel: str = Channel.WEB, request_id: str = "") -> Actor | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        role, member_id = Role.SECRETARIAT_ADMIN, None
    else:
        membership = Membership.objects.filter(user=user).only("role", "member_id").first()
        if membership is None:
            return None  # an account with no role sees nothing
        role, member_id = membership.role, membership.member_id
    return Actor(
        channel=channel,
        label=user.get_username(),
        user_id=user.pk,
        member_id=member_id if role in (Role.DELEGATION, Role.OBSERVER) else None,
        is_secretariat=role in SECRETARIAT_ROLES,
        is_admin=role == Role.SECRETARIAT_ADMIN,
        sees_members_level=True,
        can_write=role != Role.OBSERVER,
        request_id=request_id,
    )


def actor_for_token(token: PartnerToken, request_id: str = "") -> Actor:
    if token.user_id is not None:
        # A system acting as an account (a secretariat system): that account's rights, capped by
        # the token's scope; an account without a role (or switched off) may do nothing.
        acting = actor_for_user(token.user, Channel.API, request_id) or Actor(channel=Channel.API, label="")
        return replace(
            acting,
            label=f"token:{token.name}",
            token_id=token.pk,
            can_write=acting.can_write and token.scope in WRITING_SCOPES,
            areas=SCOPE_AREAS.get(token.scope),
        )
    return Actor(
        channel=Channel.API,
        label=f"token:{token.name}",
        token_id=token.pk,
        member_id=token.member_id,
        # A member-bound token sees what its delegation sees; a forum-wide one, public records.
        sees_members_level=token.member_id is not None,
        can_write=token.scope in WRITING_SCOPES,
        areas=SCOPE_AREAS.get(token.scope),
        request_id=request_id,
    )


def actor_for_request(request, channel: str = Channel.WEB) -> Actor | None:
    request_id = getattr(request, "request_id", "")
    token = getattr(request, "auth", None)
    if isinstance(token, PartnerToken):
        return actor_for_token(token, request_id)
    return actor_for_user(getattr(request, "user", None), channel, request_id)


def can_edit_delegation(actor: Actor, member: Member) -> bool:
    """The secretariat edits every delegation; a delegation edits only its own."""
    return actor.can_write and (actor.is_secretariat or actor.acts_for(member.pk))


def can_manage_chair_terms(actor: Actor) -> bool:
    return actor.can_write and actor.is_secretariat


def can_manage_members(actor: Actor) -> bool:
    return actor.can_write and actor.is_secretariat


def require_manage_members(actor: Actor) -> None:
    if not can_manage_members(actor):
        raise Forbidden(gettext("Only the secretariat manages the member list."))


# The rules as checks: services call them first; an edit page calls the same one before it
# shows a form.


def require_edit_delegation(actor: Actor, member: Member) -> None:
    if can_edit_delegation(actor, member):
        return
    if not actor.can_write or actor.is_secretariat or actor.acts_for(member.pk):
        raise Forbidden(gettext("This account may only read."))
    # Another delegation's people: answer as if they did not exist.
    raise NotFound(gettext("No such delegation."))


def require_manage_chair_terms(actor: Actor) -> None:
    if not can_manage_chair_terms(actor):
        raise Forbidden(gettext("Only the secretariat keeps the chair rotation."))
