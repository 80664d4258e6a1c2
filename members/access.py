"""A user's access to their member ends: apps drop what the user held for it.

`user_access_ended` is sent inside the writing transaction when a user stops acting as they did
(another member or role through `members.services.user_role_set`, their role removed, or their
account switched off, from the admin too). Apps above members connect to it (meetings revokes
the user's calendar links), so members names none of them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from core.actors import Actor
from core.choices import Channel
from members.models import Membership

# kwargs: actor (who ended it), user
user_access_ended = Signal()


def access_ended(*, actor: Actor, user) -> None:
    user_access_ended.send(sender=Membership, actor=actor, user=user)


@receiver(post_save, sender=get_user_model(), dispatch_uid="members.access.switched_off")
def _account_switched_off(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        access_ended(actor=Actor.system(Channel.COMMAND, label="account switched off"), user=instance)


@receiver(post_delete, sender=Membership, dispatch_uid="members.access.role_removed")
def _role_removed(sender, instance, **kwargs):
    access_ended(actor=Actor.system(Channel.COMMAND, label="role removed"), user=instance.user)
