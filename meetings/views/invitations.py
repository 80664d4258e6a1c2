"""Invitations and registrations: what a delegation sees and answers."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.actors import web_actor
from core.edit import ObjectEditView
from core.forms import call_service, run_action
from core.selectors import audit_history
from meetings import permissions, selectors, services
from meetings.choices import InvitationStatus, RegistrationStatus
from meetings.downloads import stored_file_response
from meetings.forms import (
    AnswerForm,
    CredentialsForm,
    RegistrationForm,
)
from meetings.views.common import redirect_with_errors


@require_safe
def invitation_detail(request, pk: int):
    actor = web_actor(request)
    invitation = selectors.invitation_get(actor=actor, pk=pk)
    registrations = list(
        selectors.registration_list(actor=actor).filter(invitation=invitation).order_by("status", "pk")
    )
    can_act = permissions.can_act_for_member(actor, invitation.member_id)
    active = [r for r in registrations if r.status == RegistrationStatus.ACTIVE]
    return render(
        request,
        "meetings/invitation_detail.html",
        {
            "invitation": invitation,
            "meeting": invitation.meeting,
            "registrations": registrations,
            "active_count": len(active),
            "can_act": can_act,
            "answer_form": AnswerForm(initial={"status": invitation.status}) if can_act else None,
            "credentials_form": CredentialsForm() if can_act else None,
            "registration_form": RegistrationForm(member=invitation.member) if can_act else None,
            "can_register": can_act
            and invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE)
            and len(active) < invitation.seats_quota,
            "viewer_tz": selectors.viewer_time_zone(actor),
            "history": audit_history([invitation, *registrations], limit=30),
        },
    )


def _invitation_for_write(request, pk: int):
    actor = web_actor(request)
    invitation = selectors.invitation_get(actor=actor, pk=pk)
    permissions.require_act_for(actor, invitation.member_id)  # the rule its services apply
    return actor, invitation


@require_POST
def invitation_answer(request, pk: int):
    actor, invitation = _invitation_for_write(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.invitation_answer(
                actor=actor, invitation=invitation, status=form.cleaned_data["status"]
            ),
        )
        if saved:
            messages.success(
                request,
                _("Answer recorded: %(answer)s.") % {"answer": saved.get_status_display().lower()},
            )
            return redirect(saved)
    return redirect_with_errors(request, form, invitation)


@require_http_methods(["GET", "POST"])
def invitation_credentials(request, pk: int):
    """GET downloads the credentials (the delegation and the secretariat only); POST uploads."""
    if request.method == "GET":
        actor = web_actor(request)
        invitation = selectors.invitation_get(actor=actor, pk=pk)
        if not invitation.credentials:
            raise Http404("No credentials uploaded.")
        return stored_file_response(invitation.credentials, invitation.credentials_name, "application/pdf")
    actor, invitation = _invitation_for_write(request, pk)
    form = CredentialsForm(request.POST, request.FILES)
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.invitation_credentials_upload(
                actor=actor, invitation=invitation, file=form.cleaned_data["credentials"]
            ),
        )
        if saved:
            messages.success(request, _("Credentials uploaded."))
            return redirect(saved)
    return redirect_with_errors(request, form, invitation)


@require_POST
def registration_create(request, pk: int):
    actor, invitation = _invitation_for_write(request, pk)
    form = RegistrationForm(request.POST, member=invitation.member)
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.registration_add(actor=actor, invitation=invitation, **form.cleaned_data),
        )
        if saved:
            messages.success(request, _("Registered %(name)s.") % {"name": saved.delegate.full_name})
            return redirect(invitation)
    return redirect_with_errors(request, form, invitation)


class RegistrationSubstitute(ObjectEditView):
    """Give a registered delegate's seat to someone else of the same delegation."""

    form_class = RegistrationForm
    template_name = "meetings/substitute_form.html"

    def get_object(self):
        return selectors.registration_get(actor=self.actor, pk=self.kwargs["pk"])

    def guard(self) -> None:
        permissions.require_act_for(self.actor, self.object.invitation.member_id)

    def get_form_kwargs(self):
        return {"member": self.object.invitation.member}

    def save(self, fields):
        return services.registration_substitute(actor=self.actor, registration=self.object, **fields)

    def get_success_message(self, saved) -> str:
        return _("%(new)s replaces %(old)s.") % {
            "new": saved.delegate.full_name,
            "old": self.object.delegate.full_name,
        }

    def get_success_url(self, saved) -> str:
        return self.object.invitation.get_absolute_url()

    def get_context_data(self, form):
        invitation = self.object.invitation
        context = super().get_context_data(form)
        return {
            **context,
            "registration": self.object,
            "invitation": invitation,
            "meeting": invitation.meeting,
        }


@require_POST
def registration_withdraw(request, pk: int):
    actor = web_actor(request)
    registration = selectors.registration_get(actor=actor, pk=pk)
    run_action(  # refused when already withdrawn or replaced
        request,
        lambda: services.registration_withdraw(actor=actor, registration=registration),
        success=_("Withdrew %(name)s.") % {"name": registration.delegate.full_name},
    )
    return redirect(registration.invitation)
