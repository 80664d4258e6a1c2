from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

register = template.Library()


def remaining_parts(delta: datetime.timedelta) -> tuple[int, int, int]:
    """Days, hours and minutes left (minutes rounded down; nothing negative)."""
    minutes = max(0, int(delta.total_seconds()) // 60)
    return minutes // (24 * 60), minutes // 60 % 24, minutes % 60


@register.inclusion_tag("decisions/_deadline.html")
def deadline(procedure, viewer_tz: str = ""):
    """A procedure's deadline in its zone, in UTC and in the viewer's zone, with the time left
    rendered on the server; static/js/countdown.js keeps it current in the browser."""
    now = timezone.now()
    days, hours, minutes = remaining_parts(procedure.deadline - now)
    return {
        "procedure": procedure,
        "viewer_tz": viewer_tz if viewer_tz and viewer_tz != procedure.time_zone else "",
        "passed": procedure.deadline <= now,
        "days": days,
        "hours": hours,
        "minutes": minutes,
    }
