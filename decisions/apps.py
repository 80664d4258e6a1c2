from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Decisions"

    def ready(self) -> None:
        from core.webhooks.events import register_event
        from decisions.api import sync  # noqa: F401  (registers the decisions resources on the change feed)

        register_event("decision.adopted", resource="decisions")
        register_event("procedure.opened", resource="procedures")
        register_event("procedure.closed", resource="procedures")
