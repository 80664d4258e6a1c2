"""Written procedure deadlines as calendar events in the member and user feeds (registered
with meetings.ics from DecisionsConfig.ready, so meetings never imports decisions).

One event per procedure the feed's owner may see: at the deadline, in the procedure's time
zone, with a UID that never changes and SEQUENCE rising with every extension (ics_sequence),
so calendar clients move their copy; a withdrawn procedure stays as STATUS:CANCELLED.
"""

from __future__ import annotations

import datetime

import icalendar
from django.utils.translation import gettext as _

from core.actors import Actor
from decisions import selectors
from decisions.choices import ProcedureStatus
from decisions.models import WrittenProcedure


def deadline_event(procedure: WrittenProcedure, *, base_url: str = "") -> icalendar.Event:
    decision = procedure.decision
    event = icalendar.Event()
    event.add("uid", procedure.uid)
    event.add("dtstamp", procedure.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", procedure.deadline.astimezone(procedure.tz))
    event.add("summary", _("Written procedure deadline: %(title)s") % {"title": decision.title})
    lines = [
        _("Silence is broken by an objection sent before %(deadline)s.")
        % {"deadline": procedure.deadline_described}
    ]
    if procedure.closing_note:
        lines.append(procedure.closing_note)
    event.add("description", "\n\n".join(lines))
    if base_url:
        event.add("url", base_url.rstrip("/") + decision.get_absolute_url())
    event.add("sequence", procedure.ics_sequence)
    event.add("status", "CANCELLED" if procedure.status == ProcedureStatus.WITHDRAWN else "CONFIRMED")
    event.add("last-modified", procedure.updated_at.astimezone(datetime.UTC))
    return event


def deadline_events(*, actor: Actor, base_url: str = "") -> list[icalendar.Event]:
    """The event source for meetings.ics: the deadlines of the procedures `actor` may see."""
    return [deadline_event(p, base_url=base_url) for p in selectors.feed_procedures(actor=actor)]
