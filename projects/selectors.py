"""Every read of minerals, joint projects and their parts, scoped to the actor.

A child (participant, milestone, commitment, update) is visible exactly when its project is.
Lists are built for a constant number of queries (select_related / prefetch_related /
subquery annotations), whatever their length.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core import confidentiality
from core.actors import Actor
from core.selectors import get_visible
from meetings import selectors as meeting_selectors
from projects.choices import INACTIVE_STAGES, FundingStatus, MilestoneStatus
from projects.models import (
    FundingCommitment,
    JointProject,
    Milestone,
    Mineral,
    ProjectParticipant,
    ProjectUpdate,
    StageChange,
)
from projects.money import Total
from projects.permissions import visible_q


def today() -> datetime.date:
    return timezone.localdate()


# The milestone rule of projects.models.milestone_status, in SQL ------------------------


def overdue_q(on: datetime.date, prefix: str = "") -> Q:
    """Milestones overdue on day `on`: due before it and not done by then."""
    return Q(**{f"{prefix}due_on__lt": on}) & (
        Q(**{f"{prefix}done_on__isnull": True}) | Q(**{f"{prefix}done_on__gt": on})
    )


def milestone_status_expression(on: datetime.date) -> Case:
    return Case(
        When(done_on__isnull=False, done_on__lte=on, then=Value(MilestoneStatus.DONE)),
        When(due_on__lt=on, then=Value(MilestoneStatus.OVERDUE)),
        default=Value(MilestoneStatus.UPCOMING),
        output_field=CharField(),
    )


# Minerals ------------------------------------------------------------------------------


def mineral_list(*, actor: Actor) -> QuerySet[Mineral]:
    """The mineral lists are public reference data."""
    return Mineral.objects.all()


def mineral_get(*, actor: Actor, slug: str) -> Mineral:
    return get_visible(mineral_list(actor=actor), slug, f"No mineral {slug!r}.", field="slug")


# Projects ------------------------------------------------------------------------------


def project_visible(*, actor: Actor) -> QuerySet[JointProject]:
    """The bare queryset of visible projects (for subqueries and aggregates)."""
    return JointProject.objects.filter(visible_q(actor))


def _overdue_count(on: datetime.date) -> Coalesce:
    counted = (
        Milestone.objects.filter(overdue_q(on), project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _participants_prefetch() -> Prefetch:
    return Prefetch(
        "participants", queryset=ProjectParticipant.objects.select_related("member").order_by("member__iso2")
    )


def _last_update_at() -> Subquery:
    latest = (
        ProjectUpdate.objects.filter(project=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )
    return Subquery(latest)


def project_list(*, actor: Actor, on: datetime.date | None = None) -> QuerySet[JointProject]:
    """Visible projects with what the API shows: lead, minerals, participants and the number
    of milestones overdue on `on` (today by default)."""
    return (
        project_visible(actor=actor)
        .select_related("lead_member")
        .prefetch_related("minerals", _participants_prefetch(), "restricted_to")
        .annotate(overdue_milestones=_overdue_count(on or today()))
    )


def project_portfolio(*, actor: Actor) -> QuerySet[JointProject]:
    """project_list with when the last update came (the portfolio page and its CSV show it;
    the API and the change feed do not, and skip building its subquery)."""
    return project_list(actor=actor).annotate(last_update_at=_last_update_at())


def project_get(*, actor: Actor, pk) -> JointProject:
    return get_visible(project_list(actor=actor), pk, gettext_lazy("No such project."))


def stage_history(*, project: JointProject) -> list[StageChange]:
    return list(project.stage_changes.order_by("on", "id"))


# Parts of projects ---------------------------------------------------------------------


def _of_visible(queryset: QuerySet, actor: Actor) -> QuerySet:
    return queryset.filter(project__in=project_visible(actor=actor).values("pk"))


def participant_list(*, actor: Actor) -> QuerySet[ProjectParticipant]:
    return _of_visible(ProjectParticipant.objects.select_related("project", "member"), actor)


def participant_get(*, actor: Actor, pk) -> ProjectParticipant:
    return get_visible(participant_list(actor=actor), pk, gettext_lazy("No such participant."))


def milestone_list(*, actor: Actor, on: datetime.date | None = None) -> QuerySet[Milestone]:
    """Milestones of visible projects; `action_item_visible_id` is the linked action
    item's id when it passes the confidentiality rule for this actor (see confidentiality.linked)."""
    return _of_visible(Milestone.objects.select_related("project", "action_item"), actor).annotate(
        status=milestone_status_expression(on or today()),
        **confidentiality.link_visible(
            actor, link="action_item", visible=meeting_selectors.action_item_list(actor=actor)
        ),
    )


