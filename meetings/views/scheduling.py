"""Scheduling help: the slot finder."""

import datetime

from django.shortcuts import render

from core.actors import web_actor
from meetings import permissions, selectors, slots
from meetings.forms import (
    SlotFinderForm,
)
from members.models import Member


def slot_finder(request):
    actor = web_actor(request)
    permissions.require_manage(actor)
    initial = {}
    meeting = None
    if request.GET.get("meeting", "").isdigit():
        meeting = selectors.meeting_get(actor=actor, pk=int(request.GET["meeting"]))
        initial = {
            "date_from": meeting.starts_at.date(),
            "date_to": meeting.starts_at.date() + datetime.timedelta(days=6),
            "duration_minutes": meeting.duration_minutes,
            "members": list(Member.objects.filter(invitations__meeting=meeting)),
        }
    form = SlotFinderForm(request.GET if "date_from" in request.GET else None, initial=initial)
    ranked, burden, members = [], {}, []
    if form.is_bound and form.is_valid():
        members = sorted(form.cleaned_data["members"], key=lambda member: member.iso2)
        burden = selectors.burden_history(members=members)
        ranked = slots.rank_slots(
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            duration=datetime.timedelta(minutes=form.cleaned_data["duration_minutes"]),
            delegations=selectors.delegations_of(members),
            burden=burden,
            limit=20,
        )
    return render(
        request,
        "meetings/slots.html",
        {
            "form": form,
            "slots": ranked,
            "burden": sorted(burden.items()),
            "members": members,
            "meeting": meeting,
        },
    )
