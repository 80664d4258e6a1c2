import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actors import web_actor
from core.errors import NotFound
from core.forms import call_service
from core.paging import paginate
from core.selectors import audit_history
from meetings import ics, permissions, selectors, services, slots
from meetings.choices import InvitationStatus, RegistrationStatus
from meetings.downloads import stored_file_response
from meetings.filters import MeetingFilter
from meetings.forms import (
    ActionItemForm,
    AgendaItemForm,
    AnswerForm,
    CredentialsForm,
    DocumentForm,
    InviteForm,
    MeetingForm,
    OutcomeForm,
    RegistrationForm,
    SlotFinderForm,
    StatusForm,
    VersionForm,
)
from members.models import Member


def _require_manage(actor) -> None:
    if not permissions.can_manage_meetings(actor):
        raise PermissionDenied("Only the secretariat manages meetings.")


# Lists and calendars -------------------------------------------------------------------------


def meeting_list(request):
    actor = web_actor(request)
    meeting_filter = MeetingFilter(request.GET, queryset=selectors.meeting_list(actor=actor))
    meetings = meeting_filter.qs.order_by("-starts_at", "-pk")
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "filter": meeting_filter,
            "page": paginate(request, meetings, per_page=50),
            "viewer_tz": selectors.viewer_time_zone(actor),
            "can_manage": permissions.can_manage_meetings(actor),
        },
    )


def _month(request) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    try:
        day = datetime.datetime.strptime(raw, "%Y-%m").date()  # noqa: DTZ007 (a month, no time)
    except ValueError:
        day = timezone.localdate()
    return day.year, day.month


def meeting_calendar(request):
    actor = web_actor(request)
    year, month = _month(request)
    viewer_tz = selectors.viewer_time_zone(actor)
    start, end = selectors.month_bounds(year, month, viewer_tz)
    meetings = list(
        selectors.meeting_list(actor=actor).filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at")
    )
    first = datetime.date(year, month, 1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "meetings/calendar.html",
        {
            "weeks": selectors.month_grid(meetings, year=year, month=month, time_zone=viewer_tz),
            "month": first,
            "previous": previous,
            "following": following,
            "viewer_tz": viewer_tz,
        },
    )


# One meeting ---------------------------------------------------------------------------------


def meeting_detail(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    can_manage = permissions.can_manage_meetings(actor)
    agenda = list(selectors.agenda_item_list(actor=actor).filter(meeting=meeting).order_by("position"))
    documents = list(selectors.document_list(actor=actor).filter(meeting=meeting).order_by("title", "pk"))
    outcomes = list(selectors.outcome_list(actor=actor).filter(meeting=meeting))
    actions = list(selectors.action_item_list(actor=actor).filter(meeting=meeting))
    context = {
        "meeting": meeting,
        "restricted_to": list(meeting.restricted_to.order_by("name")) if can_manage else [],
        "viewer_tz": selectors.viewer_time_zone(actor),
        "can_manage": can_manage,
        "invitation": selectors.invitation_for(actor=actor, meeting=meeting),
        "grid": selectors.rsvp_grid(actor=actor, meeting=meeting),
        "agenda": agenda,
        "documents": documents,
        "outcomes": outcomes,
        "actions": actions,
        "warnings": selectors.scheduling_warnings(meeting) if can_manage else None,
        "status_form": StatusForm(current=meeting.status) if can_manage else None,
        "history": audit_history([meeting, *agenda, *documents, *outcomes, *actions], limit=50)
        if can_manage
        else [],
    }
    return render(request, "meetings/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    return _meeting_form(request, meeting=None)


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    actor = web_actor(request)
    return _meeting_form(request, meeting=selectors.meeting_get(actor=actor, pk=pk))


def _meeting_form(request, *, meeting):
    actor = web_actor(request)
    _require_manage(actor)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if meeting is None:
            saved = call_service(form, lambda: services.meeting_schedule(actor=actor, **fields))
        else:
            saved = call_service(
                form, lambda: services.meeting_update(actor=actor, meeting=meeting, **fields)
            )
        if saved:
            messages.success(request, f"Saved “{saved.title}”.")
            return redirect(saved)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "meeting": meeting,
            "warnings": selectors.scheduling_warnings(meeting) if meeting else None,
        },
    )


@require_POST
def meeting_status(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    _require_manage(actor)
    form = StatusForm(request.POST, current=meeting.status)
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.meeting_status_change(
                actor=actor, meeting=meeting, status=form.cleaned_data["status"]
            ),
        )
        if saved:
            messages.success(request, f"The meeting is now {saved.get_status_display().lower()}.")
            return redirect(saved)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(meeting)


