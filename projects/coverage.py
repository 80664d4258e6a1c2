"""The supply-chain coverage view: minerals x value-chain segments, gaps, host concentration.

Everything is counted over the active projects (not closed or cancelled) the viewer may see,
in a fixed number of queries whatever the portfolio's size: the minerals, one aggregate of
projects per cell, one aggregate of distinct members per cell (over the union of leads and
participants), and one of projects per host country.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, F
from django.urls import reverse
from django.utils.translation import gettext

from core.actors import Actor
from projects.choices import INACTIVE_STAGES, Segment
from projects.codes import country_display_name
from projects.models import JointProject, Mineral, ProjectParticipant
from projects.selectors import project_visible

# A critical mineral with no project in these segments is a gap: the forum's stated aim is
# to diversify processing and to build recycling, where concentration is highest.
GAP_SEGMENTS = (Segment.PROCESSING, Segment.RECYCLING)

# US 2023 Merger Guidelines thresholds for the Herfindahl-Hirschman index (0-10,000).
HHI_MODERATE = 1000
HHI_HIGH = 1800


@dataclass(frozen=True)
class Cell:
    mineral: Mineral
    segment: str
    projects: int
    members: int

    @property
    def is_gap(self) -> bool:
        return self.projects == 0 and self.segment in GAP_SEGMENTS

    @property
    def level(self) -> int:
        """Heat-map shade: 0 none, 1 one project, 2 two, 3 three or four, 4 five or more."""
        return next(
            level for level, floor in ((4, 5), (3, 3), (2, 2), (1, 1), (0, 0)) if self.projects >= floor
        )

    @property
    def url(self) -> str:
        query = {"mineral": self.mineral.slug, "segment": self.segment, "active": "true"}
        return reverse("projects:list") + "?" + urlencode(query)


@dataclass(frozen=True)
class Row:
    mineral: Mineral
    cells: list[Cell]

    @property
    def projects(self) -> int:
        return sum(cell.projects for cell in self.cells)

    @property
    def gap_segments(self) -> list[str]:
        return [Segment(cell.segment).label.lower() for cell in self.cells if cell.is_gap]


@dataclass(frozen=True)
class HostShare:
    code: str
    name: str
    projects: int
    percent: Decimal  # share of the active projects, one decimal

    @property
    def url(self) -> str:
        return reverse("projects:list") + "?" + urlencode({"host_country": self.code, "active": "true"})


@dataclass
class Coverage:
    segments: list[tuple[str, str]]
    rows: list[Row]
    active_projects: int
    hosts: list[HostShare] = field(default_factory=list)
    hhi: int = 0
    strategic_without_projects: list[Mineral] = field(default_factory=list)

    def cell(self, slug: str, segment: str) -> Cell:
        row = next(row for row in self.rows if row.mineral.slug == slug)
        return next(cell for cell in row.cells if cell.segment == segment)

    @property
    def gaps(self) -> list[Row]:
        """Minerals in the portfolio with no processing or no recycling project."""
        return [row for row in self.rows if row.projects and row.gap_segments]

    @property
    def hhi_floor(self) -> int:
        """The lowest index possible with this many projects (all hosts different): 10,000 / n."""
        return round(10000 / self.active_projects) if self.active_projects else 0

    @property
    def concentration(self) -> str:
        if self.hhi >= HHI_HIGH:
            return gettext("highly concentrated")
        if self.hhi >= HHI_MODERATE:
            return gettext("moderately concentrated")
        return gettext("unconcentrated")


def _project_counts(active) -> dict[tuple[int, str], int]:
    rows = (
        JointProject.minerals.through.objects.filter(jointproject_id__in=active)
        .values("mineral_id", "jointproject__segment")
        .annotate(n=Count("jointproject_id", distinct=True))
        .order_by()
    )
    return {(row["mineral_id"], row["jointproject__segment"]): row["n"] for row in rows}


def _member_counts(active) -> dict[tuple[int, str], int]:
    """Distinct members (lead or participant) per cell: COUNT over a UNION, which drops the
    duplicates of a member taking part in two projects of the same cell."""
    columns = ("cell_mineral", "cell_segment", "cell_member")
    participants = (
        ProjectParticipant.objects.filter(project_id__in=active)
        .annotate(
            cell_mineral=F("project__minerals"),
            cell_segment=F("project__segment"),
            cell_member=F("member_id"),
        )
        .values_list(*columns)
        .order_by()
    )
    leads = (
        JointProject.objects.filter(pk__in=active)
        .annotate(cell_mineral=F("minerals"), cell_segment=F("segment"), cell_member=F("lead_member_id"))
        .values_list(*columns)
        .order_by()
    )
    union_sql, params = participants.union(leads).query.sql_with_params()
    sql = (
        f"SELECT cell_mineral, cell_segment, COUNT(*) FROM ({union_sql}) cell_members "  # noqa: S608 (Django-built SQL)
        "GROUP BY cell_mineral, cell_segment"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(mineral_id, segment): n for mineral_id, segment, n in cursor.fetchall()}


def _host_shares(active) -> tuple[list[HostShare], int, int]:
    rows = list(
        JointProject.objects.filter(pk__in=active)
        .values("host_country")
        .annotate(n=Count("pk"))
        .order_by("-n", "host_country")
    )
    total = sum(row["n"] for row in rows)
    hosts = [
        HostShare(
            code=row["host_country"],
            name=country_display_name(row["host_country"]),
            projects=row["n"],
            percent=(Decimal(100 * row["n"]) / total).quantize(Decimal("0.1"), ROUND_HALF_UP),
        )
        for row in rows
    ]
    # HHI from exact shares (not the rounded percentages), on the usual 0-10,000 scale.
    hhi = round(sum((Decimal(100 * row["n"]) / total) ** 2 for row in rows)) if total else 0
    return hosts, int(hhi), total


def coverage_for(*, actor: Actor, show_all: bool = False) -> Coverage:
    """The matrix as `actor` may see it. Rows: minerals with an active project (CRMA strategic
    ones without any are listed apart); `show_all` lists every mineral."""
    active = project_visible(actor=actor).exclude(stage__in=INACTIVE_STAGES).values("pk")
    projects = _project_counts(active)
    members = _member_counts(active)
    hosts, hhi, total = _host_shares(active)
    in_portfolio = {mineral_id for mineral_id, _ in projects}
    rows = []
    strategic_without = []
    for mineral in Mineral.objects.order_by("name"):
        if mineral.crma_strategic and mineral.pk not in in_portfolio:
            strategic_without.append(mineral)
        if not (show_all or mineral.pk in in_portfolio):
            continue
        cells = [
            Cell(
                mineral,
                segment,
                projects.get((mineral.pk, segment), 0),
                members.get((mineral.pk, segment), 0),
            )
            for segment in Segment.values
        ]
        rows.append(Row(mineral, cells))
    return Coverage(
        segments=list(Segment.choices),
        rows=rows,
        active_projects=total,
        hosts=hosts,
        hhi=hhi,
        strategic_without_projects=strategic_without,
    )
