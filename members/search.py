"""Members and delegates in the search box (see core.search)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actors import Actor
from core.search import Hit, highlight, matching
from members.selectors import delegate_list, member_list


def search(*, actor: Actor, terms: list[str], limit: int) -> list[Hit]:
    members = matching(member_list(actor=actor), terms=terms, fields={"name": "A", "iso2": "A"}, limit=limit)
    delegates = matching(
        delegate_list(actor=actor),
        terms=terms,
        fields={"full_name": "A", "title": "B", "member__name": "C"},
        limit=limit,
    )
    hits = [
        Hit(_("Member"), m.name, m.get_absolute_url(), highlight(f"{m.iso2} · {m.name}", terms), m.rank)
        for m in members
    ]
    hits += [
        Hit(
            _("Delegate"),
            d.full_name,
            d.member.get_absolute_url(),
            highlight(f"{d.full_name}, {d.title} ({d.member.name})", terms),
            d.rank,
        )
        for d in delegates
    ]
    return hits
