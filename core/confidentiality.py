"""The one confidentiality rule: who may see a record that carries a `Confidentiality` level.

Every app whose records have a `confidentiality` field (meetings, documents, projects, and the
apps above them) answers "may this actor see it?" with the functions below, never with its own
copy. The levels (`core.choices.Confidentiality`) mean:

- ``public``: everyone who may use the app at all: every signed-in user with a role, and every
  partner token, forum-wide ones included.
- ``members``: everyone who sees what delegations see (`Actor.sees_members_level`): delegation
  users, observers, member-bound tokens, the secretariat. Not forum-wide tokens.
- ``restricted``: the secretariat, plus the members the record names (its `restricted_to`
  list) and the record's *parties*: members an app says take part (invited to the meeting,
  leading or participating in the project).
- ``secretariat``: the secretariat alone, plus the record's parties where the app says so
  (`parties_see_secretariat_only`: a project's participants see their own secretariat-only
  project; a meeting's invitees do not see a secretariat-only meeting).

The secretariat sees everything. Anything an actor may not see answers "not found" (404), so
"not yours" and "does not exist" look the same.

How an app uses it (all database-side, no per-row queries)::

    from core import confidentiality

    def meeting_list(*, actor):
        named = confidentiality.named_q(actor, Meeting.restricted_to)
        invited = Q(Exists(Invitation.objects.filter(meeting=OuterRef("pk"), member_id=actor.member_id)))
        return Meeting.objects.filter(confidentiality.visible_q(actor, named=named, parties=invited))

    def project_list(*, actor):  # participants see even their secretariat-only projects
        return JointProject.objects.filter(
            confidentiality.visible_q(actor, named=..., parties=takes_part, parties_see_secretariat_only=True)
        )

Linked records. A record shown on a page or in an API representation may point at another one
(an outcome's document, a milestone's action item, a commitment's meeting). The link itself must
pass the rule too: the selector annotates each row with `link_visible(...)` (the linked id
when it is in the actor's visible queryset of the linked model, else null), and pages and
serializers show the link only through it: `linked(obj, "document")` in Python, the
``<link>_visible_id`` attribute in templates, `core.api.fields.LinkedField` in the API. A row fetched without the annotation shows no link: the rule
fails closed.

Who was named. The `restricted_to` list of a record is the secretariat's business: show it only
when `sees_audience(actor)`.
"""

from __future__ import annotations

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When

from core.actors import Actor
from core.choices import Confidentiality

__all__ = [
    "Confidentiality",
    "visible_q",
    "named_q",
    "may_see",
    "sees_audience",
    "link_visible",
    "linked",
]


def named_q(actor: Actor, restricted_to, *, owner_field: str | None = None) -> Q:
    """Rows whose `restricted_to` names the actor's member (EXISTS on the M2M table; no join).

    `restricted_to` is the model's ManyToMany descriptor, e.g. ``Meeting.restricted_to``.
    """
    if actor.member_id is None:
        return Q(pk__in=[])
    through = restricted_to.through
    owner = owner_field or restricted_to.field.m2m_field_name()
    target = restricted_to.field.m2m_reverse_field_name()
    rows = through.objects.filter(**{f"{owner}_id": OuterRef("pk"), f"{target}_id": actor.member_id})
    return Q(Exists(rows))


def visible_q(
    actor: Actor,
    *,
    named: Q | None = None,
    parties: Q | None = None,
    parties_see_secretariat_only: bool = False,
    field: str = "confidentiality",
) -> Q:
    """The rows of a model that `actor` may see, as a filter (apply it before anything else).

    named: rows whose `restricted_to` names the actor's member (build it with `named_q`).
    parties: rows whose parties include the actor's member (the app's own notion; None = none).
    parties_see_secretariat_only: the parties also see the record at the "secretariat" level
        (projects: yes, their participants work on them; meetings: no).
    field: the name of the confidentiality field on the filtered model (e.g. "meeting__confidentiality").
    """
    if actor.is_secretariat:
        return Q()
    levels = [Confidentiality.PUBLIC]
    if actor.sees_members_level:
        levels.append(Confidentiality.MEMBERS)
    visible = Q(**{f"{field}__in": levels})
    if actor.member_id is None:
        return visible
    insiders = Q(pk__in=[])
    if named is not None:
        insiders |= named
    if parties is not None:
        insiders |= parties
    visible |= Q(**{field: Confidentiality.RESTRICTED}) & insiders
    if parties is not None and parties_see_secretariat_only:
        visible |= Q(**{field: Confidentiality.SECRETARIAT}) & parties
    return visible


def may_see(
    actor: Actor,
    *,
    level: str,
    named: bool = False,
    party: bool = False,
    parties_see_secretariat_only: bool = False,
) -> bool:
    """The same rule for one record already in memory (notifications, single checks).

    named: the record's `restricted_to` names the actor's member; party: the app counts the
    actor's member among the record's parties; parties_see_secretariat_only as in `visible_q`.
    """
    if actor.is_secretariat:
        return True
    if level == Confidentiality.PUBLIC:
        return True
    if level == Confidentiality.MEMBERS:
        return actor.sees_members_level
    if actor.member_id is None:
        return False
    if level == Confidentiality.RESTRICTED:
        return named or party
    return level == Confidentiality.SECRETARIAT and party and parties_see_secretariat_only


def sees_audience(actor: Actor) -> bool:
    """Whether the actor may read who a restricted record is restricted to: the secretariat only."""
    return actor.is_secretariat


def link_visible(actor: Actor, *, link: str, visible: QuerySet) -> dict:
    """An annotation for a selector: ``<link>_visible_id`` is the row's linked record id (foreign
    key `link`) when that record is among `visible` (the actor's scoped queryset of the linked
    model), else null.

    Usage: ``queryset.annotate(**link_visible(actor, link="document", visible=document_list(actor=actor)))``
    """
    name, column = f"{link}_visible_id", f"{link}_id"
    if actor.is_secretariat:
        return {name: F(column)}
    shown = Exists(visible.order_by().filter(pk=OuterRef(column)))
    return {name: Case(When(shown, then=F(column)), default=None)}


def linked(obj, link: str):
    """The record `obj` links to through `link`, or None when the reader may not see it (or the
    row was not annotated by its selector: the rule fails closed)."""
    if getattr(obj, f"{link}_visible_id", None) is None:
        return None
    return getattr(obj, link)
