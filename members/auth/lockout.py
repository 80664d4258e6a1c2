"""Lockout of password guessing (django-axes), with the app's own wording."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


def attempted_username(request, credentials: dict | None = None) -> str:
    """The account a sign-in attempt was for: the user name or e-mail address typed in, so that
    guesses against one account count together whichever form is posted (site or admin)."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email") or credentials.get("login")
    if not value and request is not None:
        value = request.POST.get("username") or request.POST.get("login") or ""
    return str(value).strip().lower()


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """The page shown once the limit is reached, for the site and the admin alike (HTTP 429)."""
    hours = float(settings.AXES_COOLOFF_TIME)
    hours = int(hours) if hours.is_integer() else hours
    context = {"cooloff_hours": hours, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "account/locked_out.html", context, status=429)
