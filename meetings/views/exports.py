"""Downloads built from meeting data: the participants list (page, CSV and PDF), the agenda PDF."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.actors import web_actor
from core.exports import csv_response
from core.pdf import pdf_response
from meetings import printing, selectors


@require_safe
def participants(request, pk: int):
    """The list of participants, printable; the secretariat's document."""
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if not actor.is_secretariat:
        raise Http404("No such page.")
    rows = selectors.participants(meeting=meeting)
    if request.GET.get("format") == "csv":
        return csv_response(_participant_rows(rows), filename=f"participants-meeting-{meeting.pk}.csv")
    return render(request, "meetings/participants.html", {"meeting": meeting, "rows": rows})


def _participant_rows(rows):
    yield ["member_iso2", "member", "name", "capacity", "title", "email"]
    for row in rows:
        member, delegate = row.invitation.member, row.delegate
        yield [
            member.iso2,
            member.name,
            delegate.full_name,
            row.get_capacity_display(),
            delegate.title,
            delegate.email,
        ]


@require_safe
def participants_pdf(request, pk: int):
    """The list of participants as PDF, by delegation with functions (secretariat only)."""
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if not actor.is_secretariat:
        raise Http404("No such page.")
    pdf = printing.participants_pdf(meeting=meeting, rows=selectors.participants(meeting=meeting))
    return pdf_response(pdf, filename=f"participants-meeting-{meeting.pk}.pdf")


@require_safe
def agenda_pdf(request, pk: int):
    """The agenda as PDF, for anyone who may see the meeting."""
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    items = list(selectors.agenda_item_list(actor=actor).filter(meeting=meeting).order_by("position"))
    return pdf_response(
        printing.agenda_pdf(meeting=meeting, items=items), filename=f"agenda-meeting-{meeting.pk}.pdf"
    )
