from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from members.auth.middleware import start_session_clocks


@receiver(user_logged_in, dispatch_uid="forge-session-clocks")
def session_clocks_start(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clocks(request.session)
