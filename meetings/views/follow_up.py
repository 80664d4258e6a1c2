"""What a meeting produced: outcomes and action items."""

from django.views.decorators.http import require_http_methods

from core.actors import web_actor
from meetings import selectors, services
from meetings.forms import (
    ActionItemForm,
    OutcomeForm,
)
from meetings.views.common import child_form, managed_meeting, require_manage


@require_http_methods(["GET", "POST"])
def outcome_create(request, pk: int):
    actor, meeting = managed_meeting(request, pk)
    form = OutcomeForm(request.POST or None, meeting=meeting)
    return child_form(
        request,
        meeting=meeting,
        form=form,
        title="Record an outcome",
        save=lambda: services.outcome_create(actor=actor, meeting=meeting, **form.cleaned_data),
    )


@require_http_methods(["GET", "POST"])
def outcome_edit(request, pk: int):
    actor = web_actor(request)
    outcome = selectors.outcome_get(actor=actor, pk=pk)
    require_manage(actor)
    form = OutcomeForm(request.POST or None, instance=outcome, meeting=outcome.meeting)
    return child_form(
        request,
        meeting=outcome.meeting,
        form=form,
        title="Edit outcome",
        save=lambda: services.outcome_update(actor=actor, outcome=outcome, **form.cleaned_data),
        obj=outcome,
    )


@require_http_methods(["GET", "POST"])
def action_item_create(request, pk: int):
    actor, meeting = managed_meeting(request, pk)
    form = ActionItemForm(request.POST or None, meeting=meeting)
    return child_form(
        request,
        meeting=meeting,
        form=form,
        title="Add an action item",
        save=lambda: services.action_item_create(actor=actor, meeting=meeting, **form.cleaned_data),
    )


@require_http_methods(["GET", "POST"])
def action_item_edit(request, pk: int):
    actor = web_actor(request)
    item = selectors.action_item_get(actor=actor, pk=pk)
    require_manage(actor)
    form = ActionItemForm(request.POST or None, instance=item, meeting=item.meeting)
    return child_form(
        request,
        meeting=item.meeting,
        form=form,
        title="Edit action item",
        save=lambda: services.action_item_update(actor=actor, item=item, **form.cleaned_data),
        obj=item,
    )
