"""allauth adapters: who may sign up (nobody by themselves; SSO users whose claims map), and the
mapping of SSO claims to a member and role on every SSO sign-in."""

from __future__ import annotations

import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.shortcuts import render

from core.actors import Actor
from core.choices import Channel
from members import services
from members.auth import sso
from members.models import Membership


def _sso_actor() -> Actor:
    return Actor.system(Channel.WEB, label="single sign-on")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Local accounts are created by the secretariat (admin), never by visitors."""
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Enrolling a first second factor within minutes of signing in with a password needs no
        second password prompt (the enrolment is what the sign-in was sent to do); changing or
        removing a factor later still asks for the password again."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa":
            return not _just_signed_in_without_factor(context.request)
        return required


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def _mapping(self, request, sociallogin) -> sso.Mapping:
        try:
            return sso.map_claims(sso.claims_of(sociallogin.account.extra_data))
        except sso.Unmapped as refusal:
            page = render(request, "account/sso_refused.html", {"reason": str(refusal)}, status=403)
            raise ImmediateHttpResponse(page) from refusal

    def pre_social_login(self, request, sociallogin) -> None:
        mapping = self._mapping(request, sociallogin)
        request._forge_sso_mapping = mapping
        if sociallogin.is_existing:
            _apply(sociallogin.user, mapping)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Reached only after pre_social_login accepted the claims.
        return hasattr(request, "_forge_sso_mapping")

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        _apply(user, request._forge_sso_mapping)
        return user


def _just_signed_in_without_factor(request) -> bool:
    from allauth.account.authentication import get_authentication_records

    from members.auth.middleware import has_second_factor

    if request is None or not request.user.is_authenticated or has_second_factor(request.user):
        return False
    records = get_authentication_records(request, request.user)
    if not records:
        return False
    return time.time() - records[-1]["at"] < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


def _apply(user, mapping: sso.Mapping) -> None:
    """The identity provider is the source of truth for an SSO user's member and role."""
    current = Membership.objects.filter(user=user).values_list("role", "member_id").first()
    wanted = (mapping.role, mapping.member.pk if mapping.member else None)
    if current != wanted:
        services.user_role_set(actor=_sso_actor(), user=user, role=mapping.role, member=mapping.member)
