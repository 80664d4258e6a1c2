"""iCalendar (RFC 5545) output for meetings, with the icalendar library.

Events carry their venue's time zone (DTSTART;TZID=... with a VTIMEZONE for it), a UID that
never changes, and SEQUENCE = the meeting's ics_sequence, so calendar clients update their copy.
Cancelled meetings stay in the feed with STATUS:CANCELLED: that is how clients learn to remove them.

Apps above meetings add their own events to the calendar feeds (a written procedure's
deadline, for instance) by registering an event source from their AppConfig.ready():
`register_event_source(fn)`, where `fn(actor=..., base_url=...)` returns the icalendar events
the feed's owner may see. Meetings never imports them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import icalendar

from meetings.choices import MeetingStatus
from meetings.models import Meeting

PRODID = "-//FORGE Secretariat//Meetings//EN"
STATUS = {
    MeetingStatus.DRAFT: "TENTATIVE",
    MeetingStatus.ANNOUNCED: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


EventSource = Callable[..., Iterable[icalendar.Event]]
_event_sources: list[EventSource] = []


def register_event_source(source: EventSource) -> None:
    """Add `source(actor=..., base_url=...)` to every calendar feed (once, whatever the calls)."""
    if source not in _event_sources:
        _event_sources.append(source)


def other_events(*, actor, base_url: str = "") -> list[icalendar.Event]:
    """The events the registered sources give this feed's owner."""
    return [event for source in _event_sources for event in source(actor=actor, base_url=base_url)]


def event_for(meeting: Meeting, *, base_url: str = "") -> icalendar.Event:
    tz = meeting.tz
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", meeting.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", meeting.title)
    description = [meeting.get_kind_display()]
    if meeting.margins_of:
        description.append(f"On the margins of {meeting.margins_of}.")
    if meeting.description:
        description.append(meeting.description)
    event.add("description", "\n\n".join(description))
    event.add("location", meeting.venue_name or meeting.virtual_link or "")
    if base_url:
        event.add("url", base_url.rstrip("/") + meeting.get_absolute_url())
    event.add("sequence", meeting.ics_sequence)
    event.add("status", STATUS[meeting.status])
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    return event


def calendar_bytes(
    meetings: Iterable[Meeting], *, name: str, base_url: str = "", extra: Iterable[icalendar.Event] = ()
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(event_for(meeting, base_url=base_url))
    for event in extra:
        cal.add_component(event)
    # VTIMEZONE components for every TZID the events use (UTC needs none).
    cal.add_missing_timezones()
    return cal.to_ical()
