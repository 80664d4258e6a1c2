from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from meetings.api import sync  # noqa: F401  (registers the meetings resources on the change feed)
