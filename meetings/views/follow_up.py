"""What a meeting produced: outcomes and action items."""

from django.utils.translation import gettext_lazy as _

from meetings import selectors, services
from meetings.forms import ActionItemForm, OutcomeForm
from meetings.views.common import MeetingPartEdit


class OutcomeCreate(MeetingPartEdit):
    form_class = OutcomeForm
    title = _("Record an outcome")

    def save(self, fields):
        return services.outcome_create(actor=self.actor, meeting=self.parent, **fields)


class OutcomeEdit(MeetingPartEdit):
    form_class = OutcomeForm
    title = _("Edit outcome")

    def get_object(self):
        return selectors.outcome_get(actor=self.actor, pk=self.kwargs["pk"])

    def save(self, fields):
        return services.outcome_update(actor=self.actor, outcome=self.object, **fields)


class ActionItemCreate(MeetingPartEdit):
    form_class = ActionItemForm
    title = _("Add an action item")

    def save(self, fields):
        return services.action_item_create(actor=self.actor, meeting=self.parent, **fields)


class ActionItemEdit(MeetingPartEdit):
    form_class = ActionItemForm
    title = _("Edit action item")

    def get_object(self):
        return selectors.action_item_get(actor=self.actor, pk=self.kwargs["pk"])

    def save(self, fields):
        return services.action_item_update(actor=self.actor, item=self.object, **fields)
