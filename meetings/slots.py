"""A time-zone-fair slot finder for virtual meetings: pure functions, no database.

A slot is scored by how many delegations would meet outside 08:00-20:00 in their capital's
time zone (zoneinfo, so daylight saving is exact on each date). Ties go to the slot whose
inconvenienced delegations carried the least out-of-hours burden in recent meetings, so the
burden rotates; then to the earlier slot.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

UTC = datetime.UTC
DAY_STARTS = datetime.time(8, 0)
DAY_ENDS = datetime.time(20, 0)
STEP = datetime.timedelta(minutes=30)
# A range longer than this would rank thousands of slots nobody reads.
MAX_RANGE_DAYS = 31


@dataclass(frozen=True)
class Delegation:
    code: str
    time_zone: str


@dataclass(frozen=True)
class LocalTime:
    code: str
    time_zone: str
    starts: datetime.datetime
    ends: datetime.datetime
    outside_hours: bool


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    local_times: tuple[LocalTime, ...]
    # Delegations outside 08:00-20:00 (the score is their number).
    inconvenienced: tuple[str, ...]
    # Their summed out-of-hours count in recent meetings (the tie-break).
    burden: int

    @property
    def score(self) -> int:
        return len(self.inconvenienced)


def outside_hours(starts_at: datetime.datetime, ends_at: datetime.datetime, time_zone: str) -> bool:
    """True unless the whole meeting falls within one local day's 08:00-20:00."""
    tz = zoneinfo.ZoneInfo(time_zone)
    local_start, local_end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    day_start = datetime.datetime.combine(local_start.date(), DAY_STARTS, tzinfo=tz)
    day_end = datetime.datetime.combine(local_start.date(), DAY_ENDS, tzinfo=tz)
    return not (day_start <= local_start and local_end <= day_end)


def local_times(
    starts_at: datetime.datetime, ends_at: datetime.datetime, delegations: Iterable[Delegation]
) -> tuple[LocalTime, ...]:
    result = []
    for delegation in delegations:
        tz = zoneinfo.ZoneInfo(delegation.time_zone)
        result.append(
            LocalTime(
                code=delegation.code,
                time_zone=delegation.time_zone,
                starts=starts_at.astimezone(tz),
                ends=ends_at.astimezone(tz),
                outside_hours=outside_hours(starts_at, ends_at, delegation.time_zone),
            )
        )
    return tuple(result)


def candidate_starts(
    date_from: datetime.date, date_to: datetime.date, duration: datetime.timedelta
) -> list[datetime.datetime]:
    """Every half hour (UTC) from date_from 00:00 on, ending by the end of date_to (UTC)."""
    start = datetime.datetime.combine(date_from, datetime.time(0), tzinfo=UTC)
    last_end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(0), tzinfo=UTC)
    starts = []
    while start + duration <= last_end:
        starts.append(start)
        start += STEP
    return starts


def rank_slots(
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    duration: datetime.timedelta,
    delegations: Sequence[Delegation],
    burden: Mapping[str, int] | None = None,
    limit: int | None = None,
) -> list[Slot]:
    """Candidate slots, best first: fewest delegations out of hours, then least past burden
    among those inconvenienced, then earliest."""
    burden = burden or {}
    slots = []
    for starts_at in candidate_starts(date_from, date_to, duration):
        ends_at = starts_at + duration
        times = local_times(starts_at, ends_at, delegations)
        inconvenienced = tuple(time.code for time in times if time.outside_hours)
        slots.append(
            Slot(
                starts_at=starts_at,
                ends_at=ends_at,
                local_times=times,
                inconvenienced=inconvenienced,
                burden=sum(burden.get(code, 0) for code in inconvenienced),
            )
        )
    slots.sort(key=lambda slot: (slot.score, slot.burden, slot.starts_at))
    return slots[:limit] if limit else slots


def burden_from(
    meetings: Iterable[tuple[datetime.datetime, datetime.datetime, Iterable[Delegation]]],
) -> dict[str, int]:
    """How many of these meetings each delegation attended outside its working hours."""
    counts: dict[str, int] = {}
    for starts_at, ends_at, delegations in meetings:
        for delegation in delegations:
            counts.setdefault(delegation.code, 0)
            if outside_hours(starts_at, ends_at, delegation.time_zone):
                counts[delegation.code] += 1
    return counts
