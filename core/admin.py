"""Admin plumbing: every ModelAdmin writes through the app's services, and audit is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from core.actors import actor_for_request
from core.choices import Channel
from core.models import AuditEntry, Change


class SecretariatAdminMixin:
    """The secretariat's role, not Django's per-model permissions, opens the admin."""

    def _is_secretariat(self, request) -> bool:
        actor = actor_for_request(request, Channel.ADMIN)
        return bool(actor and actor.is_secretariat and actor.can_write)

    def has_module_permission(self, request):
        return self._is_secretariat(request)

    def has_view_permission(self, request, obj=None):
        return self._is_secretariat(request)

    def has_add_permission(self, request):
        return self._is_secretariat(request)

    def has_change_permission(self, request, obj=None):
        return self._is_secretariat(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_secretariat(request)


class ReadOnlyAdmin(SecretariatAdminMixin, admin.ModelAdmin):
    """Rows the admin shows but never writes: they change only through the app's services
    (reference data loads, the reminder and webhook engines, the pages' own checks)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdmin(SecretariatAdminMixin, admin.ModelAdmin):
    """Routes admin saves and deletes to services.

    Subclasses implement `service_create(actor, form)`, `service_update(actor, obj, changed)`
    and `service_delete(actor, obj)`. A service's ValidationError is shown on the form.
    """

    def actor(self, request):
        return actor_for_request(request, Channel.ADMIN)

    def save_model(self, request, obj, form, change):
        actor = self.actor(request)
        if change:
            changed = {
                name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data
            }
            saved = self.service_update(actor, obj, changed)
        else:
            saved = self.service_create(actor, form)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        self.service_delete(self.actor(request), obj)

    def delete_queryset(self, request, queryset):
        actor = self.actor(request)
        for obj in queryset:
            self.service_delete(actor, obj)

    def get_form(self, request, obj=None, **kwargs):
        """The admin's form also runs the service's cross-object checks, so they show as form errors."""
        form_class = super().get_form(request, obj, **kwargs)
        service_validate = self.service_validate

        def _post_clean(form):
            form_class._post_clean(form)
            try:
                service_validate(form.instance)
            except ValidationError as exc:
                form._update_errors(exc)

        return type(form_class.__name__, (form_class,), {"_post_clean": _post_clean})

    def service_validate(self, obj) -> None:
        """Cross-object rules of the service (e.g. no overlapping chair terms); none by default."""

    def service_create(self, actor, form):
        raise NotImplementedError

    def service_update(self, actor, obj, changed):
        raise NotImplementedError

    def service_delete(self, actor, obj):
        raise NotImplementedError


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "channel", "action", "content_type", "object_repr"]
    list_filter = ["channel", "action", "content_type"]
    search_fields = ["actor_label", "object_repr", "request_id"]
    list_select_related = ["content_type"]
    date_hierarchy = "at"


@admin.register(Change)
class ChangeAdmin(AuditEntryAdmin):
    list_display = ["id", "seq", "at", "op", "resource", "object_id"]
    list_filter = ["op", "resource"]
    search_fields = ["resource"]
    list_select_related = []
    date_hierarchy = "at"
