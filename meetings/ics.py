"""iCalendar (RFC 5545) output for meetings, with the icalendar library.

Events carry their venue's time zone (DTSTART;TZID=... with a VTIMEZONE for it), a UID that
never changes, and SEQUENCE = the meeting's ics_sequence, so calendar clients update their copy.
Cancelled meetings stay in the feed with STATUS:CANCELLED: that is how clients learn to remove them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

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


def calendar_bytes(meetings: Iterable[Meeting], *, name: str, base_url: str = "") -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(event_for(meeting, base_url=base_url))
    # VTIMEZONE components for every TZID the events use (UTC needs none).
    cal.add_missing_timezones()
    return cal.to_ical()
