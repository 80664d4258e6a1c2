"""Every read of members, delegations and the chair rotation, scoped to the actor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy

from core.actors import Actor
from core.selectors import get_visible
from members.choices import ChairRole
from members.models import ChairTerm, Delegate, Member, MemberGroup, Membership


def member_list(*, actor: Actor) -> QuerySet[Member]:
    """The member directory is open to everyone who may use the app or the API."""
    return Member.objects.all()


def member_directory(*, actor: Actor) -> QuerySet[Member]:
    return member_list(actor=actor).annotate(delegate_count=Count("delegates"))


def member_get(*, actor: Actor, iso2: str) -> Member:
    return get_visible(member_list(actor=actor), iso2.upper(), f"No member {iso2!r}.", field="iso2")


def delegate_list(*, actor: Actor) -> QuerySet[Delegate]:
    """Delegations' contact details are for delegations and the secretariat, not for forum-wide tokens."""
    delegates = Delegate.objects.select_related("member")
    if actor.is_secretariat or actor.sees_members_level:
        return delegates
    return delegates.none()


def delegate_get(*, actor: Actor, pk: int) -> Delegate:
    return get_visible(delegate_list(actor=actor), pk, gettext_lazy("No such delegate."))


def member_group_list(*, actor: Actor) -> QuerySet[MemberGroup]:
    """Saved groups of members (names and membership are forum-wide facts)."""
    return MemberGroup.objects.order_by("name")


def own_membership(*, actor: Actor) -> Membership:
    """The signed-in user's own profile (role, delegation, language)."""
    return get_visible(
        Membership.objects.all(),
        actor.user_id or "",
        "This account has no role in the app yet.",
        field="user_id",
    )


def chair_term_list(*, actor: Actor) -> QuerySet[ChairTerm]:
    return ChairTerm.objects.select_related("member")


def chair_term_get(*, actor: Actor, pk: int) -> ChairTerm:
    return get_visible(chair_term_list(actor=actor), pk, gettext_lazy("No such chair term."))


def _chair_terms() -> list[ChairTerm]:
    return list(ChairTerm.objects.filter(role=ChairRole.CHAIR).select_related("member").order_by("starts_on"))


def chair_on(day: datetime.date) -> ChairTerm | None:
    """The chair term covering `day`, or None in a gap."""
    return (
        ChairTerm.objects.filter(role=ChairRole.CHAIR, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("member")
        .first()
    )


@dataclass(frozen=True)
class Gap:
    """A stretch with no chair; `ends_on` None means no successor is designated at all."""

    starts_on: datetime.date
    ends_on: datetime.date | None

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def chair_gaps(terms: list[ChairTerm] | None = None) -> list[Gap]:
    """Gaps between chair terms from the first term on, including an open gap after the last."""
    terms = _chair_terms() if terms is None else terms
    gaps: list[Gap] = []
    for previous, following in zip(terms, terms[1:], strict=False):
        if previous.ends_on is None:
            break
        gap_start = previous.ends_on + datetime.timedelta(days=1)
        if gap_start < following.starts_on:
            gaps.append(Gap(gap_start, following.starts_on - datetime.timedelta(days=1)))
    if terms and terms[-1].ends_on is not None:
        gaps.append(Gap(terms[-1].ends_on + datetime.timedelta(days=1), None))
    return gaps


@dataclass(frozen=True)
class Rotation:
    """The chair rotation as seen on one day: the troika, the handover and any gap."""

    on: datetime.date
    previous: ChairTerm | None
    current: ChairTerm | None
    next: ChairTerm | None
    gap: Gap | None
    gaps: list[Gap]
    terms: list[ChairTerm]

    @property
    def handover_on(self) -> datetime.date | None:
        """The first day of the next chair, or of the gap that follows the current term."""
        if self.current is None or self.current.ends_on is None:
            return None
        return self.current.ends_on + datetime.timedelta(days=1)

    @property
    def days_to_handover(self) -> int | None:
        return (self.handover_on - self.on).days if self.handover_on else None

    @property
    def successor_designated(self) -> bool:
        """False when the current term (or the present gap) is followed by no designated chair."""
        return self.next is not None or (self.current is not None and self.current.ends_on is None)

    @property
    def last_chair(self) -> ChairTerm | None:
        return self.current or self.previous


def rotation_on(day: datetime.date) -> Rotation:
    """Previous, current and next chair around `day` (the troika), in one query."""
    terms = _chair_terms()
    current = next((term for term in terms if term.covers(day)), None)
    earlier = [term for term in terms if term.ends_on is not None and term.ends_on < day]
    later = [term for term in terms if term.starts_on > day]
    gaps = chair_gaps(terms)
    return Rotation(
        on=day,
        previous=earlier[-1] if earlier else None,
        current=current,
        next=later[0] if later else None,
        gap=next((gap for gap in gaps if gap.covers(day)), None) if current is None else None,
        gaps=gaps,
        terms=terms,
    )


def overlapping_chair_terms(term: ChairTerm) -> QuerySet[ChairTerm]:
    """Other terms that clash with `term`: any chair term over the same days (when it is a
    chair term), or any term of the same member over the same days."""
    overlap = Q(starts_on__lte=term.ends_on) if term.ends_on else Q()
    overlap &= Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on)
    clash = Q(member_id=term.member_id)
    if term.role == ChairRole.CHAIR:
        clash |= Q(role=ChairRole.CHAIR)
    return ChairTerm.objects.filter(overlap & clash).exclude(pk=term.pk).select_related("member")
