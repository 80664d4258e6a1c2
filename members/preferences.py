"""A user's own settings kept on their membership (the profile): the interface language.

The chosen language is copied into the session at sign-in and whenever it changes, so a page
costs no query for it; e-mail rendering asks `language_of` per recipient.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from members.models import Membership

SESSION_KEY = "forge_language"


def language_of(user_id: int | None) -> str:
    """The language a user chose, or "" when they chose none (or have no account)."""
    if user_id is None:
        return ""
    return Membership.objects.filter(user_id=user_id).values_list("language", flat=True).first() or ""


def remember_in_session(session, language: str) -> None:
    if language:
        session[SESSION_KEY] = language
    else:
        session.pop(SESSION_KEY, None)


class UserLanguageMiddleware:
    """After LocaleMiddleware (cookie, browser): a signed-in user's own choice wins."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if language in self.known and request.user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
