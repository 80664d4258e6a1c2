"""Meeting pages: the list, the month calendar, one meeting, and its scheduling and invitations."""

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from core.actors import web_actor
from core.edit import ObjectEditView
from core.forms import call_service
from core.paging import paginate
from core.selectors import audit_history
from meetings import ics, permissions, selectors, services
from meetings.filters import MeetingFilter
from meetings.forms import (
    InviteForm,
    MeetingForm,
    StatusForm,
    invite_arguments,
)


@require_safe
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


@require_safe
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


@require_safe
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


class MeetingCreate(ObjectEditView):
    form_class = MeetingForm
    template_name = "meetings/meeting_form.html"
    success_message = _("Saved “{object.title}”.")

    # A slot chosen in the slot finder arrives as ?starts_at=...&ends_at=...&venue_time_zone=UTC.
    PREFILLED = ("starts_at", "ends_at", "venue_time_zone")

    def guard(self) -> None:
        permissions.require_manage(self.actor)

    def get_form_kwargs(self):
        if self.object is not None:
            return super().get_form_kwargs()
        prefilled = {name: self.request.GET[name] for name in self.PREFILLED if name in self.request.GET}
        return {**super().get_form_kwargs(), "initial": prefilled}

    def save(self, fields):
        return services.meeting_schedule(actor=self.actor, **fields)

    def get_context_data(self, form):
        return {**super().get_context_data(form), "meeting": self.object, "warnings": None}


class MeetingEdit(MeetingCreate):
    def get_object(self):
        return selectors.meeting_get(actor=self.actor, pk=self.kwargs["pk"])

    def save(self, fields):
        return services.meeting_update(actor=self.actor, meeting=self.object, **fields)

    def get_context_data(self, form):
        return {**super().get_context_data(form), "warnings": selectors.scheduling_warnings(self.object)}


@require_POST
def meeting_status(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    form = StatusForm(request.POST, current=meeting.status)
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.meeting_status_change(
                actor=actor, meeting=meeting, status=form.cleaned_data["status"]
            ),
        )
        if saved:
            messages.success(
                request,
                gettext("The meeting is now %(status)s.") % {"status": saved.get_status_display().lower()},
            )
            return redirect(saved)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(meeting)


class MeetingInvite(ObjectEditView):
    form_class = InviteForm
    template_name = "meetings/invite_form.html"

    def get_parent(self):
        return selectors.meeting_get(actor=self.actor, pk=self.kwargs["pk"])

    def guard(self) -> None:
        permissions.require_manage(self.actor)

    def save(self, fields):
        return services.invitations_send(actor=self.actor, meeting=self.parent, **invite_arguments(fields))

    def get_success_message(self, saved) -> str:
        return _("Invited %(count)d member(s); members already invited were skipped.") % {"count": len(saved)}

    def get_success_url(self, saved) -> str:
        return reverse("meetings:rsvp_grid", args=[self.parent.pk])

    def get_context_data(self, form):
        return {**super().get_context_data(form), "meeting": self.parent}


@require_safe
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


@require_safe
def meeting_ics(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    body = ics.calendar_bytes([meeting], name=meeting.title, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
