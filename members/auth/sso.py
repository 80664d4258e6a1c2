"""Single sign-on by OpenID Connect: which claims of the identity provider say which member a
person acts for and in which role.

Configured from the environment (forge/settings/base.py): `FORGE_OIDC_MEMBER_CLAIM` names the
claim holding the member's ISO code (e.g. "KR"), `FORGE_OIDC_ROLE_CLAIM` the claim holding the
role, and `FORGE_OIDC_ROLE_MAP` which claim values mean which role here. A person whose claims
map to no member and role is refused, with a message saying so; nobody gets in by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from members.choices import Role
from members.models import Member


@dataclass(frozen=True)
class Mapping:
    role: str
    member: Member | None


class Unmapped(Exception):
    """The identity provider's claims name no member or role this app knows."""


def claims_of(extra_data: dict) -> dict:
    """The claims allauth kept: the ID token's, overlaid with the userinfo endpoint's."""
    claims = dict(extra_data.get("id_token") or {})
    claims.update(extra_data.get("userinfo") or {})
    if not claims:
        claims = dict(extra_data)
    return claims


def _claim(claims: dict, name: str) -> str:
    value = claims.get(name)
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else None
    return value.strip() if isinstance(value, str) else ""


def role_map() -> dict[str, str]:
    return dict(settings.FORGE_OIDC_ROLE_MAP)


def map_claims(claims: dict) -> Mapping:
    """The role and member the claims give, or Unmapped with the reason in plain words."""
    role_value = _claim(claims, settings.FORGE_OIDC_ROLE_CLAIM)
    role = role_map().get(role_value)
    if role is None:
        raise Unmapped(
            _(
                "Your organisation's sign-in gives no role this application knows (claim “%(claim)s”: “%(value)s”)."
            )
            % {"claim": settings.FORGE_OIDC_ROLE_CLAIM, "value": role_value or "—"}
        )
    code = _claim(claims, settings.FORGE_OIDC_MEMBER_CLAIM).upper()
    member = Member.objects.filter(iso2=code).first() if code else None
    if role in (Role.DELEGATION, Role.OBSERVER) and member is None and (code or role == Role.DELEGATION):
        raise Unmapped(
            _("Your organisation's sign-in names no FORGE member (claim “%(claim)s”: “%(value)s”).")
            % {"claim": settings.FORGE_OIDC_MEMBER_CLAIM, "value": code or "—"}
        )
    return Mapping(role=role, member=member if role in (Role.DELEGATION, Role.OBSERVER) else None)
