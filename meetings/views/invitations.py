"""Invitations and registrations: what a delegation sees and answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.actors import web_actor
from core.forms import call_service
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
    if not permissions.can_act_for_member(actor, invitation.member_id):
        raise PermissionDenied("This account may only read.")
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
            messages.success(request, f"Answer recorded: {saved.get_status_display().lower()}.")
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
            messages.success(request, "Credentials uploaded.")
            return redirect(saved)
    return redirect_with_errors(request, form, invitation)


@require_POST
def registration_create(request, pk: int):
    actor, invitation = _invitation_for_write(request, pk)
    form = RegistrationForm(request.POST, member=invitation.member)
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.registration_add(
                actor=actor,
                invitation=invitation,
                delegate=form.cleaned_data["delegate"],
                capacity=form.cleaned_data["capacity"] or None,
            ),
        )
        if saved:
            messages.success(request, f"Registered {saved.delegate.full_name}.")
            return redirect(invitation)
    return redirect_with_errors(request, form, invitation)


@require_http_methods(["GET", "POST"])
def registration_substitute(request, pk: int):
    actor = web_actor(request)
    registration = selectors.registration_get(actor=actor, pk=pk)
    invitation = registration.invitation
    if not permissions.can_act_for_member(actor, invitation.member_id):
        raise PermissionDenied("This account may only read.")
    form = RegistrationForm(request.POST or None, member=invitation.member)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.registration_substitute(
                actor=actor,
                registration=registration,
                delegate=form.cleaned_data["delegate"],
                capacity=form.cleaned_data["capacity"] or None,
            ),
        )
        if saved:
            messages.success(
                request, f"{saved.delegate.full_name} replaces {registration.delegate.full_name}."
            )
            return redirect(invitation)
    return render(
        request,
        "meetings/substitute_form.html",
        {"form": form, "registration": registration, "invitation": invitation, "meeting": invitation.meeting},
    )


@require_POST
def registration_withdraw(request, pk: int):
    actor = web_actor(request)
    registration = selectors.registration_get(actor=actor, pk=pk)
    if not permissions.can_act_for_member(actor, registration.invitation.member_id):
        raise PermissionDenied("This account may only read.")
    try:
        services.registration_withdraw(actor=actor, registration=registration)
        messages.success(request, f"Withdrew {registration.delegate.full_name}.")
    except ValidationError as exc:  # already withdrawn or replaced
        messages.error(request, " ".join(exc.messages))
    return redirect(registration.invitation)
