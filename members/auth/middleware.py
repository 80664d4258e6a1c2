"""Sign-in rules applied on every request: session lifetimes and multi-factor enrolment."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.actors import actor_for_request

# Where a signed-in user without a second factor may still go: enrolment itself, signing out,
# and what those pages need.
MFA_ENROLMENT_PATHS = ("/accounts/", "/login/", "/logout/", "/static/", "/healthz")
# How often the "last seen" time is written back to the session (not on every request).
SEEN_RESOLUTION_SECONDS = 60


class SessionLifetimeMiddleware:
    """Signs out a session idle longer than FORGE_SESSION_IDLE_SECONDS, and any session older
    than FORGE_SESSION_ABSOLUTE_SECONDS however busy (a stolen cookie stops working)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session, now = request.session, int(time.time())
        if "forge_signed_in_at" not in session:  # signed in before these clocks existed
            start_session_clocks(session)
        started, seen = session["forge_signed_in_at"], session["forge_seen_at"]
        if now - started > settings.FORGE_SESSION_ABSOLUTE_SECONDS:
            reason = _("Your session reached its maximum length. Please sign in again.")
        elif now - seen > settings.FORGE_SESSION_IDLE_SECONDS:
            reason = _("You were signed out after a period of inactivity. Please sign in again.")
        else:
            if now - seen >= SEEN_RESOLUTION_SECONDS:
                session["forge_seen_at"] = now
            return
        logout(request)
        messages.info(request, reason)


def start_session_clocks(session) -> None:
    """Called at sign-in (members.auth.signals): the absolute and idle clocks start now."""
    now = int(time.time())
    session["forge_signed_in_at"] = now
    session["forge_seen_at"] = now


class MfaRequiredMiddleware:
    """Secretariat accounts (and anyone entering the admin) must have a second factor: until
    they enrol one, every page sends them to the authenticator-app enrolment.

    FORGE_MFA_REQUIRED is always on in production; the embedded demo and the test suite may
    turn it off (`make run` says so when it prints the demo logins)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.FORGE_MFA_REQUIRED and self._must_enrol(request):
            if request.headers.get("Sec-Fetch-Dest", "document") not in ("document", "iframe"):
                # Not a page the person opened (an image, a script, the favicon): refuse it
                # without loading the enrolment page, which would draw a new secret.
                return HttpResponseForbidden(_("Two-factor authentication must be set up first."))
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Set up an authenticator app to continue."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_enrol(self, request) -> bool:
        user = request.user
        if not user.is_authenticated or request.path_info.startswith(MFA_ENROLMENT_PATHS):
            return False
        actor = actor_for_request(request)
        needs_mfa = user.is_staff or user.is_superuser or (actor is not None and actor.is_secretariat)
        return needs_mfa and not has_second_factor(user)


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
