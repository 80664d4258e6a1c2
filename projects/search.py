"""Joint projects in the search box."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actors import Actor
from core.search import Hit, highlight, matching
from projects.selectors import project_visible


def search(*, actor: Actor, terms: list[str], limit: int) -> list[Hit]:
    projects = matching(
        project_visible(actor=actor).select_related("lead_member"),
        terms=terms,
        fields={"title": "A", "summary": "B", "host_country": "C"},
        limit=limit,
    )
    return [
        Hit(_("Project"), p.title, p.get_absolute_url(), highlight(f"{p.summary}", terms), p.rank)
        for p in projects
    ]
