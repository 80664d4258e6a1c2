"""The one web edit path: every create and edit page of every app is an `ObjectEditView`.

A page declares what it edits and which service saves it; the view does the rest, the same
way everywhere:

1. `get_object()` fetches the edited object through the app's selectors (a hidden or missing
   object is "not found"); a create page returns None and fetches what the new object
   belongs to in `get_parent()` (e.g. the meeting of a new agenda item), also via selectors.
2. `guard()` runs the permission rule before the form is shown, so nobody is offered a form
   they could not save. It calls the same `permissions.require_*` function the service calls
   first; views never hold a rule of their own, and a refusal is a `core.errors.Forbidden` or
   `NotFound` that `DomainErrorMiddleware` turns into the error page.
3. The form is built with `get_form_kwargs()` (the instance and, for edits, nothing else).
4. On a valid POST, `save(fields)` calls the service. `fields` holds only what the user
   changed when a model form edits the object (`form.changed_data`), everything otherwise
   (create pages, and actions on an object such as a substitution): a service then
   tells "left alone" from "set", exactly as a PATCH in the API and a change in the admin do
   (the meeting chair follows the rotation unless it was chosen, for instance).
5. A service's `ValidationError` is shown on the form next to its field (rules about fields
   the form does not show go on top), as is any other refusal (`Conflict`, ...); the page
   is rendered again with nothing saved.
6. On success: a message (`success_message`, formatted with what the service returned) and a redirect
   to `get_success_url(saved)` (by default the saved object's page).

Use it like this (a new app copies this shape; urls.py uses `AgendaItemEdit.as_view()`):

    class AgendaItemEdit(ObjectEditView):
        form_class = AgendaItemForm
        template_name = "meetings/child_form.html"
        title = _("Edit agenda item")

        def get_object(self):
            return selectors.agenda_item_get(actor=self.actor, pk=self.kwargs["pk"])

        def guard(self):
            permissions.require_manage(self.actor)

        def get_form_kwargs(self):
            return {**super().get_form_kwargs(), "meeting": self.object.meeting}

        def save(self, fields):
            return services.agenda_item_update(actor=self.actor, item=self.object, **fields)

        def get_success_url(self, saved):
            return saved.meeting.get_absolute_url()

Services take the form's cleaned values as they come (model instances, querysets for
many-to-many fields); a form that needs to reshape input does it in its own `clean()`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.actors import Actor, web_actor
from core.forms import call_service
from core.selectors import audit_history


def changed_fields(form: forms.BaseForm) -> dict[str, Any]:
    """The cleaned values of the fields the user changed (what an edit passes to its service)."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


class ObjectEditView(View):
    """Create or edit one object through its service; see the module docstring for the shape."""

    http_method_names = ["get", "post"]
    form_class: type[forms.BaseForm]
    template_name: str
    title: str = ""  # may name "{object}" or "{parent}" (e.g. "Edit {object.title}")
    success_message: str = _("Saved: {object}.")

    actor: Actor
    object: models.Model | None
    parent: models.Model | None

    # What a page declares ------------------------------------------------------------------

    def get_object(self) -> models.Model | None:
        """The edited object, through the app's selectors; None on a create page."""
        return None

    def get_parent(self) -> models.Model | None:
        """What a new object belongs to, through the app's selectors; None when nothing."""
        return None

    def guard(self) -> None:
        """The permission rule the service enforces (a `permissions.require_*` call)."""

    def get_form_kwargs(self) -> dict[str, Any]:
        if issubclass(self.form_class, forms.BaseModelForm):
            return {"instance": self.object}
        return {}

    def save(self, fields: dict[str, Any]) -> Any:
        """Call the service with `fields` and return what it saved."""
        raise NotImplementedError

    def get_success_message(self, saved: Any) -> str:
        return str(self.success_message).format(object=saved)

    def get_success_url(self, saved: Any) -> str:
        return saved.get_absolute_url()

    def get_context_data(self, form: forms.BaseForm) -> dict[str, Any]:
        return {
            "form": form,
            "object": self.object,
            "parent": self.parent,
            "title": str(self.title).format(object=self.object, parent=self.parent),
            "history": audit_history([self.object]) if self.object is not None else [],
        }

    # The path itself -----------------------------------------------------------------------

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.actor = web_actor(request)
        self.object = self.get_object()
        self.parent = self.get_parent()
        self.guard()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.form_class(**self.get_form_kwargs()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST, request.FILES or None, **self.get_form_kwargs())
        if form.is_valid():
            fields = changed_fields(form) if self.edits_instance(form) else dict(form.cleaned_data)
            saved = call_service(form, lambda: self.save(fields))
            if saved is not None:
                messages.success(request, self.get_success_message(saved))
                return redirect(self.get_success_url(saved))
        return self.render_form(form)

    def edits_instance(self, form: forms.BaseForm) -> bool:
        """An edit of an existing object passes only the changed fields; anything else, all."""
        return self.object is not None and isinstance(form, forms.BaseModelForm)

    def render_form(self, form: forms.BaseForm) -> HttpResponse:
        return render(self.request, self.template_name, self.get_context_data(form))
