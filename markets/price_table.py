"""The chart page's data table: every observed price of the window with its reference price
and tariff, newest first, built in one pass from plain rows.

A year is hundreds of rows; rendering them cell by cell through the template engine (a
locale lookup per number, a tariff object and a URL resolution per row) took most of the
page's time. Here the rows are dicts from one query, the tariff figures come from
`markets.tariff` (the one place its rule lives), the numbers are formatted with the
separators read once, and the correction link is one reversed prefix plus the id. The
markup is the one the template wrote.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.numbers import NumberFormat
from markets import tariff

ROW_FIELDS = (
    "pk",
    "observed_on",
    "price_in_basis",
    "reference_amount",
    "currency",
    "price",
    "unit",
    "exchange_rate",
    "exchange_rate_on",
    "exchange_rate_source",
    "source_url",
    "source_name",
    "is_example",
)
DASH = "—"
_PK_MARK = 987654321


def with_figures(rows: list[dict]) -> list[tuple[dict, tariff.Figures | None]]:
    """Each row with its tariff figures (None where no reference price applies)."""
    return [
        (
            row,
            tariff.observation_figures(
                price=row["price_in_basis"], reference=row["reference_amount"], day=row["observed_on"]
            ),
        )
        for row in rows
    ]


def table_rows(priced: list[tuple[dict, tariff.Figures | None]], *, can_record: bool) -> SafeString:
    """The table body's rows, newest first, as the page's markup."""
    cells = _Cells(can_record)
    rows = "".join(cells.row(row, figures) for row, figures in reversed(priced))
    return mark_safe(rows)  # noqa: S308 (every text field is escaped in _Cells, numbers are digits)


class _Cells:
    """What every row shares, worked out once: separators, translated words, the link prefix."""

    def __init__(self, can_record: bool) -> None:
        self.number = NumberFormat()
        cap, example = escape(_("cap")), escape(_("example"))  # outside f-strings: makemessages reads these
        self.cap = f' <span class="badge warn">{cap}</span>'
        self.example = f' <span class="badge">{example}</span>'
        self.link = None
        if can_record:
            head, tail = reverse("markets:observation_edit", kwargs={"pk": _PK_MARK}).split(str(_PK_MARK))
            correct = escape(_("Correct"))
            self.link = (escape(head), f'{escape(tail)}">{correct}</a></td>')

    def row(self, row: dict, figures: tariff.Figures | None) -> str:
        number = self.number
        reference = row["reference_amount"]
        return (
            f"\n    <tr>\n      <td>{row['observed_on'].isoformat()}</td>"
            f'\n      <td class="num">{number.fixed(row["price_in_basis"], 2)}</td>'
            f'\n      <td class="num">{DASH if reference is None else number.fixed(reference, 2)}</td>'
            f"{self._tariff(figures)}"
            f"\n      <td>{self._quoted(row)}</td>"
            f"\n      <td>{self._source(row)}</td>"
            f"\n      {self._action(row)}\n    </tr>\n  "
        )

    def _tariff(self, figures: tariff.Figures | None) -> str:
        if figures is None:
            return f'\n      <td class="num">{DASH}</td>\n      <td class="num">{DASH}</td>'
        percent = self.number.plain_text(tariff.rate_percent(figures.rate))
        cap = self.cap if figures.capped else ""
        per_unit = self.number.fixed(figures.per_unit, 2)
        return f'\n      <td class="num">{percent} %{cap}</td>\n      <td class="num">{per_unit}</td>'

    def _quoted(self, row: dict) -> str:
        quoted = f"{escape(row['currency'])} {self.number.trimmed(row['price'], 4)}/{escape(row['unit'])}"
        if row["exchange_rate"]:
            rate = self.number.trimmed(row["exchange_rate"], 10, grouped=False)
            on = row["exchange_rate_on"].isoformat() if row["exchange_rate_on"] else ""
            quoted += f' <small class="muted">× {rate} ({on}, {escape(row["exchange_rate_source"])})</small>'
        return quoted

    def _source(self, row: dict) -> str:
        name = escape(row["source_name"])
        if row["source_url"]:
            name = f'<a href="{escape(row["source_url"])}" rel="noopener noreferrer">{name}</a>'
        return name + (self.example if row["is_example"] else "")

    def _action(self, row: dict) -> str:
        if self.link is None:
            return ""
        head, tail = self.link
        return f'<td><a href="{head}{row["pk"]}{tail}'
