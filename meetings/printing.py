"""Printable records of a meeting as PDF: the list of participants and the agenda.

The list of participants is laid out as secretariats publish it: delegations in alphabetical
order, each with its people by capacity (head of delegation first) and their functions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from core.pdf import render_pdf
from meetings.models import AgendaItem, Meeting, Registration
from members.choices import Capacity
from members.models import Member

CAPACITY_ORDER = {value: rank for rank, value in enumerate(Capacity.values)}


@dataclass
class Delegation:
    member: Member
    people: list[Registration] = field(default_factory=list)


def delegations(rows: list[Registration]) -> list[Delegation]:
    """Registrations grouped by delegation (by name), people by capacity then name."""
    groups: dict[int, Delegation] = {}
    for row in rows:
        member = row.invitation.member
        groups.setdefault(member.pk, Delegation(member)).people.append(row)
    ordered = sorted(groups.values(), key=lambda group: group.member.name)
    for group in ordered:
        group.people.sort(key=lambda r: (CAPACITY_ORDER.get(r.capacity, 99), r.delegate.full_name))
    return ordered


def _local_day(meeting: Meeting) -> datetime.date:
    return timezone.localtime(meeting.starts_at, meeting.tz).date()


def participants_pdf(*, meeting: Meeting, rows: list[Registration]) -> bytes:
    groups = delegations(rows)
    context = {
        "meeting": meeting,
        "day": _local_day(meeting),
        "delegations": groups,
        "people": sum(len(group.people) for group in groups),
    }
    return render_pdf("meetings/pdf/participants.html", context)


def agenda_pdf(*, meeting: Meeting, items: list[AgendaItem]) -> bytes:
    return render_pdf(
        "meetings/pdf/agenda.html", {"meeting": meeting, "day": _local_day(meeting), "items": items}
    )
