"""Meeting documents and their versions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actors import web_actor
from core.errors import NotFound
from core.forms import call_service
from core.selectors import audit_history
from meetings import permissions, selectors, services
from meetings.downloads import stored_file_response
from meetings.forms import (
    DocumentForm,
    VersionForm,
)
from meetings.views.common import child_form, managed_meeting, redirect_with_errors, require_manage


@require_http_methods(["GET", "POST"])
def document_create(request, pk: int):
    actor, meeting = managed_meeting(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)

    def save():
        fields = dict(form.cleaned_data)
        return services.document_upload(
            actor=actor, meeting=meeting, restricted_to=list(fields.pop("restricted_to")), **fields
        )

    return child_form(request, meeting=meeting, form=form, title="Add a document", save=save)


def document_detail(request, pk: int):
    actor = web_actor(request)
    document = selectors.document_get(actor=actor, pk=pk)
    can_manage = permissions.can_manage_meetings(actor)
    form = DocumentForm(request.POST or None, instance=document) if can_manage else None
    version_form = VersionForm() if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only the secretariat manages meetings.")
        if form.is_valid():
            fields = dict(form.cleaned_data)
            restricted = list(fields.pop("restricted_to"))
            saved = call_service(
                form,
                lambda: services.document_update(
                    actor=actor, document=document, restricted_to=restricted, **fields
                ),
            )
            if saved:
                messages.success(request, "Saved.")
                return redirect(saved)
    return render(
        request,
        "meetings/document_detail.html",
        {
            "document": document,
            "meeting": document.meeting,
            "versions": list(document.versions.all()),
            "form": form,
            "version_form": version_form,
            "history": audit_history([document], limit=30) if can_manage else [],
        },
    )


@require_POST
def document_version_create(request, pk: int):
    actor = web_actor(request)
    document = selectors.document_get(actor=actor, pk=pk)
    require_manage(actor)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        version = call_service(
            form,
            lambda: services.document_version_upload(
                actor=actor, document=document, file=form.cleaned_data["file"]
            ),
        )
        if version:
            messages.success(request, f"Uploaded version {version.number}.")
            return redirect(document)
    return redirect_with_errors(request, form, document)


@require_GET
def document_download(request, pk: int):
    actor = web_actor(request)
    document = selectors.document_get(actor=actor, pk=pk)
    raw = request.GET.get("version", "")
    if raw and not raw.isdigit():
        raise Http404("No such version.")
    try:
        version = selectors.document_version(document, int(raw) if raw else None)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return stored_file_response(version.file, version.original_name, version.content_type)
