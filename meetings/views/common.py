"""What the meeting pages share: the edit page of anything that belongs to a meeting, and the
way an action posted from a page reports a refused input."""

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect

from core.edit import ObjectEditView
from meetings import permissions, selectors


def redirect_with_errors(request, form, target):
    for field, errors in form.errors.items():
        label = form.fields[field].label or field if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect(target)


class MeetingPartEdit(ObjectEditView):
    """Add or edit something that belongs to a meeting (agenda item, outcome, action item,
    document); the secretariat's work. A create page's URL names the meeting, an edit page's
    the object; either way the page returns to the meeting."""

    template_name = "meetings/child_form.html"
    form_takes_meeting = True

    def get_parent(self):
        if self.object is not None:
            return self.object.meeting
        return selectors.meeting_get(actor=self.actor, pk=self.kwargs["pk"])

    def guard(self) -> None:
        permissions.require_manage(self.actor)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        return {**kwargs, "meeting": self.parent} if self.form_takes_meeting else kwargs

    def get_context_data(self, form) -> dict[str, Any]:
        return {**super().get_context_data(form), "meeting": self.parent}

    def get_success_url(self, saved) -> str:
        return self.parent.get_absolute_url()
