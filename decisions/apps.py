from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Decisions"

    def ready(self) -> None:
        from core.webhooks.events import register_event
        from decisions import ics
        from decisions.api import sync  # noqa: F401  (registers the decisions resources on the change feed)
        from meetings.ics import register_event_source

        register_event_source(ics.deadline_events)
        register_event("decision.adopted", resource="decisions")
        register_event("procedure.opened", resource="procedures")
        register_event("procedure.closed", resource="procedures")
