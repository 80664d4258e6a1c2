"""Server-rendered SVG charts: no script, no external asset, nothing but markup.

Every chart has a <title> and <desc> (read by screen readers through aria-labelledby), labelled
axes, and the page shows the same figures in a table beside it. Colours are never the only
signal: bars carry their value as text, lines are told apart by dash pattern and legend.
Text is escaped with Django's format_html.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_ids = itertools.count(1)


def _chart_id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal  # percent, 0-100
    shown: str  # the value as printed beside the bar
    emphasis: bool = False


def share_bars(*, title: str, description: str, bars: list[Bar], axis_label: str) -> SafeString:
    """Horizontal bars of shares (0-100 %), one row per bar, with a labelled percentage axis."""
    row, label_width, plot_width, top = 22, 170, 300, 28
    height = top + row * len(bars) + 36
    chart_id = _chart_id("bars")
    rows = []
    for index, bar in enumerate(bars):
        y = top + index * row
        width = (Decimal(plot_width) * bar.value / 100).quantize(Decimal("0.1"))
        rows.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-label" font-size="12" fill="#222">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" class="chart-value" font-size="12" fill="#222">{}</text>',
                label_width - 6,
                y + 15,
                bar.label,
                label_width,
                y + 3,
                width,
                row - 6,
                "chart-bar lead" if bar.emphasis else "chart-bar",
                "#8c2f1f" if bar.emphasis else "#1f4e8c",
                label_width + width + 4,
                y + 15,
                bar.shown,
            )
        )
    axis_y = top + row * len(bars) + 4
    ticks = format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" class="chart-tick" stroke="#555"></line>'
        '<text x="{0}" y="{3}" text-anchor="middle" class="chart-axis" font-size="11" fill="#333">{4}</text>',
        (
            (label_width + plot_width * pct // 100, axis_y, axis_y + 4, axis_y + 16, f"{pct} %")
            for pct in (0, 25, 50, 75, 100)
        ),
    )
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-t {id}-d" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<line x1="{lx}" y1="{axis}" x2="{rx}" y2="{axis}" class="chart-axis-line" stroke="#555"></line>'
        "{rows}{ticks}"
        '<text x="{mid}" y="{label_y}" text-anchor="middle" class="chart-axis-title" font-size="12" font-weight="bold" fill="#222">{axis_label}</text>'
        '<text x="4" y="16" class="chart-axis-title" font-size="12" font-weight="bold" fill="#222">{y_title}</text>'
        "</svg>",
        id=chart_id,
        w=label_width + plot_width + 70,
        h=height,
        title=title,
        desc=description,
        lx=label_width,
        rx=label_width + plot_width,
        axis=axis_y,
        rows=mark_safe("".join(rows)),  # noqa: S308 (each row built by format_html)
        ticks=ticks,
        mid=label_width + plot_width // 2,
        label_y=height - 2,
        axis_label=axis_label,
        y_title=_("Country"),
    )


@dataclass(frozen=True)
class PricePoint:
    day: datetime.date
    price: Decimal
    reference: Decimal | None
    rate_percent: Decimal | None  # the tariff rate, None without a reference


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date | None
    amount: Decimal


def _scale(lo: float, hi: float, out_lo: float, out_hi: float):
    span = (hi - lo) or 1.0

    def to(value: float) -> float:
        return round(out_lo + (value - lo) * (out_hi - out_lo) / span, 1)

    return to


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    step = (hi - lo) / (count - 1) if hi > lo else 1.0
    return [lo + step * i for i in range(count)]


def price_chart(
    *, title: str, quote: str, points: list[PricePoint], periods: list[Period], cap: Decimal
) -> SafeString:
    """Observed prices (line with markers) against the reference band (the reference price as
    a step line, shaded down to where the cap binds, reference / (1 + cap)), with the tariff
    rate below it as bars on its own axis (0 to the cap)."""
    if not points:
        return format_html('<p class="muted">{}</p>', _("No prices in this period."))
    left, width, top, price_h, gap, tariff_h = 70, 620, 30, 220, 40, 90
    first, last = points[0].day, points[-1].day
    days = max((last - first).days, 1)
    x = _scale(0, days, left, left + width)
    in_view = [p for p in periods if p.start <= last and (p.end is None or p.end >= first)]
    values = [float(p.price) for p in points] + [float(p.amount) for p in in_view]
    values += [float(p.amount / (1 + cap)) for p in in_view]
    lo, hi = min(values) * 0.97, max(values) * 1.03
    y = _scale(lo, hi, top + price_h, top)
    tariff_top = top + price_h + gap
    ty = _scale(0, float(cap * 100), tariff_top + tariff_h, tariff_top)
    chart_id = _chart_id("price")
    parts = [_band(p, first, last, x, y, cap) for p in in_view]
    line = " ".join(f"{x((p.day - first).days)},{y(float(p.price))}" for p in points)
    parts.append(
        format_html(
            '<polyline points="{}" class="chart-line" fill="none" stroke="#1f4e8c" stroke-width="1.5"></polyline>',
            line,
        )
    )
    if len(points) <= 400:  # markers only where they stay readable
        parts += [
            format_html(
                '<circle cx="{}" cy="{}" r="2.5" class="chart-dot" fill="#1f4e8c"></circle>',
                x((p.day - first).days),
                y(float(p.price)),
            )
            for p in points
        ]
    bar_w = max(1.0, round(width / max(len(points), 1) * 0.7, 1))
    parts += [
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" class="chart-tariff" fill="#b5542a"></rect>',
            round(x((p.day - first).days) - bar_w / 2, 1),
            ty(float(p.rate_percent)),
            bar_w,
            round(tariff_top + tariff_h - ty(float(p.rate_percent)), 1),
        )
        for p in points
        if p.rate_percent
    ]
    parts += _axes(left, width, top, price_h, tariff_top, tariff_h, lo, hi, cap, first, last, x, y, ty, quote)
    height = tariff_top + tariff_h + 44
    return format_html(
        '<svg class="chart price-chart" role="img" aria-labelledby="{id}-t {id}-d" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=left + width + 20,
        h=height,
        title=title,
        desc=_(
            "%(n)s observed prices from %(first)s to %(last)s against the reference band, with the tariff rate "
            "below; the table that follows gives the same figures."
        )
        % {"n": len(points), "first": first.isoformat(), "last": last.isoformat()},
        body=mark_safe("".join(parts)),  # noqa: S308 (each part built by format_html)
    )


def _band(period: Period, first, last, x, y, cap: Decimal) -> SafeString:
    start = max(period.start, first)
    end = min(period.end or last, last)
    x0, x1 = x((start - first).days), x((end - first).days)
    top, floor = y(float(period.amount)), y(float(period.amount / (1 + cap)))
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-band" fill="#e8c26a" fill-opacity="0.35"></rect>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-reference" stroke="#8a5a00" stroke-width="2" stroke-dasharray="6 3"></line>',
        x0,
        top,
        max(round(x1 - x0, 1), 1),
        round(floor - top, 1),
        x0,
        top,
        x1,
        top,
    )


def _axes(left, width, top, price_h, tariff_top, tariff_h, lo, hi, cap, first, last, x, y, ty, quote):
    parts = [
        format_html(
            '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" class="chart-axis-line" stroke="#555"></line>'
            '<line x1="{l}" y1="{t}" x2="{l}" y2="{b}" class="chart-axis-line" stroke="#555"></line>'
            '<line x1="{l}" y1="{tb}" x2="{r}" y2="{tb}" class="chart-axis-line" stroke="#555"></line>'
            '<line x1="{l}" y1="{tt}" x2="{l}" y2="{tb}" class="chart-axis-line" stroke="#555"></line>',
            l=left,
            r=left + width,
            t=top,
            b=top + price_h,
            tt=tariff_top,
            tb=tariff_top + tariff_h,
        )
    ]
    for value in _nice_ticks(lo, hi):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-axis" font-size="11" fill="#333">{}</text>',
                left - 4,
                y(value) + 4,
                f"{value:,.0f}",
            )
        )
    for pct in (0, float(cap * 100)):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-axis" font-size="11" fill="#333">{} %</text>',
                left - 4,
                ty(pct) + 4,
                f"{pct:.0f}",
            )
        )
    span = (last - first).days
    for i in range(5):
        day = first + datetime.timedelta(days=round(span * i / 4))
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="chart-axis" font-size="11" fill="#333">{}</text>',
                x((day - first).days),
                tariff_top + tariff_h + 16,
                day.isoformat(),
            )
        )
    parts.append(
        format_html(
            '<text x="{}" y="{}" class="chart-axis-title" font-size="12" font-weight="bold" fill="#222">{}</text>'
            '<text x="{}" y="{}" class="chart-axis-title" font-size="12" font-weight="bold" fill="#222">{}</text>'
            '<text x="{}" y="{}" text-anchor="middle" class="chart-axis-title" font-size="12" font-weight="bold" fill="#222">{}</text>',
            4,
            top - 12,
            _("Price (%(quote)s)") % {"quote": quote},
            4,
            tariff_top - 8,
            _("Tariff rate (%)"),
            left + width // 2,
            tariff_top + tariff_h + 38,
            _("Date observed"),
        )
    )
    return parts
