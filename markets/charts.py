"""Server-rendered SVG charts: no script, no external asset, nothing but markup.

Every chart has a <title> and <desc> (read by screen readers through aria-labelledby), labelled
axes, and the page shows the same figures in a table beside it. Colours are never the only
signal: bars carry their value as text, lines are told apart by dash pattern and legend.
Text is escaped with Django's format_html.
"""

from __future__ import annotations

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
                '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="{}"></rect>'
                '<text x="{}" y="{}" class="chart-value">{}</text>',
                label_width - 6,
                y + 15,
                bar.label,
                label_width,
                y + 3,
                width,
                row - 6,
                "chart-bar lead" if bar.emphasis else "chart-bar",
                label_width + width + 4,
                y + 15,
                bar.shown,
            )
        )
    axis_y = top + row * len(bars) + 4
    ticks = format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" class="chart-tick"></line>'
        '<text x="{0}" y="{3}" text-anchor="middle" class="chart-axis">{4}</text>',
        (
            (label_width + plot_width * pct // 100, axis_y, axis_y + 4, axis_y + 16, f"{pct} %")
            for pct in (0, 25, 50, 75, 100)
        ),
    )
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-t {id}-d" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<line x1="{lx}" y1="{axis}" x2="{rx}" y2="{axis}" class="chart-axis-line"></line>'
        "{rows}{ticks}"
        '<text x="{mid}" y="{label_y}" text-anchor="middle" class="chart-axis-title">{axis_label}</text>'
        '<text x="4" y="16" class="chart-axis-title">{y_title}</text>'
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
