"""Deadlines given as a local wall-clock time in a chosen time zone, stored as UTC instants.

18:00 Europe/Brussels is 17:00 UTC in winter and 16:00 UTC in summer; on the day the clocks
change the offset of that evening applies. A wall-clock time that does not exist (skipped when
the clocks go forward) or happens twice (when they go back) is refused with a message naming
the field, rather than guessed.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

UTC = datetime.UTC


def zone(name: str, *, field: str = "time_zone") -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError({field: _("“%(value)s” is not an IANA time zone.") % {"value": name}}) from exc


def local_to_utc(local: datetime.datetime, tz_name: str, *, field: str = "deadline") -> datetime.datetime:
    """The UTC instant of a naive local wall-clock time in `tz_name`."""
    tz = zone(tz_name)
    naive = local.replace(tzinfo=None)
    early = naive.replace(tzinfo=tz, fold=0)
    late = naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        # Round-trip tells a skipped time (it comes back different) from a repeated one.
        if early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
            raise ValidationError(
                {
                    field: _(
                        "%(time)s does not exist in %(zone)s (the clocks go forward); choose another time."
                    )
                    % {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": tz_name}
                }
            )
        raise ValidationError(
            {
                field: _("%(time)s happens twice in %(zone)s (the clocks go back); choose another time.")
                % {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": tz_name}
            }
        )
    return early.astimezone(UTC)


def describe(deadline: datetime.datetime, tz_name: str) -> str:
    """`18:00 Europe/Brussels (17:00 UTC) on 2026-03-29`: how every message names a deadline."""
    local = deadline.astimezone(zone(tz_name))
    utc = deadline.astimezone(UTC)
    return f"{local:%Y-%m-%d %H:%M} {tz_name} ({utc:%Y-%m-%d %H:%M} UTC)"
