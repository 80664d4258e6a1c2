"""Pages that draw on every app: the dashboard and the error pages."""

from django.shortcuts import render
from django.utils import timezone

from core.actors import actor_for_request
from core.api.exceptions import api_not_found, api_server_error
from core.reminders.selectors import queue_summary
from meetings.selectors import pending_invitations, upcoming_meetings
from members.selectors import rotation_on
from projects.selectors import portfolio_glance


def dashboard(request):
    today = timezone.localdate()
    context = {"rotation": rotation_on(today), "today": today}
    actor = actor_for_request(request)
    if actor is not None and actor.is_secretariat:
        context["reminder_queue"] = queue_summary()
    if actor is not None:
        context["portfolio"] = portfolio_glance(actor=actor, on=today)
        context["upcoming_meetings"] = upcoming_meetings(actor=actor)
        context["pending_invitations"] = pending_invitations(actor=actor)
    return render(request, "dashboard.html", context)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return render(
        request,
        "error.html",
        {"status": 404, "title": "Not found", "message": "There is nothing here, or it is not yours to see."},
        status=404,
    )


def server_error(request):
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return render(
        request,
        "error.html",
        {
            "status": 500,
            "title": "Something went wrong",
            "message": "The error has been logged. Please try again.",
        },
        status=500,
    )
