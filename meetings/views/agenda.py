"""Agenda items of a meeting."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.actors import web_actor
from meetings import selectors, services
from meetings.forms import AgendaItemForm
from meetings.views.common import MeetingPartEdit


class AgendaItemCreate(MeetingPartEdit):
    form_class = AgendaItemForm
    title = _("Add an agenda item")

    def save(self, fields):
        return services.agenda_item_create(actor=self.actor, meeting=self.parent, **fields)


class AgendaItemEdit(MeetingPartEdit):
    form_class = AgendaItemForm
    title = _("Edit agenda item")

    def get_object(self):
        return selectors.agenda_item_get(actor=self.actor, pk=self.kwargs["pk"])

    def save(self, fields):
        return services.agenda_item_update(actor=self.actor, item=self.object, **fields)


@require_POST
def agenda_item_delete(request, pk: int):
    actor = web_actor(request)
    item = selectors.agenda_item_get(actor=actor, pk=pk)
    services.agenda_item_delete(actor=actor, item=item)
    messages.success(request, gettext("Removed “%(title)s” from the agenda.") % {"title": item.title})
    return redirect(item.meeting)


@require_POST
def agenda_move(request, pk: int):
    """Move one item up or down: the new order goes to the reorder service."""
    actor = web_actor(request)
    item = selectors.agenda_item_get(actor=actor, pk=pk)
    order = list(item.meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    index = order.index(item.pk)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        services.agenda_reorder(actor=actor, meeting=item.meeting, order=order)
    return redirect(reverse("meetings:detail", args=[item.meeting_id]) + "#agenda")
