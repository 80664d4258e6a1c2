"""Supply concentration per mineral: shares of world production, the leading country, and the
Herfindahl-Hirschman index (HHI), beside the forum's active projects for the mineral.

Shares are each listed country's quantity over the world total, in percent. The source lists
only the leading producers, so the HHI is computed two ways: `hhi` over the listed producers
(the rest of the world spread over many small producers adds next to nothing: a lower bound),
and `hhi_upper`, which counts the rest of the world as if it were one producer (the upper
bound). The thresholds are those of the US 2023 Merger Guidelines (as for the coverage view).

Everything is read in a fixed number of queries: the figures of the minerals shown (one),
their minerals (one), and the visible active projects per mineral, host and stage (one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from markets import charts
from markets.models import ProductionFigure
from projects.choices import INACTIVE_STAGES, Stage
from projects.codes import country_display_name
from projects.coverage import HHI_HIGH, HHI_MODERATE
from projects.models import JointProject, Mineral
from projects.selectors import project_visible

HUNDRED = Decimal("100")
SHARE_PLACES = Decimal("0.1")


def share_percent(quantity: Decimal, total: Decimal) -> Decimal:
    """Exact share in percent (not rounded: the HHI is computed from these)."""
    return quantity * HUNDRED / total if total else Decimal("0")


def hhi_of(shares: list[Decimal]) -> int:
    """Sum of squared percentage shares, rounded half up to a whole number (0-10,000)."""
    return int(sum((share * share for share in shares), Decimal("0")).quantize(Decimal("1"), ROUND_HALF_UP))


def concentration_label(hhi: int) -> str:
    if hhi >= HHI_HIGH:
        return _("highly concentrated")
    if hhi >= HHI_MODERATE:
        return _("moderately concentrated")
    return _("unconcentrated")


@dataclass(frozen=True)
class Share:
    country: str
    name: str
    quantity: Decimal
    percent: Decimal  # exact
    confidence: str
    note: str = ""

    @property
    def percent_shown(self) -> Decimal:
        return self.percent.quantize(SHARE_PLACES, ROUND_HALF_UP)


@dataclass
class Series:
    """One stage (mine or refinery) of one mineral, one year and edition."""

    mineral: Mineral
    commodity: str
    stage: str
    year: int
    unit: str
    world_total: Decimal
    edition: str
    source_url: str
    shares: list[Share] = field(default_factory=list)

    @property
    def stage_label(self) -> str:
        from markets.choices import ProductionStage

        return ProductionStage(self.stage).label

    @property
    def is_group_figure(self) -> bool:
        return self.commodity != self.mineral.name

    @property
    def rest_of_world(self) -> Decimal:
        return self.world_total - sum((share.quantity for share in self.shares), Decimal("0"))

    @property
    def rest_percent(self) -> Decimal:
        return share_percent(self.rest_of_world, self.world_total)

    @property
    def rest_percent_shown(self) -> Decimal:
        return self.rest_percent.quantize(SHARE_PLACES, ROUND_HALF_UP)

    @property
    def leader(self) -> Share | None:
        return max(self.shares, key=lambda share: share.quantity, default=None)

    @property
    def hhi(self) -> int:
        return hhi_of([share.percent for share in self.shares])

    @property
    def hhi_upper(self) -> int:
        return hhi_of([share.percent for share in self.shares] + [self.rest_percent])

    @property
    def level(self) -> str:
        return concentration_label(self.hhi)

    @property
    def has_medium_confidence(self) -> bool:
        return any(share.confidence == "medium" for share in self.shares)

    @property
    def chart(self) -> str:
        leader = self.leader
        bars = [
            charts.Bar(share.name, share.percent, f"{share.percent_shown} %", share is leader)
            for share in self.shares
        ]
        bars.append(charts.Bar(_("Rest of world"), self.rest_percent, f"{self.rest_percent_shown} %"))
        title = _("%(mineral)s: %(stage)s %(year)s, share of world total by country") % {
            "mineral": self.mineral.name,
            "stage": self.stage_label.lower(),
            "year": self.year,
        }
        description = _("Leading producer %(leader)s with %(share)s %%; HHI %(hhi)s.") % {
            "leader": leader.name if leader else "-",
            "share": leader.percent_shown if leader else 0,
            "hhi": self.hhi,
        }
        return charts.share_bars(
            title=title, description=description, bars=bars, axis_label=_("Share of world production (%)")
        )


@dataclass(frozen=True)
class ProjectCell:
    """Active projects for a mineral in one host country and stage."""

    country: str
    name: str
    stage: str
    projects: int
    is_leader: bool

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label


@dataclass
class MineralConcentration:
    mineral: Mineral
    series: list[Series]
    projects: list[ProjectCell] = field(default_factory=list)

    @property
    def leaders(self) -> set[str]:
        return {series.leader.country for series in self.series if series.leader}

    @property
    def projects_outside_leader(self) -> int:
        return sum(cell.projects for cell in self.projects if not cell.is_leader)

    @property
    def projects_total(self) -> int:
        return sum(cell.projects for cell in self.projects)


def _series(figures) -> list[Series]:
    by_key: dict[tuple, Series] = {}
    for figure in figures:
        key = (figure.mineral_id, figure.stage, figure.year, figure.edition)
        series = by_key.get(key)
        if series is None:
            series = by_key[key] = Series(
                mineral=figure.mineral,
                commodity=figure.commodity,
                stage=figure.stage,
                year=figure.year,
                unit=figure.unit,
                world_total=figure.world_total,
                edition=figure.edition,
                source_url=figure.source_url,
            )
        series.shares.append(
            Share(
                country=figure.country,
                name=country_display_name(figure.country) or figure.country_label,
                quantity=figure.quantity,
                percent=share_percent(figure.quantity, figure.world_total),
                confidence=figure.confidence,
                note=figure.note,
            )
        )
    for series in by_key.values():
        series.shares.sort(key=lambda share: (-share.quantity, share.country))
    return list(by_key.values())


def _project_cells(actor: Actor, mineral_ids: list[int]) -> dict[int, list[tuple[str, str, int]]]:
    active = project_visible(actor=actor).exclude(stage__in=INACTIVE_STAGES).values("pk")
    rows = (
        JointProject.minerals.through.objects.filter(jointproject_id__in=active, mineral_id__in=mineral_ids)
        .values("mineral_id", "jointproject__host_country", "jointproject__stage")
        .annotate(n=Count("jointproject_id", distinct=True))
        .order_by("mineral_id", "jointproject__host_country", "jointproject__stage")
    )
    cells: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for row in rows:
        cells[row["mineral_id"]].append(
            (row["jointproject__host_country"], row["jointproject__stage"], row["n"])
        )
    return cells


def concentration_for(*, actor: Actor, mineral: Mineral | None = None) -> list[MineralConcentration]:
    """Every mineral with production figures (or just `mineral`), with the active projects the
    actor may see for it, by host country and stage. Three queries."""
    figures = ProductionFigure.objects.select_related("mineral").order_by(
        "mineral__name", "stage", "-quantity"
    )
    if mineral is not None:
        figures = figures.filter(mineral=mineral)
    by_mineral: dict[int, list[Series]] = defaultdict(list)
    minerals: dict[int, Mineral] = {}
    for series in _series(figures):
        by_mineral[series.mineral.pk].append(series)
        minerals[series.mineral.pk] = series.mineral
    cells = _project_cells(actor, list(minerals))
    result = []
    for pk, series_list in by_mineral.items():
        item = MineralConcentration(mineral=minerals[pk], series=series_list)
        leaders = item.leaders
        item.projects = [
            ProjectCell(country, country_display_name(country), stage, n, country in leaders)
            for country, stage, n in cells.get(pk, [])
        ]
        result.append(item)
    return result
