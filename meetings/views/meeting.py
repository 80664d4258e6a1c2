"""Meeting pages: the list, the month calendar, one meeting, and its scheduling and invitations."""

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.actors import web_actor
from core.forms import call_service
from core.paging import paginate
from core.selectors import audit_history
from meetings import ics, permissions, selectors, services
from meetings.filters import MeetingFilter
from meetings.forms import (
    InviteForm,
    MeetingForm,
    StatusForm,
)
from meetings.views.common import require_manage


def meeting_list(request):
    actor = web_actor(request)
    meeting_filter = MeetingFilter(request.GET, queryset=selectors.meeting_list(actor=actor))
    meetings = meeting_filter.qs.order_by("-starts_at", "-pk")
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "filter": meeting_filter,
            "page": paginate(request, meetings, per_page=50),
            "viewer_tz": selectors.viewer_time_zone(actor),
            "can_manage": permissions.can_manage_meetings(actor),
        },
    )


def _month(request) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    try:
        day = datetime.datetime.strptime(raw, "%Y-%m").date()  # noqa: DTZ007 (a month, no time)
    except ValueError:
        day = timezone.localdate()
    return day.year, day.month


def meeting_calendar(request):
    actor = web_actor(request)
    year, month = _month(request)
    viewer_tz = selectors.viewer_time_zone(actor)
    start, end = selectors.month_bounds(year, month, viewer_tz)
    meetings = list(
        selectors.meeting_list(actor=actor).filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at")
    )
    first = datetime.date(year, month, 1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "meetings/calendar.html",
        {
            "weeks": selectors.month_grid(meetings, year=year, month=month, time_zone=viewer_tz),
            "month": first,
            "previous": previous,
            "following": following,
            "viewer_tz": viewer_tz,
        },
    )


def meeting_detail(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    can_manage = permissions.can_manage_meetings(actor)
    agenda = list(selectors.agenda_item_list(actor=actor).filter(meeting=meeting).order_by("position"))
    documents = list(selectors.document_list(actor=actor).filter(meeting=meeting).order_by("title", "pk"))
    outcomes = list(selectors.outcome_list(actor=actor).filter(meeting=meeting))
    actions = list(selectors.action_item_list(actor=actor).filter(meeting=meeting))
    context = {
        "meeting": meeting,
        "restricted_to": list(meeting.restricted_to.order_by("name")) if can_manage else [],
        "viewer_tz": selectors.viewer_time_zone(actor),
        "can_manage": can_manage,
        "invitation": selectors.invitation_for(actor=actor, meeting=meeting),
        "grid": selectors.rsvp_grid(actor=actor, meeting=meeting),
        "agenda": agenda,
        "documents": documents,
        "outcomes": outcomes,
        "actions": actions,
        "warnings": selectors.scheduling_warnings(meeting) if can_manage else None,
        "status_form": StatusForm(current=meeting.status) if can_manage else None,
        "history": audit_history([meeting, *agenda, *documents, *outcomes, *actions], limit=50)
        if can_manage
        else [],
    }
    return render(request, "meetings/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    return _meeting_form(request, meeting=None)


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    actor = web_actor(request)
    return _meeting_form(request, meeting=selectors.meeting_get(actor=actor, pk=pk))


def _meeting_form(request, *, meeting):
    actor = web_actor(request)
    require_manage(actor)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if meeting is None:
            saved = call_service(form, lambda: services.meeting_schedule(actor=actor, **fields))
        else:
            saved = call_service(
                form, lambda: services.meeting_update(actor=actor, meeting=meeting, **fields)
            )
        if saved:
            messages.success(request, f"Saved “{saved.title}”.")
            return redirect(saved)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "meeting": meeting,
            "warnings": selectors.scheduling_warnings(meeting) if meeting else None,
        },
    )


@require_POST
def meeting_status(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    require_manage(actor)
    form = StatusForm(request.POST, current=meeting.status)
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.meeting_status_change(
                actor=actor, meeting=meeting, status=form.cleaned_data["status"]
            ),
        )
        if saved:
            messages.success(request, f"The meeting is now {saved.get_status_display().lower()}.")
            return redirect(saved)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(meeting)


@require_http_methods(["GET", "POST"])
def meeting_invite(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    require_manage(actor)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form, lambda: services.invitations_send(actor=actor, meeting=meeting, **form.service_kwargs())
        )
        if created is not None:
            messages.success(
                request, f"Invited {len(created)} member(s); members already invited were skipped."
            )
            return redirect("meetings:rsvp_grid", pk=meeting.pk)
    return render(request, "meetings/invite_form.html", {"form": form, "meeting": meeting})


def rsvp_grid(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    return render(
        request,
        "meetings/rsvp_grid.html",
        {
            "meeting": meeting,
            "grid": selectors.rsvp_grid(actor=actor, meeting=meeting),
            "can_manage": permissions.can_manage_meetings(actor),
        },
    )


def meeting_ics(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    body = ics.calendar_bytes([meeting], name=meeting.title, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
