"""Meeting documents and their versions."""

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from core.actors import web_actor
from core.errors import NotFound
from core.forms import call_service
from meetings import permissions, selectors, services
from meetings.downloads import stored_file_response
from meetings.forms import DocumentForm, VersionForm
from meetings.views.common import MeetingPartEdit, redirect_with_errors


class DocumentCreate(MeetingPartEdit):
    form_class = DocumentForm
    form_takes_meeting = False
    title = _("Add a document")

    def save(self, fields):
        return services.document_upload(actor=self.actor, meeting=self.parent, **fields)


class DocumentDetail(MeetingPartEdit):
    """The document's page for every reader; the secretariat also edits it here."""

    form_class = DocumentForm
    form_takes_meeting = False
    template_name = "meetings/document_detail.html"
    success_message = _("Saved.")

    def get_object(self):
        return selectors.document_get(actor=self.actor, pk=self.kwargs["pk"])

    def guard(self) -> None:
        if self.request.method == "POST":
            permissions.require_manage(self.actor)

    def save(self, fields):
        return services.document_update(actor=self.actor, document=self.object, **fields)

    def get_success_url(self, saved) -> str:
        return saved.get_absolute_url()

    def get_context_data(self, form):
        can_manage = permissions.can_manage_meetings(self.actor)
        context = super().get_context_data(form if can_manage else None)
        return {
            **context,
            "document": self.object,
            "versions": list(self.object.versions.all()),
            "version_form": VersionForm() if can_manage else None,
            "history": context["history"] if can_manage else [],
        }


@require_POST
def document_version_create(request, pk: int):
    actor = web_actor(request)
    document = selectors.document_get(actor=actor, pk=pk)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        version = call_service(
            form,
            lambda: services.document_version_upload(
                actor=actor, document=document, file=form.cleaned_data["file"]
            ),
        )
        if version:
            messages.success(request, gettext("Uploaded version %(number)s.") % {"number": version.number})
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
