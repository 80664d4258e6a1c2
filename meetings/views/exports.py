"""Downloads built from meeting data: the participants list (page, CSV and PDF), the agenda PDF."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render

from core.actors import web_actor
from core.pdf import pdf_response
from meetings import printing, selectors


def participants(request, pk: int):
    """The list of participants, printable; the secretariat's document."""
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if not actor.is_secretariat:
        raise Http404("No such page.")
    rows = selectors.participants(meeting=meeting)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="participants-meeting-{meeting.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow(["member_iso2", "member", "name", "capacity", "title", "email"])
        for row in rows:
            member = row.invitation.member
            writer.writerow(
                [
                    member.iso2,
                    member.name,
                    _csv_safe(row.delegate.full_name),
                    row.get_capacity_display(),
                    _csv_safe(row.delegate.title),
                    _csv_safe(row.delegate.email),
                ]
            )
        return response
    return render(request, "meetings/participants.html", {"meeting": meeting, "rows": rows})


def _csv_safe(value: str) -> str:
    # A cell starting with a formula character would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def participants_pdf(request, pk: int):
    """The list of participants as PDF, by delegation with functions (secretariat only)."""
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if not actor.is_secretariat:
        raise Http404("No such page.")
    pdf = printing.participants_pdf(meeting=meeting, rows=selectors.participants(meeting=meeting))
    return pdf_response(pdf, filename=f"participants-meeting-{meeting.pk}.pdf")


def agenda_pdf(request, pk: int):
    """The agenda as PDF, for anyone who may see the meeting."""
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    items = list(selectors.agenda_item_list(actor=actor).filter(meeting=meeting).order_by("position"))
    return pdf_response(
        printing.agenda_pdf(meeting=meeting, items=items), filename=f"agenda-meeting-{meeting.pk}.pdf"
    )
