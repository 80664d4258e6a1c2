"""The picture of one candidate slot: a strip per delegation over 24 hours (UTC) with the hours
it works (08:00-20:00 in its capital) and the slot across them. Pure geometry, no database;
the template draws it as SVG and the slot table next to it is its text alternative."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from meetings.slots import DAY_ENDS, DAY_STARTS, Slot

HOUR_WIDTH = 24  # pixels per hour
LABEL_WIDTH = 150
ROW_HEIGHT = 26
TOP = 24  # room for the hour scale


@dataclass(frozen=True)
class Band:
    x: int
    width: int


@dataclass(frozen=True)
class Strip:
    code: str
    time_zone: str
    y: int
    working: tuple[Band, ...]
    outside_hours: bool
    local_start: datetime.datetime
    local_end: datetime.datetime


@dataclass(frozen=True)
class Picture:
    window_start: datetime.datetime
    strips: tuple[Strip, ...]
    slot: Band
    hours: tuple[tuple[int, int], ...]  # (x, hour) ticks every 3 hours
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    row_height: int = ROW_HEIGHT


def _x(moment: datetime.datetime, window_start: datetime.datetime) -> int:
    hours = (moment - window_start).total_seconds() / 3600
    return LABEL_WIDTH + round(min(max(hours, 0), 24) * HOUR_WIDTH)


def _band(start, end, window_start) -> Band | None:
    x0, x1 = _x(start, window_start), _x(end, window_start)
    return Band(x0, x1 - x0) if x1 > x0 else None


def working_bands(time_zone: str, window_start: datetime.datetime) -> tuple[Band, ...]:
    """The capital's 08:00-20:00 on each local day touching the 24-hour window, in pixels."""
    tz = zoneinfo.ZoneInfo(time_zone)
    first_day = window_start.astimezone(tz).date() - datetime.timedelta(days=1)
    bands = []
    for offset in range(3):
        day = first_day + datetime.timedelta(days=offset)
        start = datetime.datetime.combine(day, DAY_STARTS, tzinfo=tz)
        end = datetime.datetime.combine(day, DAY_ENDS, tzinfo=tz)
        band = _band(start, end, window_start)
        if band is not None:
            bands.append(band)
    return tuple(bands)


def picture(slot: Slot) -> Picture:
    """The slot's UTC day, or the 24 hours from its start when it runs past midnight."""
    window_start = slot.starts_at.replace(hour=0, minute=0, second=0, microsecond=0)
    if slot.ends_at > window_start + datetime.timedelta(days=1):
        window_start = slot.starts_at.replace(minute=0, second=0, microsecond=0)
    strips = tuple(
        Strip(
            code=local.code,
            time_zone=local.time_zone,
            y=TOP + index * ROW_HEIGHT,
            working=working_bands(local.time_zone, window_start),
            outside_hours=local.outside_hours,
            local_start=local.starts,
            local_end=local.ends,
        )
        for index, local in enumerate(slot.local_times)
    )
    hours = tuple(
        (LABEL_WIDTH + hour * HOUR_WIDTH, (window_start.hour + hour) % 24) for hour in range(0, 25, 3)
    )
    return Picture(
        window_start=window_start,
        strips=strips,
        slot=_band(slot.starts_at, slot.ends_at, window_start) or Band(LABEL_WIDTH, 0),
        hours=hours,
        width=LABEL_WIDTH + 24 * HOUR_WIDTH + 30,  # room for the last hour label
        height=TOP + len(strips) * ROW_HEIGHT + 4,
    )
