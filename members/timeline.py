"""The chair rotation drawn as an SVG timeline, rendered on the server (no script needed)."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from members.selectors import Rotation

WIDTH, HEIGHT, MARGIN, BAR_Y, BAR_H = 960, 120, 20, 34, 36


def _span(rotation: Rotation) -> tuple[datetime.date, datetime.date]:
    starts = [term.starts_on for term in rotation.terms] or [rotation.on]
    ends = [term.ends_on or rotation.on for term in rotation.terms] + [rotation.on]
    first = min(starts)
    # Show at least six months beyond today or the last known end, so an open gap is visible.
    last = max(ends) + datetime.timedelta(days=180)
    return first, last


def _day(day: datetime.date) -> str:
    """A date as the active language writes it."""
    return date_format(day, _("j M Y"))


def _fit(label: str, short: str, width: float) -> str:
    """The longest label that fits a bar of `width` pixels (about 8 px a character)."""
    for candidate in (label, short):
        if len(candidate) * 8 + 8 <= width:
            return candidate
    return ""


def _describe(rotation: Rotation, first: datetime.date, last: datetime.date) -> str:
    """What the picture shows, in words: the span, the number of terms and gaps, today's chair."""
    chair = rotation.current.member.name if rotation.current else _("no chair is designated")
    return _(
        "From %(first)s to %(last)s. Chair terms: %(terms)d. Periods without a chair: %(gaps)d. Chair today (%(today)s): %(chair)s."
    ) % {
        "first": _day(first),
        "last": _day(last),
        "terms": len(rotation.terms),
        "gaps": len(rotation.gaps),
        "today": _day(rotation.on),
        "chair": chair,
    }


def render(rotation: Rotation) -> SafeString:
    first, last = _span(rotation)
    total = max((last - first).days, 1)

    def x(day: datetime.date) -> float:
        return MARGIN + (WIDTH - 2 * MARGIN) * (day - first).days / total

    heading = escape(_("Chair rotation timeline"))
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="timeline-title">{heading}</title>',
        f'<desc id="timeline-desc">{escape(_describe(rotation, first, last))}</desc>',
        '<defs><pattern id="gap-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="4" height="8" fill="#f3c6c2"/></pattern></defs>',
    ]
    for year in range(first.year + 1, last.year + 1):
        tick = x(datetime.date(year, 1, 1))
        parts.append(f'<line x1="{tick:.1f}" y1="24" x2="{tick:.1f}" y2="{BAR_Y + BAR_H + 6}" class="tick"/>')
        parts.append(f'<text x="{tick:.1f}" y="18" class="tick-label">{year}</text>')
    for term in rotation.terms:
        end = term.ends_on or last
        left, right = x(term.starts_on), x(end + datetime.timedelta(days=1))
        current = " current" if term is rotation.current else ""
        label = _fit(f"{term.member.iso2} · {term.forum}", term.member.iso2, right - left)
        title = escape(
            _("%(member)s (%(forum)s): %(start)s to %(end)s")
            % {
                "member": term.member.name,
                "forum": term.forum,
                "start": _day(term.starts_on),
                "end": _day(term.ends_on) if term.ends_on else _("open"),
            }
        )
        parts.append(
            f'<g class="term{current}"><title>{title}</title>'
            f'<rect x="{left:.1f}" y="{BAR_Y}" width="{max(right - left, 2):.1f}" height="{BAR_H}" rx="3"/>'
            f'<text x="{left + 4:.1f}" y="{BAR_Y + 23}">{escape(label)}</text></g>'
        )
    for gap in rotation.gaps:
        left, right = (
            x(gap.starts_on),
            x(gap.ends_on + datetime.timedelta(days=1)) if gap.ends_on else x(last),
        )
        label = _("No chair designated") if gap.ends_on is None else _("Gap")
        gap_title = _("%(label)s from %(date)s") % {"label": label, "date": _day(gap.starts_on)}
        parts.append(
            f'<g class="gap"><title>{escape(gap_title)}</title>'
            f'<rect x="{left:.1f}" y="{BAR_Y}" width="{max(right - left, 2):.1f}" height="{BAR_H}" '
            f'fill="url(#gap-hatch)" stroke="#b3261e"/>'
            f'<text x="{left + 4:.1f}" y="{BAR_Y + 23}" class="gap-label">{escape(label)}</text></g>'
        )
    today = x(rotation.on)
    today_label = escape(_("today %(date)s") % {"date": _day(rotation.on)})
    parts.append(
        f'<line x1="{today:.1f}" y1="26" x2="{today:.1f}" y2="{BAR_Y + BAR_H + 14}" class="today"/>'
        f'<text x="{today:.1f}" y="{BAR_Y + BAR_H + 28}" class="today-label">{today_label}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
