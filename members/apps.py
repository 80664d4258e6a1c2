from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and delegations"

    def ready(self) -> None:
        from members import access  # noqa: F401  (an account switched off ends its access)
        from members.api import sync  # noqa: F401  (registers the members resources on the change feed)
        from members.auth import signals  # noqa: F401  (session clocks start at sign-in)
