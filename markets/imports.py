"""Import of price observations from a CSV file: every row is checked before any is written.

One bad row imports nothing. The report names each problem by row (the spreadsheet's row
number: the header is row 1, the first price row 2), column and problem. When every row is
good, all are written in one transaction through markets.services.observation_create, so each
is validated, audited, on the change feed and checked for alerts like a price entered by hand.

Columns (header names, any order): product (the product's slug), observed_on (YYYY-MM-DD),
price, currency, unit, source_name, and optionally source_url, exchange_rate,
exchange_rate_on, exchange_rate_source, note.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from core.actors import Actor
from markets import permissions, services
from markets.models import PriceObservation, Product

REQUIRED = ("product", "observed_on", "price", "currency", "unit", "source_name")
OPTIONAL = ("source_url", "exchange_rate", "exchange_rate_on", "exchange_rate_source", "note")
COLUMNS = REQUIRED + OPTIONAL
MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column or "-",
            "message": self.message,
        }


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportRefused(ValidationError):
    """Raised with the report when any row is bad (nothing was written)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__({"file": [str(problem) for problem in report.problems[:50]]})
        self.report = report


def _text(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    if len(raw) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB: split it.")})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("The file is not UTF-8 text: save it as CSV UTF-8.")}) from None


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date: use YYYY-MM-DD.") % {"value": value[:20]}) from None


@dataclass
class _Parsed:
    row: int
    product: Product
    fields: dict


def _parse_row(number: int, raw: dict[str, str], products: dict[str, Product], report: ImportReport):
    values = {name: (raw.get(name) or "").strip() for name in COLUMNS}
    problems: list[Problem] = []
    for name in REQUIRED:
        if not values[name]:
            problems.append(Problem(number, name, _("This column is empty.")))
    product = products.get(values["product"])
    if values["product"] and product is None:
        problems.append(
            Problem(number, "product", _("No product “%(slug)s”.") % {"slug": values["product"][:60]})
        )
    fields = {name: values[name] for name in ("source_name", "source_url", "note")}
    for name in ("observed_on", "exchange_rate_on"):
        if values[name]:
            try:
                fields[name] = _date(values[name])
            except ValueError as exc:
                problems.append(Problem(number, name, str(exc)))
    if values["source_url"]:
        try:
            URLValidator(schemes=["http", "https"])(values["source_url"])
        except ValidationError:
            problems.append(Problem(number, "source_url", _("Not a web address (http or https).")))
    for name, limit in (("source_name", 200), ("note", 500), ("source_url", 500)):
        if len(values[name]) > limit:
            problems.append(Problem(number, name, _("At most %(n)s characters.") % {"n": limit}))
    quote = {name: values[name] or None for name in ("price", "currency", "unit", "exchange_rate")}
    quote["exchange_rate_source"] = values["exchange_rate_source"]
    if product is not None:
        try:
            services.observation_quote(product, {**quote, "exchange_rate_on": fields.get("exchange_rate_on")})
        except ValidationError as exc:
            reported = {problem.column for problem in problems}
            for column, messages in exc.message_dict.items():
                if column not in reported:  # an empty or unreadable cell is said once
                    problems.extend(Problem(number, column, message) for message in messages)
    report.problems.extend(problems)
    if problems:
        return None
    fields.update(quote)
    return _Parsed(number, product, fields)


def _duplicates(parsed: list[_Parsed], report: ImportReport) -> None:
    """Two rows for the same product, day and source, or a row that exists already."""
    seen: dict[tuple, int] = {}
    for item in parsed:
        key = (item.product.pk, item.fields["observed_on"], item.fields["source_name"])
        if key in seen:
            report.problems.append(
                Problem(
                    item.row,
                    "observed_on",
                    _("Same product, date and source as row %(row)s.") % {"row": seen[key]},
                )
            )
        seen[key] = item.row
    if not parsed:
        return
    days = {item.fields["observed_on"] for item in parsed}
    existing = set(
        PriceObservation.objects.filter(
            product__in={item.product.pk for item in parsed},
            observed_on__gte=min(days),
            observed_on__lte=max(days),
        ).values_list("product_id", "observed_on", "source_name")
    )
    for item in parsed:
        if (item.product.pk, item.fields["observed_on"], item.fields["source_name"]) in existing:
            report.problems.append(
                Problem(
                    item.row,
                    "observed_on",
                    _("This source already has a price for this product on this date."),
                )
            )


def check_file(raw: bytes | str) -> tuple[ImportReport, list[_Parsed]]:
    """Read and check every row; writes nothing."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(_text(raw), newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    for name in missing:
        report.problems.append(Problem(1, name, _("This column is missing from the header.")))
    for name in unknown:
        report.problems.append(Problem(1, name, _("Unknown column.")))
    if report.problems:
        return report, []
    reader.fieldnames = header
    products = {product.slug: product for product in Product.objects.all()}
    parsed = []
    for number, raw_row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            report.problems.append(
                Problem(number, "", _("More than %(n)s rows: split the file.") % {"n": MAX_ROWS})
            )
            break
        if None in raw_row:
            report.problems.append(Problem(number, "", _("More cells than columns in the header.")))
            continue
        report.rows += 1
        item = _parse_row(number, raw_row, products, report)
        if item is not None:
            parsed.append(item)
    if report.rows == 0 and not report.problems:
        report.problems.append(Problem(2, "", _("The file has no price rows.")))
    _duplicates(parsed, report)
    report.problems.sort(key=lambda problem: (problem.row, problem.column))
    return report, parsed


def observations_import(*, actor: Actor, raw: bytes | str) -> ImportReport:
    """Import every row or none: raises ImportRefused (a ValidationError) with the report."""
    permissions.require_record(actor)
    report, parsed = check_file(raw)
    if not report.ok:
        raise ImportRefused(report)
    with transaction.atomic():
        for item in parsed:
            services.observation_create(actor=actor, product=item.product, **item.fields)
            report.imported += 1
    return report
