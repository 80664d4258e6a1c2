"""Helpers the meeting pages share: the secretariat-only check and the child-object form page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from core.actors import web_actor
from core.forms import call_service
from core.selectors import audit_history
from meetings import permissions, selectors


def require_manage(actor) -> None:
    if not permissions.can_manage_meetings(actor):
        raise PermissionDenied("Only the secretariat manages meetings.")


def redirect_with_errors(request, form, target):
    for field, errors in form.errors.items():
        label = form.fields[field].label or field if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect(target)


def managed_meeting(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    require_manage(actor)
    return actor, meeting


def child_form(request, *, meeting, form, title, save, obj=None):
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, save)
        if saved:
            messages.success(request, f"Saved: {saved}.")
            return redirect(meeting)
    return render(
        request,
        "meetings/child_form.html",
        {
            "form": form,
            "meeting": meeting,
            "title": title,
            "history": audit_history([obj]) if obj is not None else [],
        },
    )
