"""World production by country: the USGS Mineral Commodity Summaries 2025 figures, copied
into markets/data/ (the app never reads anything outside the repository).

The file lists mine (and, where given, refinery) production in 2024 of the leading
producers of twelve critical minerals; the rest of the world is the world total minus their
sum. USGS reports rare earths as one group (rare-earth oxide equivalent): its figures are
stored for each rare-earth element of the mineral list (the lanthanides and yttrium; scandium
has its own USGS chapter), with `commodity` = "Rare earths" so the pages say it is the
group's figure. Loading is idempotent: a second run changes nothing.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from core.actors import Actor
from markets import services
from markets.models import ProductionFigure
from projects.models import Mineral

DATA_FILE = Path(__file__).resolve().parent / "data" / "usgs_mcs2025_production.csv"
EDITION = "USGS MCS 2025"

RARE_EARTH_SLUGS = (
    "cerium",
    "dysprosium",
    "erbium",
    "europium",
    "gadolinium",
    "holmium",
    "lanthanum",
    "lutetium",
    "neodymium",
    "praseodymium",
    "samarium",
    "terbium",
    "thulium",
    "ytterbium",
    "yttrium",
)
GROUPS = {"Rare earths": RARE_EARTH_SLUGS}


def source_rows() -> list[dict[str, str]]:
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def mineral_slugs(commodity: str) -> tuple[str, ...]:
    return GROUPS.get(commodity, (slugify(commodity),))


def figure_fields(row: dict[str, str], mineral: Mineral) -> dict:
    return {
        "mineral": mineral,
        "commodity": row["mineral"],
        "stage": row["stage"],
        "country": row["iso2"],
        "country_label": row["country"],
        "year": int(row["year"]),
        "quantity": Decimal(row["quantity"]),
        "unit": row["unit"],
        "world_total": Decimal(row["world_total"]),
        "confidence": row["confidence"],
        "edition": EDITION,
        "source_url": row["source"],
        "note": row["note"],
    }


def _changed(figure: ProductionFigure, fields: dict) -> bool:
    """Whether the source says something new: loading the same file again writes (and audits)
    nothing."""
    return any(getattr(figure, name) != value for name, value in fields.items())


def load_production(*, actor: Actor) -> int:
    """Upsert the figures of every mineral present in the mineral list; returns how many
    were created. Minerals missing from the list (not loaded yet) are skipped."""
    minerals = {mineral.slug: mineral for mineral in Mineral.objects.all()}
    existing = {
        (f.mineral_id, f.stage, f.year, f.edition, f.country): f for f in ProductionFigure.objects.all()
    }
    created = 0
    for row in source_rows():
        for slug in mineral_slugs(row["mineral"]):
            mineral = minerals.get(slug)
            if mineral is None:
                continue
            fields = figure_fields(row, mineral)
            key = (mineral.pk, fields["stage"], fields["year"], EDITION, fields["country"])
            if key in existing:
                if _changed(existing[key], fields):
                    services.production_figure_update(actor=actor, figure=existing[key], **fields)
            else:
                services.production_figure_create(actor=actor, **fields)
                created += 1
    return created


def load(*, actor: Actor, stdout) -> None:
    stdout.write(f"production figures: {load_production(actor=actor)} created")
