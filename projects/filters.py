"""One FilterSet per listed model, shared by the web pages and the API.

The portfolio filters use Exists subqueries, so a project listed once stays listed once
whatever it matches on.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import StrictBooleanFilter, TrackedFilterSet
from members.filters import MemberCodeFilter
from projects.choices import INACTIVE_STAGES, FundingStatus, MilestoneStatus, ParticipantRole, Segment, Stage
from projects.codes import validate_currency
from projects.models import (
    FundingCommitment,
    JointProject,
    Milestone,
    Mineral,
    ProjectParticipant,
    ProjectUpdate,
)
from projects.selectors import overdue_q


def _member_code(value: str) -> str:
    return value.strip().upper()


class MineralFilter(TrackedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100, label=_("Name"))
    usgs_2025 = StrictBooleanFilter(label="USGS 2025")
    crma_strategic = StrictBooleanFilter(label=_("CRMA strategic"))
    crma_critical = StrictBooleanFilter(label=_("CRMA critical"))

    class Meta:
        model = Mineral
        fields = ["q", "usgs_2025", "crma_strategic", "crma_critical", "updated_since"]


class ProjectFilter(TrackedFilterSet):
    q = django_filters.CharFilter(method="search", max_length=100, label=_("Search title"))
    mineral = django_filters.CharFilter(method="by_mineral", max_length=100, label=_("Mineral (slug)"))
    segment = django_filters.ChoiceFilter(choices=Segment.choices, label=_("Segment"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    member = django_filters.CharFilter(
        method="by_member", max_length=2, label=_("Member taking part (ISO code, lead or participant)")
    )
    lead = MemberCodeFilter(field_name="lead_member", label=_("Lead member (ISO code)"))
    host_country = django_filters.CharFilter(
        method="by_host", max_length=2, label=_("Host country (ISO code)")
    )
    overdue = StrictBooleanFilter(method="by_overdue", label=_("Has overdue milestones"))
    active = StrictBooleanFilter(method="by_active", label=_("Active (not closed or cancelled)"))
    is_example = StrictBooleanFilter(label=_("Example (demo) project"))

    class Meta:
        model = JointProject
        fields = [
            "q",
            "mineral",
            "segment",
            "stage",
            "member",
            "lead",
            "host_country",
            "overdue",
            "active",
            "is_example",
            "updated_since",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(title__icontains=value)

    def by_mineral(self, queryset, name, value):
        through = JointProject.minerals.through.objects.filter(
            jointproject_id=OuterRef("pk"), mineral__slug=value.strip().lower()
        )
        return queryset.filter(Exists(through))

    def by_member(self, queryset, name, value):
        code = _member_code(value)
        participates = ProjectParticipant.objects.filter(project=OuterRef("pk"), member__iso2=code)
        return queryset.filter(Q(lead_member__iso2=code) | Q(Exists(participates)))

    def by_host(self, queryset, name, value):
        return queryset.filter(host_country=value.strip().upper())

    def by_overdue(self, queryset, name, value):
        overdue = Milestone.objects.filter(overdue_q(timezone.localdate()), project=OuterRef("pk"))
        return queryset.filter(Exists(overdue)) if value else queryset.exclude(Exists(overdue))

    def by_active(self, queryset, name, value):
        inactive = Q(stage__in=INACTIVE_STAGES)
        return queryset.exclude(inactive) if value else queryset.filter(inactive)


class ParticipantFilter(TrackedFilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    member = MemberCodeFilter()
    role = django_filters.ChoiceFilter(choices=ParticipantRole.choices)

    class Meta:
        model = ProjectParticipant
        fields = ["project", "member", "role", "updated_since"]


class _ProjectPartFilter(TrackedFilterSet):
    """`?project=ID` and `?member=KR` (parts of projects that member leads or takes part in)."""

    project = django_filters.NumberFilter(field_name="project_id")
    member = django_filters.CharFilter(
        method="by_member", max_length=2, label=_("Member taking part (ISO code)")
    )

    def by_member(self, queryset, name, value):
        code = _member_code(value)
        participates = ProjectParticipant.objects.filter(project=OuterRef("project_id"), member__iso2=code)
        return queryset.filter(Q(project__lead_member__iso2=code) | Q(Exists(participates)))


class MilestoneFilter(_ProjectPartFilter):
    status = django_filters.ChoiceFilter(
        choices=MilestoneStatus.choices, label=_("Status today (upcoming, overdue, done)")
    )
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")

    class Meta:
        model = Milestone
        fields = ["project", "member", "status", "due_before", "due_after", "updated_since"]


class FundingCommitmentFilter(TrackedFilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    member = MemberCodeFilter(label=_("Committing member (ISO code)"))
    status = django_filters.ChoiceFilter(choices=FundingStatus.choices)
    currency = django_filters.CharFilter(
        method="by_currency",
        max_length=3,
        validators=[lambda value: validate_currency(value.strip().upper())],
    )

    class Meta:
        model = FundingCommitment
        fields = ["project", "member", "status", "currency", "updated_since"]

    def by_currency(self, queryset, name, value):
        return queryset.filter(currency=value.strip().upper())


class ProjectUpdateFilter(TrackedFilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    member = MemberCodeFilter(field_name="author_member", label=_("Posting member (ISO code)"))

    class Meta:
        model = ProjectUpdate
        fields = ["project", "member", "updated_since"]