def milestone_get(*, actor: Actor, pk) -> Milestone:
    return get_visible(milestone_list(actor=actor), pk, gettext_lazy("No such milestone."))


def commitment_list(*, actor: Actor) -> QuerySet[FundingCommitment]:
    """Commitments of visible projects; `announced_at_visible_id` is the meeting they were
    announced at when it passes the confidentiality rule for this actor (see confidentiality.linked)."""
    return _of_visible(
        FundingCommitment.objects.select_related("project", "member", "announced_at"), actor
    ).annotate(
        **confidentiality.link_visible(
            actor, link="announced_at", visible=meeting_selectors.meeting_list(actor=actor)
        )
    )


def commitment_get(*, actor: Actor, pk) -> FundingCommitment:
    return get_visible(commitment_list(actor=actor), pk, gettext_lazy("No such funding commitment."))


def update_list(*, actor: Actor) -> QuerySet[ProjectUpdate]:
    return _of_visible(ProjectUpdate.objects.select_related("project", "author_member"), actor)


def update_get(*, actor: Actor, pk) -> ProjectUpdate:
    return get_visible(update_list(actor=actor), pk, gettext_lazy("No such project update."))


# Totals --------------------------------------------------------------------------------


@dataclass
class FundingTotal:
    """Commitments in one currency, by status. Never added across currencies."""

    currency: str
    pledged: Decimal = Decimal("0.00")
    approved: Decimal = Decimal("0.00")
    disbursed: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.pledged + self.approved + self.disbursed


@dataclass
class PortfolioTotals:
    budgets: list[Total] = field(default_factory=list)
    funding: list[FundingTotal] = field(default_factory=list)


def budget_totals(projects: QuerySet[JointProject]) -> list[Total]:
    """Budgets of these projects summed per currency, in one query."""
    rows = (
        JointProject.objects.filter(pk__in=projects.values("pk"), budget_amount__isnull=False)
        .order_by()
        .values("budget_currency")
        .annotate(total=Sum("budget_amount"))
        .order_by("budget_currency")
    )
    return [Total(row["budget_currency"], row["total"]) for row in rows]


def funding_totals(commitments: QuerySet[FundingCommitment]) -> list[FundingTotal]:
    """Commitments summed per currency and status, in one query."""
    rows = (
        commitments.order_by()
        .values("currency", "status")
        .annotate(total=Sum("amount"))
        .order_by("currency", "status")
    )
    by_currency: dict[str, FundingTotal] = {}
    for row in rows:
        total = by_currency.setdefault(row["currency"], FundingTotal(row["currency"]))
        setattr(total, FundingStatus(row["status"]).value, row["total"])
    return sorted(by_currency.values(), key=lambda t: t.currency)


def portfolio_totals(projects: QuerySet[JointProject]) -> PortfolioTotals:
    """Budgets and commitments of exactly these projects (two queries)."""
    commitments = FundingCommitment.objects.filter(project__in=projects.values("pk"))
    return PortfolioTotals(budgets=budget_totals(projects), funding=funding_totals(commitments))


@dataclass(frozen=True)
class Glance:
    active_projects: int
    overdue_milestones: int
    projects_with_overdue: int


def portfolio_glance(*, actor: Actor, on: datetime.date | None = None) -> Glance:
    """The dashboard card: active projects and milestones overdue on `on` (two queries)."""
    on = on or today()
    visible = project_visible(actor=actor)
    active = visible.exclude(stage__in=INACTIVE_STAGES).count()
    overdue = Milestone.objects.filter(overdue_q(on), project__in=visible.values("pk")).aggregate(
        milestones=Count("pk"), projects=Count("project", distinct=True)
    )
    return Glance(active, overdue["milestones"], overdue["projects"])
