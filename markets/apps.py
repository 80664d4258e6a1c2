from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    name = "markets"
    verbose_name = _("Markets")

    def ready(self) -> None:
        from markets.api import sync  # noqa: F401  (registers the markets resources on the change feed)
