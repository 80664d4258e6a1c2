"""Agenda items of a meeting."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.actors import web_actor
from meetings import selectors, services
from meetings.forms import (
    AgendaItemForm,
)
from meetings.views.common import child_form, managed_meeting, require_manage


@require_http_methods(["GET", "POST"])
def agenda_item_create(request, pk: int):
    actor, meeting = managed_meeting(request, pk)
    form = AgendaItemForm(request.POST or None, meeting=meeting)

    def save():
        fields = dict(form.cleaned_data)
        return services.agenda_item_create(
            actor=actor, meeting=meeting, documents=fields.pop("documents"), **fields
        )

    return child_form(request, meeting=meeting, form=form, title="Add an agenda item", save=save)


@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, pk: int):
    actor = web_actor(request)
    item = selectors.agenda_item_get(actor=actor, pk=pk)
    require_manage(actor)
    form = AgendaItemForm(request.POST or None, instance=item, meeting=item.meeting)

    def save():
        fields = dict(form.cleaned_data)
        return services.agenda_item_update(
            actor=actor, item=item, documents=fields.pop("documents"), **fields
        )

    return child_form(request, meeting=item.meeting, form=form, title="Edit agenda item", save=save, obj=item)


@require_POST
def agenda_item_delete(request, pk: int):
    actor = web_actor(request)
    item = selectors.agenda_item_get(actor=actor, pk=pk)
    require_manage(actor)
    services.agenda_item_delete(actor=actor, item=item)
    messages.success(request, f"Removed “{item.title}” from the agenda.")
    return redirect(item.meeting)


@require_POST
def agenda_move(request, pk: int):
    """Move one item up or down: the new order goes to the reorder service."""
    actor = web_actor(request)
    item = selectors.agenda_item_get(actor=actor, pk=pk)
    require_manage(actor)
    order = list(item.meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    index = order.index(item.pk)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        services.agenda_reorder(actor=actor, meeting=item.meeting, order=order)
    return redirect(reverse("meetings:detail", args=[item.meeting_id]) + "#agenda")
