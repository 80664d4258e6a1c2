"""Secret calendar-feed links for users and delegations."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import Actor
from core.errors import NotFound
from core.tracking import tracked_create, tracked_update
from meetings import permissions
from meetings.models import CalendarFeedToken
from members.api.authentication import token_hash
from members.models import Member


@transaction.atomic
def calendar_feed_issue(*, actor: Actor, user=None, member: Member | None = None) -> CalendarFeedToken:
    """A new secret link for a user's or a delegation's calendar; the previous link stops working.

    The returned feed carries its secret as `.secret`, to show once: only a hash is stored.
    """
    if (user is None) == (member is None):
        raise ValidationError(gettext("A calendar belongs to a user or to a delegation."))
    if user is not None and actor.user_id != user.pk:
        raise NotFound(gettext("No such calendar."))
    if member is not None and not permissions.can_act_for_member(actor, member.pk):
        raise NotFound(gettext("No such calendar."))
    now = timezone.now()
    owner = {"user": user} if user is not None else {"member": member}
    for old in CalendarFeedToken.objects.select_for_update().filter(revoked_at__isnull=True, **owner):
        tracked_update(old, actor=actor, fields={"revoked_at": now}, action="revoke")
    secret = secrets.token_urlsafe(32)
    feed = tracked_create(
        CalendarFeedToken(
            token_hash=token_hash(secret),
            prefix=secret[:6],
            created_at=now,
            issued_by_id=actor.user_id,
            **owner,
        ),
        actor=actor,
    )
    feed.secret = secret  # to show once; never stored
    return feed


@transaction.atomic
def calendar_feeds_revoke(*, actor: Actor, user) -> int:
    """Every live calendar link of `user`, and every delegation link `user` issued, stops working
    (the user left or changed member): what they copied must not outlive their access."""
    now = timezone.now()
    live = CalendarFeedToken.objects.select_for_update().filter(
        Q(user=user) | Q(issued_by=user), revoked_at__isnull=True
    )
    revoked = 0
    for feed in live:
        tracked_update(feed, actor=actor, fields={"revoked_at": now}, action="revoke")
        revoked += 1
    return revoked
