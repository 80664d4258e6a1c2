"""Meetings and documents (titles and the text of their files) in the search box."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actors import Actor
from core.search import Hit, highlight, matching
from meetings.selectors import document_list, meeting_list


def search(*, actor: Actor, terms: list[str], limit: int) -> list[Hit]:
    meetings = matching(
        meeting_list(actor=actor),
        terms=terms,
        fields={"title": "A", "venue_name": "B", "description": "C"},
        limit=limit,
    )
    documents = matching(
        document_list(actor=actor).select_related("text"),
        terms=terms,
        fields={"title": "A", "description": "B", "text__text": "C"},
        limit=limit,
    )
    hits = [
        Hit(
            _("Meeting"),
            m.title,
            m.get_absolute_url(),
            highlight(f"{m.description} {m.venue_name}", terms),
            m.rank,
        )
        for m in meetings
    ]
    hits += [
        Hit(_("Document"), d.title, d.get_absolute_url(), _document_snippet(d, terms), d.rank)
        for d in documents
    ]
    return hits


def _document_snippet(document, terms: list[str]):
    text = document.text.text if hasattr(document, "text") else ""  # no row: nothing extracted
    return highlight(f"{document.meeting.title}. {document.description} {text}", terms)
