from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.actors import web_actor
from core.forms import call_service
from core.paging import paginate
from core.selectors import audit_history
from members import permissions, selectors, services, timeline
from members.filters import MemberFilter
from members.forms import ChairTermForm, DelegateForm

MEMBER_SORTS = {
    "name": "name",
    "-name": "-name",
    "iso2": "iso2",
    "status": "status",
    "delegates": "-delegate_count",
}


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


@require_http_methods(["GET", "POST"])
def delegate_create(request, iso2: str):
    actor = web_actor(request)
    member = selectors.member_get(actor=actor, iso2=iso2)
    _require_edit(actor, member)
    form = DelegateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.delegate_create(actor=actor, member=member, **form.cleaned_data)
        )
        if saved:
            messages.success(request, f"Added {saved.full_name} to the delegation.")
            return redirect(member)
    return render(request, "members/delegate_form.html", {"form": form, "member": member})


@require_http_methods(["GET", "POST"])
def delegate_edit(request, pk: int):
    actor = web_actor(request)
    delegate = selectors.delegate_get(actor=actor, pk=pk)
    _require_edit(actor, delegate.member)
    form = DelegateForm(request.POST or None, instance=delegate)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        saved = call_service(
            form, lambda: services.delegate_update(actor=actor, delegate=delegate, **changed)
        )
        if saved:
            messages.success(request, f"Saved {saved.full_name}.")
            return redirect(delegate.member)
    return render(
        request,
        "members/delegate_form.html",
        {"form": form, "member": delegate.member, "delegate": delegate, "history": audit_history([delegate])},
    )


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


@require_http_methods(["GET", "POST"])
def chair_term_create(request):
    return _chair_term_form(request, term=None)


@require_http_methods(["GET", "POST"])
def chair_term_edit(request, pk: int):
    actor = web_actor(request)
    return _chair_term_form(request, term=selectors.chair_term_get(actor=actor, pk=pk))


def _chair_term_form(request, *, term):
    actor = web_actor(request)
    if not permissions.can_manage_chair_terms(actor):
        raise PermissionDenied("Only the secretariat keeps the chair rotation.")
    form = ChairTermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        if term is None:
            saved = call_service(form, lambda: services.chair_term_create(actor=actor, **form.cleaned_data))
        else:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = call_service(form, lambda: services.chair_term_update(actor=actor, term=term, **changed))
        if saved:
            messages.success(request, f"Saved: {saved}.")
            return redirect("members:chair_rotation")
    return render(request, "members/chair_term_form.html", {"form": form, "term": term})


def _require_edit(actor, member) -> None:
    if permissions.can_edit_delegation(actor, member):
        return
    if not actor.can_write or actor.acts_for(member.pk) or actor.is_secretariat:
        raise PermissionDenied("This account may only read.")
    # Another delegation's page to edit does not exist for this user.
    raise Http404("No such delegation.")
