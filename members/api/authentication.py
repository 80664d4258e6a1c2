from __future__ import annotations

import hashlib

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from core.api.throttling import AnonymousRequestThrottle, RejectedCredentialsThrottle
from members.models import PartnerToken


def token_hash(raw: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenUser:
    """Stands in for request.user on token requests; the token itself is request.auth."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    pk = None
    id = None

    def __init__(self, token: PartnerToken) -> None:
        self.token = token

    def get_username(self) -> str:
        return f"token:{self.token.name}"

    def __str__(self) -> str:
        return self.get_username()


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            if not getattr(request._request, "user", None) or not request._request.user.is_authenticated:
                AnonymousRequestThrottle(request).spend()  # nobody at all: a budget per address
            return None
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        rejected = RejectedCredentialsThrottle(request)
        rejected.check()  # an address that keeps sending bad tokens is slowed down first
        raw = raw.strip()
        if not raw or " " in raw or len(raw) > 200:
            rejected.record()
            raise exceptions.AuthenticationFailed("Malformed bearer token.")
        token = PartnerToken.objects.filter(key_hash=token_hash(raw)).select_related("user").first()
        now = timezone.now()
        if token is None or not token.is_usable(now) or (token.user_id and not token.user.is_active):
            rejected.record()
            raise exceptions.AuthenticationFailed("Unknown, revoked or expired token.")
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            # At most one write a minute per token, so reads stay reads.
            PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return TokenUser(token), token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="forge"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Describes the bearer tokens in the OpenAPI document."""

    target_class = "members.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A token from `manage.py create_partner_token`: forum-wide (public records), bound to "
                "a member (`--member`: what that delegation sees and does), or acting as an account "
                "(`--user`: e.g. a secretariat system with the secretariat's rights); `--scope read` "
                "tokens never write."
            ),
        }
