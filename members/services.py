"""Every write to members, delegations, chair terms, user roles and partner tokens.

Each service checks who may act, validates, writes through core.tracking (audit and change
feed in the same transaction) and returns the saved object.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import Actor
from core.errors import Forbidden
from core.reminders.services import reminder_cancel_for
from core.services import require_settable
from core.tracking import audit_record, tracked_create, tracked_delete, tracked_update
from members import permissions
from members.access import access_ended
from members.api.authentication import token_hash
from members.choices import TokenScope
from members.models import ChairTerm, Delegate, Member, MemberGroup, Membership, PartnerToken
from members.reminders import chair_handover_plan
from members.selectors import overlapping_chair_terms

MEMBER_FIELDS = {
    "iso2",
    "name",
    "kind",
    "status",
    "status_since",
    "capital_time_zone",
    "msp_partner",
    "attended_launch",
    "notes",
}
DELEGATE_FIELDS = {
    "member",
    "full_name",
    "title",
    "capacity",
    "email",
    "phone",
    "active_from",
    "active_until",
    "user",
}
CHAIR_TERM_FIELDS = {"forum", "member", "role", "starts_on", "ends_on", "basis"}


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


# Members -------------------------------------------------------------------------------


@transaction.atomic
def member_create(*, actor: Actor, **fields: Any) -> Member:
    _require(permissions.can_manage_members(actor), "Only the secretariat manages the member list.")
    return tracked_create(Member(**require_settable(fields, MEMBER_FIELDS)), actor=actor)


@transaction.atomic
def member_update(*, actor: Actor, member: Member, **fields: Any) -> Member:
    permissions.require_manage_members(actor)
    return tracked_update(member, actor=actor, fields=require_settable(fields, MEMBER_FIELDS))


# Delegates ------------------------------------------------------------------------------


@transaction.atomic
def delegate_create(*, actor: Actor, member: Member, **fields: Any) -> Delegate:
    permissions.require_edit_delegation(actor, member)
    return tracked_create(
        Delegate(member=member, **require_settable(fields, DELEGATE_FIELDS - {"member"})), actor=actor
    )


@transaction.atomic
def delegate_update(*, actor: Actor, delegate: Delegate, **fields: Any) -> Delegate:
    permissions.require_edit_delegation(actor, delegate.member)
    fields = require_settable(fields, DELEGATE_FIELDS)
    new_member = fields.get("member")
    if new_member is not None and new_member.pk != delegate.member_id:
        # Moving a person to another delegation is the secretariat's call.
        _require(actor.is_secretariat, "Only the secretariat moves a delegate to another member.")
    return tracked_update(delegate, actor=actor, fields=fields)


@transaction.atomic
def delegate_delete(*, actor: Actor, delegate: Delegate) -> None:
    permissions.require_edit_delegation(actor, delegate.member)
    tracked_delete(delegate, actor=actor)


# Chair terms ----------------------------------------------------------------------------


def chair_term_validate(term: ChairTerm) -> None:
    """No two chair terms overlap, and no member holds two roles at once.

    Runs on every database; PostgreSQL's exclusion constraint backs it up against races.
    """
    if not (term.member_id and term.starts_on) or (term.ends_on and term.ends_on < term.starts_on):
        return  # the single-field checks report these
    clashes = list(overlapping_chair_terms(term)[:3])
    if clashes:
        listed = "; ".join(str(clash) for clash in clashes)
        raise ValidationError(
            {"starts_on": gettext("Overlaps an existing term: %(terms)s.") % {"terms": listed}}
        )


@transaction.atomic
def chair_term_create(*, actor: Actor, **fields: Any) -> ChairTerm:
    permissions.require_manage_chair_terms(actor)
    term = ChairTerm(**require_settable(fields, CHAIR_TERM_FIELDS))
    term.full_clean()
    _lock_rotation()
    chair_term_validate(term)
    term = tracked_create(term, actor=actor)
    chair_handover_plan()
    return term


@transaction.atomic
def chair_term_update(*, actor: Actor, term: ChairTerm, **fields: Any) -> ChairTerm:
    permissions.require_manage_chair_terms(actor)
    fields = require_settable(fields, CHAIR_TERM_FIELDS)
    _lock_rotation()
    proposed = ChairTerm.objects.get(pk=term.pk)
    for name, value in fields.items():
        setattr(proposed, name, value)
    proposed.full_clean()
    chair_term_validate(proposed)
    term = tracked_update(term, actor=actor, fields=fields)
    chair_handover_plan()
    return term


@transaction.atomic
def chair_term_delete(*, actor: Actor, term: ChairTerm) -> None:
    permissions.require_manage_chair_terms(actor)
    reminder_cancel_for(subjects=[term], reason="The chair term was deleted.")
    tracked_delete(term, actor=actor)
    chair_handover_plan()


def _lock_rotation() -> None:
    """Serialise rotation edits so two concurrent checks cannot both pass (every backend)."""
    list(ChairTerm.objects.select_for_update().values_list("pk", flat=True))


# Saved groups of members --------------------------------------------------------------------


@transaction.atomic
def member_group_create(*, actor: Actor, name: str, members: Iterable[Member]) -> MemberGroup:
    _require(permissions.can_manage_members(actor), "Only the secretariat saves groups of members.")
    group = tracked_create(MemberGroup(name=name), actor=actor)
    _set_group_members(group, members, actor=actor)
    return group


@transaction.atomic
def member_group_update(
    *, actor: Actor, group: MemberGroup, members: Iterable[Member] | None = None, **fields: Any
) -> MemberGroup:
    _require(permissions.can_manage_members(actor), "Only the secretariat saves groups of members.")
    require_settable(fields, {"name"})
    group = tracked_update(group, actor=actor, fields=fields)
    if members is not None:
        _set_group_members(group, members, actor=actor)
    return group


@transaction.atomic
def member_group_delete(*, actor: Actor, group: MemberGroup) -> None:
    _require(permissions.can_manage_members(actor), "Only the secretariat saves groups of members.")
    tracked_delete(group, actor=actor)


def _set_group_members(group: MemberGroup, members: Iterable[Member], *, actor: Actor) -> None:
    before = sorted(group.members.values_list("iso2", flat=True))
    wanted = list(members)
    after = sorted(member.iso2 for member in wanted)
    if before != after:
        group.members.set(wanted)
        audit_record(actor=actor, instance=group, action="members", changes={"members": [before, after]})


# Users and tokens -----------------------------------------------------------------------


@transaction.atomic
def user_role_set(*, actor: Actor, user, role: str, member: Member | None = None) -> Membership:
    _require(actor.is_admin, "Only a secretariat admin assigns roles.")
    existing = Membership.objects.filter(user=user).first()
    if existing is None:
        return tracked_create(Membership(user=user, role=role, member=member), actor=actor)
    if (existing.role, existing.member_id) != (role, member.pk if member else None):
        # What the user held as before (calendar links) must not outlive the change.
        access_ended(actor=actor, user=user)
    return tracked_update(existing, actor=actor, fields={"role": role, "member": member})


@transaction.atomic
def user_language_set(*, actor: Actor, user, language: str) -> Membership:
    """A user chooses their own interface and e-mail language ("" follows the browser)."""
    _require(actor.user_id == user.pk, "Only the user themselves chooses their language.")
    membership = Membership.objects.filter(user=user).first()
    _require(membership is not None, "This account has no role in the app yet.")
    return tracked_update(membership, actor=actor, fields={"language": language})


@transaction.atomic
def user_create(
    *, actor: Actor, username: str, password: str, role: str, member: Member | None = None, email: str = ""
):
    """An account with its role; used by the demo loader and the admin."""
    _require(actor.is_admin, "Only a secretariat admin creates accounts.")
    user_model = get_user_model()
    user = user_model(username=username, email=email, is_staff=role in permissions.SECRETARIAT_ROLES)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_role_set(actor=actor, user=user, role=role, member=member)
    return user


@transaction.atomic
def partner_token_create(
    *,
    actor: Actor,
    name: str,
    scope: str = TokenScope.READ,
    member: Member | None = None,
    user=None,
    expires_in_days: int | None = None,
) -> tuple[PartnerToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored.

    A token with a `user` acts as that account (a secretariat system's token is bound to a
    secretariat account), with its role's rights capped by the scope.
    """
    _require(actor.is_admin, "Only a secretariat admin issues API tokens.")
    if member is not None and user is not None:
        raise ValidationError({"user": gettext("A token acts for a member or as a user, not both.")})
    if user is not None and permissions.actor_for_user(user) is None:
        raise ValidationError({"user": gettext("This account is inactive or has no role.")})
    if expires_in_days is not None and expires_in_days < 1:
        raise ValidationError({"expires_days": gettext("Give a whole number of days, 1 or more.")})
    if expires_in_days is None:
        expires_in_days = settings.FORGE_PARTNER_TOKEN_DAYS  # no token lives forever by default
    prefix = secrets.token_hex(4)
    raw = f"forge_{prefix}_{secrets.token_urlsafe(32)}"
    token = PartnerToken(
        name=name,
        prefix=prefix,
        key_hash=token_hash(raw),
        member=member,
        user=user,
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    tracked_create(token, actor=actor)
    return token, raw


@transaction.atomic
def partner_token_revoke(*, actor: Actor, token: PartnerToken) -> PartnerToken:
    _require(actor.is_admin, "Only a secretariat admin revokes API tokens.")
    if token.revoked_at:
        return token
    return tracked_update(token, actor=actor, fields={"revoked_at": timezone.now()}, action="revoke")
