"""One FilterSet per listed model, shared by the register page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.actors import actor_for_request
from core.filters import TrackedFilterSet
from decisions.choices import SILENT, DecisionKind, DecisionStatus, PositionKind, ProcedureStatus
from decisions.models import Decision, Position, WrittenProcedure
from members.filters import MemberCodeFilter

POSITION_CHOICES = [*PositionKind.choices, (SILENT, _("Silent"))]


class DecisionFilter(TrackedFilterSet):
    q = django_filters.CharFilter(method="search", max_length=100, label=_("Search title and text"))
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=DecisionStatus.choices, label=_("Status"))
    year = django_filters.NumberFilter(
        method="by_year", label=_("Year (adopted, or created)"), min_value=1900, max_value=9999
    )
    meeting = django_filters.NumberFilter(field_name="meeting_visible_id", label=_("Meeting (id)"))
    member = django_filters.CharFilter(method="by_member", max_length=2, label=_("Member (ISO code)"))
    position = django_filters.ChoiceFilter(
        choices=POSITION_CHOICES, method="by_member", label=_("That member's position")
    )

    class Meta:
        model = Decision
        fields = ["q", "kind", "status", "year", "meeting", "member", "position", "updated_since"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(title__icontains=value) | Q(text__icontains=value) | Q(reference__iexact=value)
        )

    def by_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(Q(reference_year=year) | Q(reference_year__isnull=True, created_at__year=year))

    def by_member(self, queryset, name, value):
        """`member` and `position` together: decisions whose procedure has that member's position,
        as far as the reader may see positions; `member` alone: those it answered at all."""
        from decisions.selectors import position_list

        code = (self.data.get("member") or "").strip().upper()
        kind = self.data.get("position") or ""
        if name == "position" or not code:
            return queryset  # applied once, from the `member` filter
        actor = actor_for_request(self.request) if self.request is not None else None
        if actor is None:
            return queryset.none()
        answered = position_list(actor=actor).filter(member__iso2=code)
        if kind == SILENT:
            standing = answered.exclude(kind=PositionKind.OBJECTION, withdrawn_at__isnull=False)
            asked = WrittenProcedure.objects.filter(decision=OuterRef("pk"))
            return queryset.filter(Exists(asked)).exclude(pk__in=standing.values("procedure__decision_id"))
        if kind:
            answered = answered.filter(kind=kind)
            if kind == PositionKind.OBJECTION:
                answered = answered.filter(withdrawn_at__isnull=True)
        return queryset.filter(pk__in=answered.values("procedure__decision_id"))


class ProcedureFilter(TrackedFilterSet):
    status = django_filters.ChoiceFilter(choices=ProcedureStatus.choices)
    decision = django_filters.NumberFilter(field_name="decision_id")
    deadline_before = django_filters.IsoDateTimeFilter(field_name="deadline", lookup_expr="lt")
    deadline_after = django_filters.IsoDateTimeFilter(field_name="deadline", lookup_expr="gte")

    class Meta:
        model = WrittenProcedure
        fields = ["status", "decision", "deadline_before", "deadline_after", "updated_since"]


class PositionFilter(TrackedFilterSet):
    procedure = django_filters.NumberFilter(field_name="procedure_id")
    member = MemberCodeFilter()
    kind = django_filters.ChoiceFilter(choices=PositionKind.choices)

    class Meta:
        model = Position
        fields = ["procedure", "member", "kind", "updated_since"]