@require_http_methods(["GET", "POST"])
def meeting_invite(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    _require_manage(actor)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form, lambda: services.invitations_send(actor=actor, meeting=meeting, **form.service_kwargs())
        )
        if created is not None:
            messages.success(
                request, f"Invited {len(created)} member(s); members already invited were skipped."
            )
            return redirect("meetings:rsvp_grid", pk=meeting.pk)
    return render(request, "meetings/invite_form.html", {"form": form, "meeting": meeting})


def rsvp_grid(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    return render(
        request,
        "meetings/rsvp_grid.html",
        {
            "meeting": meeting,
            "grid": selectors.rsvp_grid(actor=actor, meeting=meeting),
            "can_manage": permissions.can_manage_meetings(actor),
        },
    )


def participants(request, pk: int):
    """The list of participants, printable; the secretariat's document."""
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if not actor.is_secretariat:
        raise Http404("No such page.")
    rows = selectors.participants(meeting=meeting)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="participants-meeting-{meeting.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow(["member_iso2", "member", "name", "capacity", "title", "email"])
        for row in rows:
            member = row.invitation.member
            writer.writerow(
                [
                    member.iso2,
                    member.name,
                    _csv_safe(row.delegate.full_name),
                    row.get_capacity_display(),
                    _csv_safe(row.delegate.title),
                    _csv_safe(row.delegate.email),
                ]
            )
        return response
    return render(request, "meetings/participants.html", {"meeting": meeting, "rows": rows})


def _csv_safe(value: str) -> str:
    # A cell starting with a formula character would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def meeting_ics(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    body = ics.calendar_bytes([meeting], name=meeting.title, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# Invitations: the delegation's view ---------------------------------------------------------------


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


def _redirect_with_errors(request, form, target):
    for field, errors in form.errors.items():
        label = form.fields[field].label or field if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect(target)


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
    return _redirect_with_errors(request, form, invitation)


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
    return _redirect_with_errors(request, form, invitation)


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
    return _redirect_with_errors(request, form, invitation)


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


# Agenda, documents, outcomes, action items -------------------------------------------------------


def _managed_meeting(request, pk: int):
    actor = web_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    _require_manage(actor)
    return actor, meeting


def _child_form(request, *, meeting, form, title, save, obj=None):
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, save)
        if saved:
            messages.success(request, f"Saved: {saved}.")
            return redirect(meeting)
    return render(
        request,
        "meetings/child_form.html",
        {
            "form": form,
            "meeting": meeting,
            "title": title,
            "history": audit_history([obj]) if obj is not None else [],
        },
    )


@require_http_methods(["GET", "POST"])
def agenda_item_create(request, pk: int):
    actor, meeting = _managed_meeting(request, pk)
    form = AgendaItemForm(request.POST or None, meeting=meeting)

    def save():
        fields = dict(form.cleaned_data)
        return services.agenda_item_create(
            actor=actor, meeting=meeting, documents=fields.pop("documents"), **fields
        )

    return _child_form(request, meeting=meeting, form=form, title="Add an agenda item", save=save)


@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, pk: int):
    actor = web_actor(request)
    item = selectors.agenda_item_get(actor=actor, pk=pk)
    _require_manage(actor)
    form = AgendaItemForm(request.POST or None, instance=item, meeting=item.meeting)

    def save():
        fields = dict(form.cleaned_data)
        return services.agenda_item_update(
            actor=actor, item=item, documents=fields.pop("documents"), **fields
        )

    return _child_form(
        request, meeting=item.meeting, form=form, title="Edit agenda item", save=save, obj=item
    )


@require_POST
def agenda_item_delete(request, pk: int):
    actor = web_actor(request)
    item = selectors.agenda_item_get(actor=actor, pk=pk)
    _require_manage(actor)
    services.agenda_item_delete(actor=actor, item=item)
    messages.success(request, f"Removed “{item.title}” from the agenda.")
    return redirect(item.meeting)


