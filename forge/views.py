"""Pages that draw on every app: the dashboard and the error pages."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.actors import actor_for_request
from core.api.exceptions import api_not_found, api_server_error
from core.reminders.selectors import queue_summary
from decisions import selectors as decision_selectors
from meetings import todo as meeting_todo
from meetings.selectors import pending_invitations, upcoming_meetings
from members.models import Member
from members.selectors import rotation_on
from projects import todo as project_todo
from projects.selectors import portfolio_glance


@require_safe
def dashboard(request):
    """The landing page: a delegation's own to-do list, or the forum's dashboard."""
    actor = actor_for_request(request)
    if actor is not None and actor.member_id and not actor.is_secretariat:
        return delegation_home(request, actor)
    today = timezone.localdate()
    context = {"rotation": rotation_on(today), "today": today}
    if actor is not None and actor.is_secretariat:
        now = timezone.now()
        context["reminder_queue"] = queue_summary()
        context["answers_overdue"] = meeting_todo.answers_overdue(actor=actor, now=now)
        context["accreditation"] = meeting_todo.accreditation_to_check(actor=actor, now=now)
        context["open_procedures"] = decision_selectors.open_procedures(actor=actor, limit=10)
    if actor is not None:
        context["portfolio"] = portfolio_glance(actor=actor, on=today)
        context["upcoming_meetings"] = upcoming_meetings(actor=actor)
        context["pending_invitations"] = pending_invitations(actor=actor)
    return render(request, "dashboard.html", context)


@require_safe
def delegation_home(request, actor):
    """What the delegation has to do, each item one click from its action."""
    now = timezone.now()
    today = timezone.localdate()
    member = Member.objects.get(pk=actor.member_id)
    context = {
        "today": today,
        "now": now,
        "member": member,
        "viewer_tz": member.capital_time_zone or "UTC",
        "to_answer": meeting_todo.invitations_to_answer(actor=actor, now=now),
        "to_register": meeting_todo.registrations_open(actor=actor, now=now),
        "action_items": meeting_todo.own_action_items(actor=actor),
        "overdue_milestones": project_todo.overdue_milestones(actor=actor, on=today),
        "commitments": project_todo.commitments_to_confirm(actor=actor),
        "meetings_ahead": meeting_todo.invited_meetings_ahead(actor=actor, now=now),
        "portfolio": portfolio_glance(actor=actor, on=today),
        "procedures_to_answer": decision_selectors.awaiting_answer(actor=actor),
    }
    return render(request, "home.html", context)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return render(
        request,
        "error.html",
        {
            "status": 404,
            "title": _("Not found"),
            "message": _("There is nothing here, or it is not yours to see."),
        },
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
            "title": _("Something went wrong"),
            "message": _("The error has been logged. Please try again."),
        },
        status=500,
    )
