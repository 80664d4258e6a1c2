"""Every form of the decisions app, each one `core.edit.ObjectEditView` over one service.

Permission rules are the services' (`guard()` calls the same `permissions.require_*`), and a
refusal comes back on the form next to the field it names."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.edit import ObjectEditView
from core.selectors import get_visible
from decisions import forms, permissions, selectors, services
from meetings import selectors as meeting_selectors
from members import selectors as member_selectors

FORM_TEMPLATE = "decisions/form.html"


class DecisionCreate(ObjectEditView):
    form_class = forms.DecisionForm
    template_name = FORM_TEMPLATE
    title = _("New draft decision")
    success_message = _("Saved “{object.title}”.")

    def guard(self) -> None:
        permissions.require_manage(self.actor)

    def save(self, fields):
        return services.decision_create(actor=self.actor, **fields)


class DecisionEdit(DecisionCreate):
    title = _("Edit “{object.title}”")

    def get_object(self):
        return selectors.decision_get(actor=self.actor, pk=self.kwargs["pk"])

    def save(self, fields):
        return services.decision_update(actor=self.actor, decision=self.object, **fields)

    def get_context_data(self, form):
        return {**super().get_context_data(form), "decision": self.object}


class DecisionPart(ObjectEditView):
    """A form acting on a decision (its parent): move it, open a procedure on it."""

    template_name = FORM_TEMPLATE

    def get_parent(self):
        return selectors.decision_get(actor=self.actor, pk=self.kwargs["pk"])

    def guard(self) -> None:
        permissions.require_manage(self.actor)

    def get_context_data(self, form):
        return {**super().get_context_data(form), "decision": self.parent}

    def get_success_url(self, saved) -> str:
        return self.parent.get_absolute_url()


class DecisionMove(DecisionPart):
    form_class = forms.MoveForm
    title = _("Record a move of “{parent.title}”")

    def get_form_kwargs(self) -> dict[str, Any]:
        meetings = meeting_selectors.meeting_list(actor=self.actor).order_by("-starts_at")
        return {"decision": self.parent, "meetings": meetings}

    def save(self, fields):
        to_status = fields.pop("status")
        return services.decision_move(actor=self.actor, decision=self.parent, to_status=to_status, **fields)

    def get_success_message(self, saved) -> str:
        return _("“%(title)s” is now: %(status)s.") % {
            "title": saved.title,
            "status": saved.get_status_display().lower(),
        }


class ProcedureOpen(DecisionPart):
    form_class = forms.ProcedureOpenForm
    title = _("Open a written procedure on “{parent.title}”")

    def save(self, fields):
        deadline = fields.pop("deadline")
        return services.procedure_open(
            actor=self.actor, decision=self.parent, deadline_local=deadline, **fields
        )

    def get_success_message(self, saved) -> str:
        return _("Written procedure open until %(deadline)s.") % {"deadline": saved.deadline_described}


class ProcedurePart(ObjectEditView):
    """A form acting on an open procedure; the page returns to its decision."""

    template_name = FORM_TEMPLATE

    def get_object(self):
        return selectors.procedure_get(actor=self.actor, pk=self.kwargs["pk"])

    def guard(self) -> None:
        permissions.require_manage(self.actor)

    def get_context_data(self, form):
        return {**super().get_context_data(form), "decision": self.object.decision, "procedure": self.object}

    def get_success_url(self, saved) -> str:
        return self.object.decision.get_absolute_url()


class ProcedureExtend(ProcedurePart):
    form_class = forms.ProcedureExtendForm
    title = _("Extend the written procedure on “{object.decision.title}”")

    def get_form_kwargs(self) -> dict[str, Any]:
        local = self.object.local_deadline.replace(tzinfo=None)
        return {"initial": {"deadline": local, "time_zone": self.object.time_zone}}

    def save(self, fields):
        deadline = fields.pop("deadline")
        return services.procedure_extend(
            actor=self.actor, procedure=self.object, deadline_local=deadline, **fields
        )

    def get_success_message(self, saved) -> str:
        return _("Deadline extended to %(deadline)s.") % {"deadline": saved.deadline_described}


class ProcedureWithdraw(ProcedurePart):
    form_class = forms.ProcedureWithdrawForm
    title = _("Withdraw the written procedure on “{object.decision.title}”")
    success_message = _("The written procedure is withdrawn; the decision is a draft again.")

    def save(self, fields):
        return services.procedure_withdraw(actor=self.actor, procedure=self.object, **fields)


class AnswerPart(ProcedurePart):
    """A delegation's own answer (or the secretariat recording one for any member concerned)."""

    def guard(self) -> None:
        permissions.require_answer_for(self.actor, self.actor.member_id)

    def answering_for(self):
        """None when the secretariat chooses the member; the delegation's own member otherwise."""
        if self.actor.is_secretariat:
            return None
        return get_visible(member_selectors.member_list(actor=self.actor), self.actor.member_id)

    def get_form_kwargs(self) -> dict[str, Any]:
        own = self.answering_for()
        return {"members": selectors.concerned_members(self.object) if own is None else None}

    def member_of(self, fields):
        return fields.pop("member", None) or self.answering_for()


class PositionAnswer(AnswerPart):
    form_class = forms.AnswerForm
    title = _("Answer the written procedure on “{object.decision.title}”")

    def save(self, fields):
        member = self.member_of(fields)
        return services.position_answer(actor=self.actor, procedure=self.object, member=member, **fields)

    def get_success_message(self, saved) -> str:
        return _("Recorded for %(member)s: %(answer)s.") % {
            "member": saved.member.name,
            "answer": saved.get_kind_display().lower(),
        }


class ObjectionWithdraw(AnswerPart):
    form_class = forms.ObjectionWithdrawForm
    title = _("Withdraw the objection to “{object.decision.title}”")

    def save(self, fields):
        member = self.member_of(fields)
        return services.objection_withdraw(actor=self.actor, procedure=self.object, member=member)

    def get_success_message(self, saved) -> str:
        return _("%(member)s's objection is withdrawn: silence again.") % {"member": saved.member.name}
