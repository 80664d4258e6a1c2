from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from meetings.api import sync  # noqa: F401  (registers the meetings resources on the change feed)
        from members.access import user_access_ended

        user_access_ended.connect(_revoke_calendar_links, dispatch_uid="meetings.revoke_calendar_links")


def _revoke_calendar_links(sender, actor, user, **kwargs) -> None:
    """A user who left or changed member keeps no working calendar link."""
    from meetings.services import calendar_feeds_revoke

    calendar_feeds_revoke(actor=actor, user=user)