@require_POST
def agenda_move(request, pk: int):
    """Move one item up or down: the new order goes to the reorder service."""
    actor = web_actor(request)
    item = selectors.agenda_item_get(actor=actor, pk=pk)
    _require_manage(actor)
    order = list(item.meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    index = order.index(item.pk)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        services.agenda_reorder(actor=actor, meeting=item.meeting, order=order)
    return redirect(reverse("meetings:detail", args=[item.meeting_id]) + "#agenda")


@require_http_methods(["GET", "POST"])
def document_create(request, pk: int):
    actor, meeting = _managed_meeting(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)

    def save():
        fields = dict(form.cleaned_data)
        return services.document_upload(
            actor=actor, meeting=meeting, restricted_to=list(fields.pop("restricted_to")), **fields
        )

    return _child_form(request, meeting=meeting, form=form, title="Add a document", save=save)


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
    _require_manage(actor)
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
    return _redirect_with_errors(request, form, document)


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


@require_http_methods(["GET", "POST"])
def outcome_create(request, pk: int):
    actor, meeting = _managed_meeting(request, pk)
    form = OutcomeForm(request.POST or None, meeting=meeting)
    return _child_form(
        request,
        meeting=meeting,
        form=form,
        title="Record an outcome",
        save=lambda: services.outcome_create(actor=actor, meeting=meeting, **form.cleaned_data),
    )


@require_http_methods(["GET", "POST"])
def outcome_edit(request, pk: int):
    actor = web_actor(request)
    outcome = selectors.outcome_get(actor=actor, pk=pk)
    _require_manage(actor)
    form = OutcomeForm(request.POST or None, instance=outcome, meeting=outcome.meeting)
    return _child_form(
        request,
        meeting=outcome.meeting,
        form=form,
        title="Edit outcome",
        save=lambda: services.outcome_update(actor=actor, outcome=outcome, **form.cleaned_data),
        obj=outcome,
    )


@require_http_methods(["GET", "POST"])
def action_item_create(request, pk: int):
    actor, meeting = _managed_meeting(request, pk)
    form = ActionItemForm(request.POST or None, meeting=meeting)
    return _child_form(
        request,
        meeting=meeting,
        form=form,
        title="Add an action item",
        save=lambda: services.action_item_create(actor=actor, meeting=meeting, **form.cleaned_data),
    )


@require_http_methods(["GET", "POST"])
def action_item_edit(request, pk: int):
    actor = web_actor(request)
    item = selectors.action_item_get(actor=actor, pk=pk)
    _require_manage(actor)
    form = ActionItemForm(request.POST or None, instance=item, meeting=item.meeting)
    return _child_form(
        request,
        meeting=item.meeting,
        form=form,
        title="Edit action item",
        save=lambda: services.action_item_update(actor=actor, item=item, **form.cleaned_data),
        obj=item,
    )


# Scheduling help ------------------------------------------------------------------------------


def slot_finder(request):
    actor = web_actor(request)
    _require_manage(actor)
    initial = {}
    meeting = None
    if request.GET.get("meeting", "").isdigit():
        meeting = selectors.meeting_get(actor=actor, pk=int(request.GET["meeting"]))
        initial = {
            "date_from": meeting.starts_at.date(),
            "date_to": meeting.starts_at.date() + datetime.timedelta(days=6),
            "duration_minutes": meeting.duration_minutes,
            "members": list(Member.objects.filter(invitations__meeting=meeting)),
        }
    form = SlotFinderForm(request.GET if "date_from" in request.GET else None, initial=initial)
    ranked, burden, members = [], {}, []
    if form.is_bound and form.is_valid():
        members = sorted(form.cleaned_data["members"], key=lambda member: member.iso2)
        burden = selectors.burden_history(members=members)
        ranked = slots.rank_slots(
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            duration=datetime.timedelta(minutes=form.cleaned_data["duration_minutes"]),
            delegations=selectors.delegations_of(members),
            burden=burden,
            limit=20,
        )
    return render(
        request,
        "meetings/slots.html",
        {
            "form": form,
            "slots": ranked,
            "burden": sorted(burden.items()),
            "members": members,
            "meeting": meeting,
        },
    )


# Calendar feeds --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_feeds(request):
    """Show the viewer's secret calendar links (their own, and their delegation's) and renew them."""
    actor = web_actor(request)
    member = Member.objects.filter(pk=actor.member_id).first() if actor.member_id else None
    can_member_feed = member is not None and permissions.can_act_for_member(actor, member.pk)
    if request.method == "POST":
        if request.POST.get("feed") == "member" and can_member_feed:
            services.calendar_feed_issue(actor=actor, member=member)
        else:
            services.calendar_feed_issue(actor=actor, user=request.user)
        messages.success(request, "A new link was made; the previous one no longer works.")
        return redirect("meetings:feeds")
    user_token = selectors.feed_token_for(user=request.user)
    member_token = selectors.feed_token_for(member=member) if can_member_feed else None
    return render(
        request,
        "meetings/feeds.html",
        {
            "user_url": request.build_absolute_uri(reverse("calendar_user", args=[user_token.token]))
            if user_token
            else None,
            "member_url": request.build_absolute_uri(reverse("calendar_member", args=[member_token.token]))
            if member_token
            else None,
            "member": member if can_member_feed else None,
        },
    )


def _feed(request, token: str, kind: str):
    feed = selectors.feed_token_get(token)
    if (kind == "user") != bool(feed.user_id):
        raise Http404("No such calendar.")
    actor = permissions.actor_for_feed(feed)
    if actor is None:
        raise Http404("No such calendar.")
    name = f"FORGE meetings ({feed.member.iso2})" if feed.member_id else "FORGE meetings"
    body = ics.calendar_bytes(
        selectors.feed_meetings(actor=actor), name=name, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def user_feed(request, token: str):
    return _feed(request, token, "user")


@require_GET
def member_feed(request, token: str):
    return _feed(request, token, "member")
