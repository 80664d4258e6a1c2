from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from members.auth.middleware import start_session_clocks
from members.preferences import language_of, remember_in_session


@receiver(user_logged_in, dispatch_uid="forge-session-clocks")
def session_clocks_start(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clocks(request.session)


@receiver(user_logged_in, dispatch_uid="forge-user-language")
def user_language_remember(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember_in_session(request.session, language_of(user.pk))
