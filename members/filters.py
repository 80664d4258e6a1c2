"""One FilterSet per listed model, shared by the web lists and the API."""

import django_filters
from django.db.models import Q

from core.filters import StrictBooleanFilter, TrackedFilterSet
from members.choices import Capacity, ChairRole, Forum, MemberKind, MemberStatus
from members.models import ChairTerm, Delegate, Member


class MemberFilter(TrackedFilterSet):
    q = django_filters.CharFilter(method="search", label="Search name or code", max_length=100)
    kind = django_filters.ChoiceFilter(choices=MemberKind.choices)
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices)
    msp_partner = StrictBooleanFilter(label="MSP partner")
    iso2 = django_filters.CharFilter(method="by_iso2", label="ISO code(s), comma-separated", max_length=600)

    class Meta:
        model = Member
        fields = ["q", "kind", "status", "msp_partner", "iso2", "updated_since"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(iso2__iexact=value))

    def by_iso2(self, queryset, name, value):
        return queryset.filter(iso2__in=[code.strip().upper() for code in value.split(",") if code.strip()])


class MemberCodeFilter(django_filters.CharFilter):
    """`?member=KR` filters by the member's ISO code, the way partners name members."""

    def __init__(self, *args, field_name="member", **kwargs):
        kwargs.setdefault("label", "Member ISO code")
        kwargs.setdefault("max_length", 2)
        super().__init__(*args, field_name=f"{field_name}__iso2", **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, value.upper() if value else value)


class DelegateFilter(TrackedFilterSet):
    member = MemberCodeFilter()
    capacity = django_filters.ChoiceFilter(choices=Capacity.choices)
    q = django_filters.CharFilter(field_name="full_name", lookup_expr="icontains", max_length=100)

    class Meta:
        model = Delegate
        fields = ["member", "capacity", "q", "updated_since"]


class ChairTermFilter(TrackedFilterSet):
    member = MemberCodeFilter()
    role = django_filters.ChoiceFilter(choices=ChairRole.choices)
    forum = django_filters.ChoiceFilter(choices=Forum.choices)

    class Meta:
        model = ChairTerm
        fields = ["member", "role", "forum", "updated_since"]
