from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from core.actors import actor_for_request, web_actor
from core.edit import ObjectEditView
from core.paging import paginate
from core.selectors import audit_history
from members import permissions, selectors, services, timeline
from members.filters import MemberFilter
from members.forms import ChairTermForm, DelegateForm, LanguagePreferenceForm
from members.preferences import remember_in_session

MEMBER_SORTS = {
    "name": "name",
    "-name": "-name",
    "iso2": "iso2",
    "status": "status",
    "delegates": "-delegate_count",
}


@require_safe
def member_list(request):
    actor = web_actor(request)
    member_filter = MemberFilter(request.GET, queryset=selectors.member_directory(actor=actor))
    sort = request.GET.get("sort", "name")
    members = member_filter.qs.order_by(MEMBER_SORTS.get(sort, "name"), "name")
    return render(
        request,
        "members/member_list.html",
        {"filter": member_filter, "page": paginate(request, members, per_page=100), "sort": sort},
    )


@require_safe
def member_detail(request, iso2: str):
    actor = web_actor(request)
    member = selectors.member_get(actor=actor, iso2=iso2)
    delegates = list(selectors.delegate_list(actor=actor).filter(member=member))
    terms = list(member.chair_terms.select_related("member"))
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "delegates": delegates,
            "chair_terms": terms,
            "can_edit": permissions.can_edit_delegation(actor, member),
            "history": audit_history([member, *delegates, *terms], limit=50),
        },
    )


class DelegateCreate(ObjectEditView):
    form_class = DelegateForm
    template_name = "members/delegate_form.html"
    success_message = _("Added {object.full_name} to the delegation.")

    def get_parent(self):
        return selectors.member_get(actor=self.actor, iso2=self.kwargs["iso2"])

    def guard(self) -> None:
        permissions.require_edit_delegation(self.actor, self.parent)

    def save(self, fields):
        return services.delegate_create(actor=self.actor, member=self.parent, **fields)

    def get_success_url(self, saved) -> str:
        return self.parent.get_absolute_url()

    def get_context_data(self, form):
        return {**super().get_context_data(form), "member": self.parent, "delegate": self.object}


class DelegateEdit(DelegateCreate):
    success_message = _("Saved {object.full_name}.")

    def get_object(self):
        return selectors.delegate_get(actor=self.actor, pk=self.kwargs["pk"])

    def get_parent(self):
        return self.object.member

    def save(self, fields):
        return services.delegate_update(actor=self.actor, delegate=self.object, **fields)


@require_POST
def delegate_delete(request, pk: int):
    """Remove a delegate; one still registered for a meeting is refused with a message naming the
    registrations (core.middleware renders the 409 page)."""
    actor = web_actor(request)
    delegate = selectors.delegate_get(actor=actor, pk=pk)
    permissions.require_edit_delegation(actor, delegate.member)
    services.delegate_delete(actor=actor, delegate=delegate)
    messages.success(request, gettext("Removed %(name)s from the delegation.") % {"name": delegate.full_name})
    return redirect(delegate.member)


@require_safe
def chair_rotation(request):
    actor = web_actor(request)
    rotation = selectors.rotation_on(timezone.localdate())
    return render(
        request,
        "members/chair_rotation.html",
        {
            "rotation": rotation,
            "timeline": timeline.render(rotation),
            "can_manage": permissions.can_manage_chair_terms(actor),
            "history": audit_history(rotation.terms, limit=30),
        },
    )


class ChairTermCreate(ObjectEditView):
    form_class = ChairTermForm
    template_name = "members/chair_term_form.html"

    def guard(self) -> None:
        permissions.require_manage_chair_terms(self.actor)

    def save(self, fields):
        return services.chair_term_create(actor=self.actor, **fields)

    def get_success_url(self, saved) -> str:
        return reverse("members:chair_rotation")

    def get_context_data(self, form):
        return {**super().get_context_data(form), "term": self.object}


class ChairTermEdit(ChairTermCreate):
    def get_object(self):
        return selectors.chair_term_get(actor=self.actor, pk=self.kwargs["pk"])

    def save(self, fields):
        return services.chair_term_update(actor=self.actor, term=self.object, **fields)


class ProfileEdit(ObjectEditView):
    """A user's own settings: the language of their pages and of the e-mails they receive."""

    form_class = LanguagePreferenceForm
    template_name = "members/profile.html"
    title = _("Your settings")
    success_message = _("Your settings are saved.")

    def get_object(self):
        return selectors.own_membership(actor=self.actor)

    def save(self, fields):
        if "language" not in fields:  # saved unchanged: nothing to write
            return self.object
        saved = services.user_language_set(actor=self.actor, user=self.request.user, **fields)
        remember_in_session(self.request.session, saved.language)
        return saved

    def get_success_url(self, saved) -> str:
        return reverse("members:profile")


@require_POST
def language_set(request):
    """The header's language switcher: the cookie (Django's view) and, when signed in, the
    user's own setting, so e-mails follow too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        actor = actor_for_request(request)
        if actor is not None:
            services.user_language_set(actor=actor, user=request.user, language=language)
            remember_in_session(request.session, language)
    return response
