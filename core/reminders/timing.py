"""Due times: a wall-clock time in a local time zone, stored as UTC.

Computing the local date first and converting last keeps "09:00 in Seoul seven days before"
at 09:00 whatever daylight-saving change lies between now and then.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Iterator

from core.reminders.services import Desired, Recipient

UTC = datetime.UTC
DEFAULT_HOUR = datetime.time(9, 0)


def at_local(day: datetime.date, *, tz: str, at: datetime.time = DEFAULT_HOUR) -> datetime.datetime:
    """`at` o'clock on `day` in `tz`, as a UTC datetime."""
    return datetime.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(tz)).astimezone(UTC)


def local_date(moment: datetime.datetime | datetime.date, *, tz: str) -> datetime.date:
    """The calendar date of `moment` in `tz` (a date is taken as it is)."""
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(zoneinfo.ZoneInfo(tz)).date()
    return moment


def days_before(
    moment: datetime.datetime | datetime.date, days: int, *, tz: str, at: datetime.time = DEFAULT_HOUR
) -> datetime.datetime:
    """`at` o'clock in `tz`, `days` calendar days before the local date of `moment` (UTC)."""
    return at_local(local_date(moment, tz=tz) - datetime.timedelta(days=days), tz=tz, at=at)


def days_before_occurrence(moment: datetime.datetime | datetime.date, days: int, *, tz: str) -> str:
    """The occurrence key of a "N days before" reminder: moving the target makes a new key."""
    return f"{days}d-before:{local_date(moment, tz=tz).isoformat()}"


def weekly_occurrences(
    *, since: datetime.date, now: datetime.datetime, tz: str, at: datetime.time = DEFAULT_HOUR
) -> list[tuple[str, datetime.datetime]]:
    """This week's and next week's Monday reminder of something true since `since`.

    Planning two weeks keeps this week's row in the desired set (so a late dispatcher does not
    see it cancelled) and next week's row ready before the planner runs again.
    """
    today = local_date(now, tz=tz)
    monday = today - datetime.timedelta(days=today.weekday())
    found = []
    for week_start in (monday, monday + datetime.timedelta(days=7)):
        if week_start < since:
            continue
        year, week, _ = week_start.isocalendar()
        found.append((f"week:{year}-W{week:02d}", at_local(week_start, tz=tz, at=at)))
    return found


def before_then_weekly(
    *,
    subject,
    recipients: Iterable[Recipient],
    target: datetime.datetime | datetime.date,
    days: Iterable[int],
    before_kind: str,
    weekly_kind: str | None = None,
    weekly_since: datetime.date | None = None,
    context: dict,
    now: datetime.datetime,
) -> Iterator[Desired]:
    """The reminders of something with a date: "N days before" `target` (each N in `days`,
    at 09:00 in each recipient's time zone, `days_before` in its context), then, when
    `weekly_kind` is given, one each Monday from `weekly_since` on (an overdue item, a missing
    successor) while the caller keeps asking for them."""
    days = tuple(days)
    for recipient in recipients:
        tz = recipient.time_zone
        for count in days:
            yield Desired(
                subject=subject,
                kind=before_kind,
                recipient=recipient,
                occurrence=days_before_occurrence(target, count, tz=tz),
                due_at=days_before(target, count, tz=tz),
                context={**context, "days_before": count},
            )
        if weekly_kind is None or weekly_since is None:
            continue
        for occurrence, due_at in weekly_occurrences(since=weekly_since, now=now, tz=tz):
            yield Desired(
                subject=subject,
                kind=weekly_kind,
                recipient=recipient,
                occurrence=occurrence,
                due_at=due_at,
                context=context,
            )
