"""Who is acting: one value that services, selectors and permissions all take.

A web user, an API token and a background task all become an `Actor`; the members app
builds them (it knows roles and tokens), core only carries them. Passing the actor
explicitly keeps every write attributable and every read scoped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from core.choices import Channel


@dataclass(frozen=True)
class Actor:
    channel: str
    label: str
    user_id: int | None = None
    token_id: int | None = None
    # The delegation the actor acts for (a delegation user or a member-bound token).
    member_id: int | None = None
    is_secretariat: bool = False
    is_admin: bool = False
    # Sees what every delegation sees ("members" confidentiality); a forum-wide partner
    # token sees only public records.
    sees_members_level: bool = False
    can_write: bool = False
    request_id: str = ""
    # A token limited to some kinds of data (a ministry's system that exchanges price data
    # only): the API areas it may use, as the views declare them (`data_area`). None: all.
    areas: frozenset[str] | None = None

    @classmethod
    def system(cls, channel: str = Channel.TASK, label: str = "system") -> Actor:
        """The app itself (tasks, management commands): secretariat rights, no user."""
        return cls(
            channel=channel,
            label=label,
            is_secretariat=True,
            is_admin=True,
            sees_members_level=True,
            can_write=True,
        )

    def via(self, channel: str) -> Actor:
        return replace(self, channel=channel)

    def as_reader(self) -> Actor:
        """The actor without who it is (label, account, token, request): what may decide which
        records it sees. Readers with the same rights share kept querysets (core.sync.registry);
        so a list selector must not read the fields blanked here."""
        return replace(self, label="", user_id=None, token_id=None, request_id="")

    def acts_for(self, member_id: int | None) -> bool:
        return member_id is not None and self.member_id == member_id

    def may_use(self, area: str | None) -> bool:
        """Whether the actor may use an API view of this `area` (None: a view of no area)."""
        return self.areas is None or area in self.areas


def actor_for_request(request, channel: str = Channel.WEB) -> Actor | None:
    """The actor behind a web or API request, or None when nobody is signed in.

    The resolver is a setting so that core needs no import of the app that knows roles.
    """
    cached = getattr(request, "_forge_actor", None)
    if cached is not None and cached.channel == channel:
        return cached
    resolver = import_string(settings.FORGE_ACTOR_RESOLVER)
    actor = resolver(request, channel)
    request._forge_actor = actor
    return actor


def web_actor(request) -> Actor:
    """The actor of a signed-in web request; an account with no role may not use the app."""
    from django.core.exceptions import PermissionDenied

    actor = actor_for_request(request, Channel.WEB)
    if actor is None:
        raise PermissionDenied(gettext("This account has no role in the app yet."))
    return actor
