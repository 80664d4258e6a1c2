"""Scheduling help: the slot finder."""

import datetime

from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.actors import web_actor
from meetings import permissions, selectors, slot_picture, slots
from meetings.forms import SlotFinderForm

SHOWN_SLOTS = 20


@require_safe
def slot_finder(request):
    """Ranks candidate slots for a meeting's invitees, all members, a saved group or chosen
    members, and draws the picked slot (the best by default) as a strip per delegation."""
    actor = web_actor(request)
    permissions.require_manage(actor)
    meeting = None
    if request.GET.get("meeting", "").isdigit():
        meeting = selectors.meeting_get(actor=actor, pk=int(request.GET["meeting"]))
    bound = request.GET if "date_from" in request.GET else None
    form = SlotFinderForm(bound, initial=_initial_for(meeting), meeting=meeting)
    context = {"form": form, "meeting": meeting, "slots": [], "burden": [], "members": [], "picture": None}
    if form.is_bound and form.is_valid():
        context.update(_ranked(form.cleaned_data, picked=request.GET.get("show", "")))
    return render(request, "meetings/slots.html", context)


def _initial_for(meeting) -> dict:
    if meeting is None:
        return {}
    starts_on = meeting.starts_at.date()
    return {
        "date_from": starts_on,
        "date_to": starts_on + datetime.timedelta(days=6),
        "duration_minutes": meeting.duration_minutes,
    }


def _ranked(data: dict, *, picked: str) -> dict:
    members = data["chosen"]
    burden = selectors.burden_history(members=members)
    ranked = slots.rank_slots(
        date_from=data["date_from"],
        date_to=data["date_to"],
        duration=datetime.timedelta(minutes=data["duration_minutes"]),
        delegations=selectors.delegations_of(members),
        burden=burden,
        limit=SHOWN_SLOTS,
    )
    index = int(picked) if picked.isdigit() and int(picked) < len(ranked) else 0
    shown = ranked[index] if ranked else None
    return {
        "slots": ranked,
        "burden": sorted(burden.items()),
        "members": members,
        "picked": index,
        "picture": slot_picture.picture(shown) if shown else None,
        "picture_slot": shown,
        "picture_outside": shown.score if shown else 0,
    }
