"""Domain events partners may subscribe to besides "<resource>.upsert" / "<resource>.delete".

An app registers an event name with the API resource it concerns (`register_event(
"decision.adopted", resource="decisions")`) and records it with
`core.tracking.change_record(instance=..., event="decision.adopted")` in the transaction that
makes it happen. The dispatcher delivers it, with the thin payload of every event, to the
subscribers of that name (or of "*") who may see the object.
"""

from __future__ import annotations

_EVENTS: dict[str, str] = {}


def register_event(name: str, *, resource: str) -> None:
    _EVENTS[name] = resource


def event_names() -> list[str]:
    return sorted(_EVENTS)


def is_event(name: str) -> bool:
    return name in _EVENTS
