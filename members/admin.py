from django.contrib import admin

from core.admin import ServiceAdmin
from members import services
from members.models import ChairTerm, Delegate, Member, MemberGroup, Membership, PartnerToken


@admin.register(Member)
class MemberAdmin(ServiceAdmin):
    list_display = ["iso2", "name", "kind", "status", "msp_partner", "capital_time_zone"]
    list_filter = ["kind", "status", "msp_partner"]
    search_fields = ["iso2", "name"]

    def service_create(self, actor, form):
        return services.member_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.member_update(actor=actor, member=obj, **changed)

    def has_delete_permission(self, request, obj=None):
        return False  # members are withdrawn (status), never deleted: history points at them


@admin.register(Delegate)
class DelegateAdmin(ServiceAdmin):
    list_display = ["full_name", "member", "capacity", "email", "active_from", "active_until"]
    list_filter = ["capacity", "member"]
    search_fields = ["full_name", "email", "member__name"]
    list_select_related = ["member"]
    raw_id_fields = ["user"]

    def service_create(self, actor, form):
        return services.delegate_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.delegate_update(actor=actor, delegate=obj, **changed)

    def service_delete(self, actor, obj):
        services.delegate_delete(actor=actor, delegate=obj)


@admin.register(MemberGroup)
class MemberGroupAdmin(ServiceAdmin):
    list_display = ["name"]
    filter_horizontal = ["members"]

    def service_create(self, actor, form):
        return services.member_group_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.member_group_update(actor=actor, group=obj, **changed)

    def service_delete(self, actor, obj):
        services.member_group_delete(actor=actor, group=obj)

    def save_related(self, request, form, formsets, change):
        """The members were set by the service (audited); the admin does not set them again."""


@admin.register(ChairTerm)
class ChairTermAdmin(ServiceAdmin):
    list_display = ["member", "role", "forum", "starts_on", "ends_on"]
    list_filter = ["role", "forum"]
    list_select_related = ["member"]

    def service_validate(self, obj):
        services.chair_term_validate(obj)

    def service_create(self, actor, form):
        return services.chair_term_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.chair_term_update(actor=actor, term=obj, **changed)

    def service_delete(self, actor, obj):
        services.chair_term_delete(actor=actor, term=obj)


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    list_display = ["user", "role", "member"]
    list_filter = ["role"]
    list_select_related = ["user", "member"]
    raw_id_fields = ["user"]

    def service_create(self, actor, form):
        return services.user_role_set(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.user_role_set(
            actor=actor,
            user=obj.user,
            role=changed.get("role", obj.role),
            member=changed.get("member", obj.member),
        )

    def has_delete_permission(self, request, obj=None):
        return False  # change the role instead; deactivate the user to remove access


@admin.register(PartnerToken)
class PartnerTokenAdmin(ServiceAdmin):
    """Tokens are issued with `manage.py create_partner_token` (the secret is shown once);
    here they can be looked at and revoked."""

    list_display = [
        "name",
        "prefix",
        "member",
        "user",
        "scope",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["scope"]
    readonly_fields = [
        "name",
        "prefix",
        "member",
        "user",
        "scope",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        actor = self.actor(request)
        for token in queryset:
            services.partner_token_revoke(actor=actor, token=token)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")
